// The built-in todochat page: sign-in, threads, the conversation and its streamed turns, client tools.
import { forgetToken, providerSignInOffered, remembering, revokeToken, setRemember, signInErrorFromLocation, storeToken, tokenFromLocation, tokenSubject } from "./auth.js";
import { ChatKitClient, ChatKitError, userTimeZone } from "./chatkit-client.js";
import { startComposerTools, takeInferenceOptions, textForEmptyMessage } from "./composer-tools.js";
import { downloadTasks } from "./export.js";
import { forgetFeedback } from "./feedback.js";
import { refreshPanel, startPanel, stopPanel } from "./panel.js";
import { startReminders, stopReminders } from "./reminders.js";
import { isSyncAction, refreshWidgets, runSyncAction } from "./sync-actions.js";
import { renderThreadItem, updateThreadItem } from "./items.js";
import { MentionMenu, setMentionToken } from "./mentions.js";
import { modelOption, startModelPicker } from "./model-picker.js";
import { ThreadList } from "./threads.js";
import { startVoice, stopVoice, wireVoice } from "./voice.js";
import {
  $, autosize, clearTransient, closeSidebar, hideError, scrollToEnd, setBusy, setStatus, showError,
  showNotice, showPending, takeRetry, updateWelcome, watchScrolling,
} from "./view.js";

const THREAD_KEY = "todochat.thread";
const HISTORY_PAGE = 100;
const HISTORY_MAX_PAGES = 20;

const state = {
  client: null,
  threadId: null,
  items: new Map(), // item id -> item JSON, as last received
  busy: false,
  controller: null, // aborts the running stream
};

setMentionToken(() => state.client?.token || "");
const mentions = new MentionMenu($("composer-input")); // before wire(): its Enter picks, not sends

const threads = new ThreadList({
  list: $("thread-list"),
  empty: $("thread-empty"),
  heading: $("thread-title"),
  dialog: $("confirm-dialog"),
  dialogText: $("confirm-text"),
  request: (type, params) => state.client.request(type, params),
  onOpen: (id) => openThread(id),
  onDeleted: (id) => { if (state.threadId === id) newThread(); },
  onError: (err) => handleRequestError(err),
});

// ---------------------------------------------------------------- sign-in

function showLogin(message) {
  state.client = null;
  state.items.clear();
  threads.clear();
  $("messages").replaceChildren();
  $("thread-title").textContent = "New chat"; // nothing of the signed-out user stays in the page
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  $("login-error").hidden = !message;
  $("login-error").textContent = message || "";
  $("token-input").value = "";
  $("token-input").focus();
}

function signOut(message) {
  state.controller?.abort();
  stopReminders();
  stopPanel();
  stopVoice();
  forgetFeedback();
  forgetToken();
  sessionStorage.removeItem(THREAD_KEY);
  showLogin(message);
}

function refused(err) {
  return `Your token was not accepted (${err.message}) Paste a valid token to sign in.`;
}

function handleRequestError(err, retry) {
  if (err instanceof ChatKitError && err.unauthorized) signOut(refused(err));
  else showError(err.message, retry);
}

/** Check the token by listing threads; then show the app and reopen the tab's last thread. */
async function boot(token) {
  state.client = new ChatKitClient({ token });
  try {
    await threads.load();
  } catch (err) {
    if (err instanceof ChatKitError && err.unauthorized) return signOut(refused(err));
    showApp(token);
    return showError(err.message, () => boot(token));
  }
  showApp(token);
  const saved = sessionStorage.getItem(THREAD_KEY);
  if (saved && threads.has(saved)) await openThread(saved);
  else newThread();
}

function showApp(token) {
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  const user = tokenSubject(token) || "you";
  $("user-name").textContent = user;
  $("user-avatar").textContent = user.slice(0, 1).toUpperCase();
  $("tz-label").textContent = userTimeZone();
  $("remember-toggle").checked = remembering();
  startReminders(token);
  startPanel(token); // the task panel beside the chat (panel.js)
  startVoice(() => state.client); // the microphone shows when the server transcribes (voice.js)
  startComposerTools(); // "Add task", "Plan my day", "Weekly review" (composer-tools.js)
  startModelPicker(token); // the models this server offers (model-picker.js)
}

