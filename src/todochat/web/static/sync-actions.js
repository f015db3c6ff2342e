// Widget actions answered without a stream: threads.sync_custom_action (chatkit 1.6.2+) returns the
// widget item's new state as one JSON answer; the page puts it in place of the old one.

/** Task-row buttons and the list toggle: no model turn needed, so no stream. */
const SYNC_ACTIONS = new Set(["task.complete", "task.reopen", "task.delete", "task.undo_delete", "tasks.view"]);

/** Whether `action` (a widget ActionConfig) goes through threads.sync_custom_action. */
export function isSyncAction(action) {
  return Boolean(action) && action.handler !== "client" && SYNC_ACTIONS.has(action.type);
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
