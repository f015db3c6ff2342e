// Widget actions answered without a stream: an action with `streaming: false` (chatkit 1.6.2+) goes
// as threads.sync_custom_action, whose JSON answer is the widget item's new state; the page puts it
// in place of the old one. todochat's task rows and list toggle are such actions.

/** Whether `action` (a widget ActionConfig) goes through threads.sync_custom_action. */
export function isSyncAction(action) {
  return Boolean(action) && action.handler !== "client" && action.streaming === false;
}

/**
 * Send a widget action as threads.sync_custom_action and hand the updated item to `show`.
 * Errors (another user's item, a task deleted meanwhile, a bad payload: 4xx) are thrown as the
 * client's ChatKitError; nothing was changed then.
 */
export async function runSyncAction(client, params, show) {
  const result = await client.request("threads.sync_custom_action", params);
  if (result && result.updated_item) show(result.updated_item);
  return result;
}

/**
 * Re-read the thread's items (items.list, which draws every task widget from its tasks as they are
 * now) and show each widget the page has whose rendering changed: a task looks the same in every
 * widget of the thread after a button or a turn changed it. `current()` says the thread is still open.
 */
export async function refreshWidgets(client, threadId, { known, show, current, pageSize = 100, maxPages = 20 }) {
  let after = null;
  for (let page = 0; page < maxPages && current(); page++) {
    const params = { thread_id: threadId, order: "asc", limit: pageSize, ...(after ? { after } : {}) };
    const result = await client.request("items.list", params);
    if (!current()) return;
    for (const item of result.data || []) {
      const shown = known.get(item.id);
      if (item.type === "widget" && shown && JSON.stringify(shown.widget) !== JSON.stringify(item.widget)) show(item);
    }
    if (!result.has_more || !result.after) return;
    after = result.after;
  }
}