// ---------------------------------------------------------------- threads

function resetConversation(threadId) {
  state.controller?.abort();
  state.controller = null;
  state.busy = false;
  setBusy(false);
  state.threadId = threadId;
  state.items.clear();
  if (threadId) sessionStorage.setItem(THREAD_KEY, threadId);
  else sessionStorage.removeItem(THREAD_KEY);
  $("messages").replaceChildren();
  hideError();
  setStatus("");
  threads.setCurrent(threadId);
  closeSidebar();
}

function newThread() {
  resetConversation(null);
  updateWelcome();
  $("composer-input").focus();
}

/** Open a thread: its history through items.list, oldest first, page by page. */
async function openThread(threadId) {
  resetConversation(threadId);
  $("messages").setAttribute("aria-busy", "true");
  try {
    let after = null;
    for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
      const params = { thread_id: threadId, order: "asc", limit: HISTORY_PAGE, ...(after ? { after } : {}) };
      const result = await state.client.request("items.list", params);
      if (state.threadId !== threadId) return;
      for (const item of result.data || []) showItem(item);
      if (!result.has_more || !result.after) break;
      after = result.after;
    }
  } catch (err) {
    if (state.threadId === threadId) handleRequestError(err, () => openThread(threadId));
  } finally {
    if (!state.busy) $("messages").removeAttribute("aria-busy");
    updateWelcome();
    scrollToEnd(true);
  }
}

/** Every widget of the open thread as the server draws it now (its tasks' current state). */
function refreshThreadWidgets() {
  const threadId = state.threadId;
  if (!threadId || !state.client) return Promise.resolve();
  const current = () => state.threadId === threadId;
  return refreshWidgets(state.client, threadId, { known: state.items, show: showItem, current, pageSize: HISTORY_PAGE, maxPages: HISTORY_MAX_PAGES })
    .catch(() => {}); // best effort: the widgets are current again on the next load
}

// ---------------------------------------------------------------- items

function showItem(item) {
  state.items.set(item.id, item);
  const messages = $("messages");
  const existing = messages.querySelector(`[data-item-id="${CSS.escape(item.id)}"]`);
  const node = renderThreadItem(item, {
    onAction: (action) => sendAction(item.id, action),
    onAnswer: (inputId, values) => sendAnswer(item.id, { status: "answered", answers: { [inputId]: { values } } }),
    onSkip: () => sendAnswer(item.id, { status: "skipped", answers: {} }),
    onFeedback: (kind) => state.client.request("items.feedback", { thread_id: state.threadId, item_ids: [item.id], kind }),
  });
  if (!node) return existing?.remove();
  node.dataset.itemId = item.id;
  if (existing) {
    const focus = existing.contains(document.activeElement) ? focusKey(existing, document.activeElement) : null;
    existing.replaceWith(node);
    if (focus) restoreFocus(node, focus);
  } else {
    messages.querySelector(".msg-typing")?.remove();
    if (item.type === "user_message") messages.querySelector(".msg-pending")?.remove();
    messages.append(node);
  }
  updateWelcome();
  scrollToEnd();
}

// ---------------------------------------------------------------- focus after a row action

const FOCUSABLE = "button, input, select, textarea, [tabindex='0']";

/** Where keyboard focus is inside a widget: its row's task number (from the row's actions), the control's name. */
function focusKey(root, active) {
  const row = active.closest(".ck-listitem");
  return { row: row ? rowNumber(row) : null, name: active.getAttribute("aria-label") || active.textContent.trim(), index: [...root.querySelectorAll(FOCUSABLE)].indexOf(active), deleting: lastAction?.type === "task.delete" ? lastAction.payload?.number : null };
}

/** The task number a row's controls act on, or null. */
function rowNumber(row) {
  const control = row.querySelector("[data-task-number]");
  return control ? Number(control.dataset.taskNumber) : null;
}

