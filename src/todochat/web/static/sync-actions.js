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