/**
 * Put focus back after a widget was replaced: on the same row's control (same name, else the row's
 * first control); a row deleted by its own Delete becomes "Deleted · Undo" with focus on Undo;
 * never on another row's control.
 */
function restoreFocus(node, key) {
  if (key.row === null) {
    const controls = [...node.querySelectorAll(FOCUSABLE)];
    return (controls[key.index] || controls[0])?.focus({ preventScroll: true });
  }
  const row = [...node.querySelectorAll(".ck-listitem")].find((r) => rowNumber(r) === key.row);
  if (row) {
    const controls = [...row.querySelectorAll(FOCUSABLE)];
    const same = controls.find((c) => (c.getAttribute("aria-label") || c.textContent.trim()) === key.name);
    return (same || controls[0])?.focus({ preventScroll: true });
  }
  if (key.deleting === key.row) return showDeletedRow(node, key.row);
  node.setAttribute("tabindex", "-1");
  node.focus({ preventScroll: true });
}

/** "Deleted · Undo" in place of a task row deleted from this widget; Undo asks todochat to undo it. */
function showDeletedRow(node, number) {
  const list = node.querySelector(".ck-list") || node;
  const row = document.createElement(list.tagName === "UL" || list.tagName === "OL" ? "li" : "div");
  row.className = "deleted-row ck-list-row";
  const text = document.createElement("span");
  text.textContent = `Task ${number} deleted ·`;
  const undo = document.createElement("button");
  undo.type = "button";
  undo.className = "ck-button";
  undo.textContent = "Undo";
  undo.setAttribute("aria-label", `Undo deleting task ${number}`);
  undo.addEventListener("click", () => { if (!state.busy) sendMessage("undo"); });
  row.append(text, undo);
  list.prepend(row);
  undo.focus({ preventScroll: true });
}

function removeItem(itemId) {
  state.items.delete(itemId);
  $("messages").querySelector(`[data-item-id="${CSS.escape(itemId)}"]`)?.remove();
}

/** Remove the items shown after `itemId` (threads.retry_after_item drops them on the server). */
function dropItemsAfter(itemId) {
  const anchor = $("messages").querySelector(`[data-item-id="${CSS.escape(itemId)}"]`);
  while (anchor?.nextElementSibling) {
    const node = anchor.nextElementSibling;
    if (node.dataset.itemId) state.items.delete(node.dataset.itemId);
    node.remove();
  }
}

/** Apply one ThreadStreamEvent (chatkit/types.py) to the page. */
function handleEvent(event, turn) {
  switch (event.type) {
    case "thread.created":
      state.threadId = event.thread.id;
      sessionStorage.setItem(THREAD_KEY, event.thread.id);
      threads.current = event.thread.id;
      threads.upsert(event.thread);
      break;
    case "thread.updated":
      threads.upsert(event.thread);
      break;
    case "thread.item.added":
    case "thread.item.done":
    case "thread.item.replaced":
      if (event.item.type === "user_message") turn.userMessageId = event.item.id;
      turn.lastItem = event.item;
      if (event.item.type === "widget") turn.widgets = true;
      showItem(event.item);
      break;
    case "thread.item.updated": {
      const item = state.items.get(event.item_id);
      if (item) showItem(updateThreadItem(item, event.update));
      break;
    }
    case "thread.item.removed":
      removeItem(event.item_id);
      break;
    case "progress_update":
      setStatus(event.text);
      break;
    case "notice":
      showNotice(event);
      break;
    case "client_effect":
      if (event.name === "tasks_changed") refreshPanel(); // a change of this turn committed (chatkit/steps.py)
      break;
    case "stream_options":
      $("stop").hidden = !event.stream_options?.allow_cancel;
      $("send").hidden = !$("stop").hidden;
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------- streamed turns

/**
 * Run one streaming request. On failure: a visible error with Retry; the user's typed text goes
 * back into the composer unless the server already stored it (then Retry asks for a new answer).
 */
async function runStream(type, params, { text = null } = {}) {
  if (state.busy) return;
  hideError();
  state.busy = true;
  setBusy(true);
  const controller = new AbortController();
  state.controller = controller;
  const turn = { userMessageId: null, lastItem: null };
  try {
    await state.client.stream(type, params, (event) => handleEvent(event, turn), { signal: controller.signal });
    if (turn.widgets) refreshThreadWidgets(); // a turn that showed tasks may have changed them: older widgets follow
    refreshPanel(); // at once; the event stream would tell it too, a poll later
    const call = turn.lastItem;
    if (call && call.type === "client_tool_call" && call.status === "pending") {
      state.busy = false;
      await runClientTool(call);
    }
  } catch (err) {
    clearTransient();
    if (err.name === "AbortError") {
      if (state.controller === controller) setStatus("Stopped."); // not when another thread was opened
      return;
    }
    if (err instanceof ChatKitError && err.unauthorized) return signOut(refused(err));
    if (!(err.allowRetry || err.network)) keepInComposer(turn, text);
    showError(err.message, err.allowRetry || err.network ? retryFor(turn, type, params, text) : null);
  } finally {
    if (state.controller === controller) {
      state.controller = null;
      state.busy = false;
      setBusy(false);
    }
    clearTransient();
  }
}

/** A message the server refused (nothing stored): back into the composer, to fix and send again. */
function keepInComposer(turn, text) {
  const input = $("composer-input");
  if (text === null || turn.userMessageId || input.value.trim()) return;
  input.value = text;
  mentions.putBack(text); // its task tags too
  autosize();
  input.focus();
}

function retryFor(turn, type, params, text) {
  if (turn.userMessageId && state.threadId) {
    const item = { thread_id: state.threadId, item_id: turn.userMessageId };
    return () => {
      dropItemsAfter(item.item_id);
      return runStream("threads.retry_after_item", item);
    };
  }
  const input = $("composer-input");
  if (text !== null && !input.value.trim()) {
    input.value = text;
    mentions.putBack(text);
    autosize();
  }
  return () => {
    if (text !== null && input.value === text) {
      input.value = "";
      autosize();
    }
    if (text !== null) showPending(text);
    return runStream(type, params, { text });
  };
}

/** A client tool call the stream ended on: run it here, then send its output back. */
async function runClientTool(call) {
  let result;
  if (call.name === "download_tasks") {
    try {
      const done = await downloadTasks(call.arguments || {}, state.client.token);
      setStatus(`Downloaded ${done.filename}.`);
      result = { downloaded: done.downloaded };
    } catch (err) {
      result = { error: err.message };
    }
  } else {
    result = { error: `This page has no client tool named ${call.name}.` };
  }
  showItem({ ...call, status: "completed", output: result }); // as the server now stores it
  await runStream("threads.add_client_tool_output", { thread_id: call.thread_id, result });
}

/** A widget's button/row/control: threads.custom_action for that widget item. */
let lastAction = null;

async function sendAction(itemId, action) {
  lastAction = action;
  if (state.busy) return setStatus("Wait for the current answer to finish.");
  if (action.handler === "client") return setStatus(`This page does not handle “${action.type}”.`);
  const params = { thread_id: state.threadId, item_id: itemId, action: { type: action.type, payload: action.payload ?? null } };
  if (isSyncAction(action)) {
    // row buttons: one JSON answer with the widget's new state, replaced in place (focus kept)
    hideError();
    try {
      await runSyncAction(state.client, params, showItem);
    } catch (err) {
      handleRequestError(err);
      if (err instanceof ChatKitError && err.unauthorized) return;
    }
    refreshThreadWidgets(); // the same task in the thread's other widgets (or all of them after a refusal)
    refreshPanel();
    return;
  }
  await runStream("threads.custom_action", params);
}

/** A question's option (or Skip): threads.add_structured_input for that question item. */
async function sendAnswer(itemId, input) {
  if (state.busy) {
    const item = state.items.get(itemId);
    if (item) showItem(item); // buttons back as they were
    return setStatus("Wait for the current answer to finish.");
  }
  await runStream("threads.add_structured_input", { thread_id: state.threadId, item_id: itemId, input });
}

function sendMessage(text, content = [{ type: "input_text", text }], inferenceOptions = {}) {
  const input = { content, attachments: [], quoted_text: null, inference_options: inferenceOptions };
  showPending(text);
  if (state.threadId) return runStream("threads.add_user_message", { thread_id: state.threadId, input }, { text });
  return runStream("threads.create", { input }, { text });
}

// ---------------------------------------------------------------- wiring

function wire() {
  $("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) {
      $("login-error").hidden = false;
      $("login-error").textContent = "Paste a token first.";
      return;
    }
    storeToken(token, $("remember-me").checked);
    boot(token);
  });
  $("remember-toggle").addEventListener("change", (e) => setRemember(e.target.checked));
  // A second sign-in link opened in this tab: sign in with its token.
  window.addEventListener("hashchange", () => {
    if (!new URLSearchParams(window.location.hash.slice(1)).has("token")) return;
    state.controller?.abort();
    stopReminders();
    stopPanel();
    stopVoice();
    sessionStorage.removeItem(THREAD_KEY);
    resetConversation(null); // nothing of the previous user stays in the page
    threads.clear();
    $("thread-title").textContent = "New chat";
    const next = tokenFromLocation();
    if (next) boot(next);
  });
  wireShortcuts();
  wireVoice();
  const input = $("composer-input");
  input.addEventListener("input", autosize);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim() || textForEmptyMessage(); // a view tool needs no words (composer-tools.js)
    if (!text || state.busy) return;
    input.value = "";
    autosize();
    sendMessage(text, mentions.take(text), { ...takeInferenceOptions(), ...modelOption() }); // @-mentions go as task tags; the chosen composer tool and model, if any
  });
  $("stop").addEventListener("click", () => state.controller?.abort());
  $("retry").addEventListener("click", () => takeRetry()?.());
  $("new-thread").addEventListener("click", newThread);
  $("sign-out").addEventListener("click", async () => {
    // Sign out everywhere: the server refuses this token (and every other of this user) from now on.
    const token = sessionStorage.getItem("todochat.token");
    const revoked = token ? await revokeToken(token) : true;
    signOut(revoked ? "You signed out." : "You signed out of this tab; the server could not be reached to revoke the token.");
  });
  $("sidebar-open").addEventListener("click", () => document.body.classList.add("sidebar-open"));
  $("sidebar-close").addEventListener("click", closeSidebar);
  for (const chip of $("suggestions").querySelectorAll("button")) {
    chip.addEventListener("click", () => { if (!state.busy) sendMessage(chip.textContent.trim(), undefined, modelOption()); });
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeSidebar(); });
}

/** Keyboard shortcuts (listed in the "?" help and the README). */
function wireShortcuts() {
  const typing = (t) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
  $("shortcuts-open").addEventListener("click", () => $("shortcuts-dialog").showModal());
  $("thread-search").addEventListener("input", (e) => {
    const query = e.target.value.trim().toLowerCase();
    for (const link of $("thread-list").querySelectorAll(".thread-link")) {
      const li = link.closest("li") || link;
      li.hidden = Boolean(query) && !link.textContent.toLowerCase().includes(query);
    }
  });
  document.addEventListener("keydown", (e) => {
    if ($("app-view").hidden || e.defaultPrevented) return;
    const key = e.key.toLowerCase();
    if (e.altKey && !e.ctrlKey && !e.metaKey && key === "n") {
      e.preventDefault();
      newThread();
    } else if ((e.ctrlKey || e.metaKey) && key === "k") {
      e.preventDefault();
      document.body.classList.add("sidebar-open");
      $("thread-search").focus();
    } else if (!typing(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey && e.key === "/") {
      e.preventDefault();
      $("composer-input").focus();
    } else if (!typing(e.target) && e.key === "?") {
      e.preventDefault();
      $("shortcuts-dialog").showModal();
    }
  });
}

wire();
watchScrolling();
const signInError = signInErrorFromLocation();
const token = signInError ? null : tokenFromLocation();
if (token) boot(token);
else showLogin(signInError);
providerSignInOffered().then((offered) => { $("oidc-sign-in").hidden = !offered; });
