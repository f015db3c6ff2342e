// The built-in todochat page: sign-in, thread list, conversation, composer, widgets, client tools.
import { ChatKitClient, ChatKitError, userTimeZone } from "./chatkit-client.js";
import { downloadTasks } from "./export.js";
import { renderThreadItem, updateThreadItem } from "./items.js";

const TOKEN_KEY = "todochat.token";
const THREAD_KEY = "todochat.thread";
const HISTORY_PAGE = 100;
const HISTORY_MAX_PAGES = 20;

const $ = (id) => document.getElementById(id);

const state = {
  client: null,
  threads: [],
  threadId: null,
  items: new Map(), // item id -> item JSON
  busy: false,
  controller: null,
  retry: null,
};

// ---------------------------------------------------------------- token & sign-in

/** Take `#token=...` from the address bar into sessionStorage and remove it from the URL. */
function tokenFromLocation() {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const token = hash.get("token");
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
    hash.delete("token");
    const rest = hash.toString();
    history.replaceState(null, "", window.location.pathname + window.location.search + (rest ? `#${rest}` : ""));
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The token's user name, for display only (the server verifies the token itself). */
function tokenSubject(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return String(JSON.parse(json).sub || "");
  } catch {
    return "";
  }
}

function showLogin(message) {
  state.client = null;
  state.threads = [];
  state.items.clear();
  $("messages").replaceChildren();
  $("thread-list").replaceChildren();
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  const error = $("login-error");
  error.hidden = !message;
  error.textContent = message || "";
  $("token-input").value = "";
  $("token-input").focus();
}

function signOut(message) {
  if (state.controller) state.controller.abort();
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(THREAD_KEY);
  showLogin(message);
}

function refused(err) {
  return `Your token was not accepted (${err.message}) Paste a valid token to sign in.`;
}

async function boot(token) {
  state.client = new ChatKitClient({ token });
  try {
    await loadThreads();
  } catch (err) {
    if (err instanceof ChatKitError && err.unauthorized) {
      signOut(refused(err));
      return;
    }
    showApp(token);
    showError(err.message, () => boot(token));
    return;
  }
  showApp(token);
  const saved = sessionStorage.getItem(THREAD_KEY);
  if (saved && state.threads.some((t) => t.id === saved)) await openThread(saved);
  else newThread();
}

function showApp(token) {
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  const user = tokenSubject(token) || "you";
  $("user-name").textContent = user;
  $("user-avatar").textContent = user.slice(0, 1).toUpperCase();
  $("tz-label").textContent = userTimeZone();
}

// ---------------------------------------------------------------- threads

function threadLabel(thread) {
  if (thread.title) return thread.title;
  const created = new Date(thread.created_at);
  return Number.isNaN(created.getTime()) ? "New chat" : `Chat of ${created.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}`;
}

async function loadThreads() {
  const page = await state.client.request("threads.list", { limit: 50, order: "desc" });
  state.threads = page.data || [];
  renderThreads();
}

function renderThreads() {
  const list = $("thread-list");
  list.replaceChildren();
  for (const thread of state.threads) {
    const li = document.createElement("li");
    li.className = "thread";
    li.dataset.threadId = thread.id;
    const link = document.createElement("button");
    link.type = "button";
    link.className = "thread-link";
    link.textContent = threadLabel(thread);
    if (thread.id === state.threadId) {
      link.setAttribute("aria-current", "page");
      li.classList.add("active");
    }
    link.addEventListener("click", () => openThread(thread.id));
    const rename = iconButton("Rename", "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4", () => startRename(li, thread));
    const del = iconButton("Delete", "M4 7h16M9.5 7V4.5h5V7M6.5 7l1 13h9l1-13", () => deleteThread(thread));
    rename.setAttribute("aria-label", `Rename “${threadLabel(thread)}”`);
    del.setAttribute("aria-label", `Delete “${threadLabel(thread)}”`);
    const actions = document.createElement("span");
    actions.className = "thread-actions";
    actions.append(rename, del);
    li.append(link, actions);
    list.append(li);
  }
  $("thread-empty").hidden = state.threads.length > 0;
  const current = state.threads.find((t) => t.id === state.threadId);
  $("thread-title").textContent = current ? threadLabel(current) : "New chat";
}

function iconButton(title, path, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "btn btn-icon btn-small";
  b.title = title;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "15");
  svg.setAttribute("height", "15");
  svg.setAttribute("aria-hidden", "true");
  const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
  p.setAttribute("d", path);
  p.setAttribute("fill", "none");
  p.setAttribute("stroke", "currentColor");
  p.setAttribute("stroke-width", "2");
  p.setAttribute("stroke-linecap", "round");
  p.setAttribute("stroke-linejoin", "round");
  svg.append(p);
  b.append(svg);
  b.addEventListener("click", onClick);
  return b;
}

function upsertThread(thread) {
  const i = state.threads.findIndex((t) => t.id === thread.id);
  if (i >= 0) state.threads[i] = { ...state.threads[i], ...thread };
  else state.threads.unshift(thread);
  renderThreads();
}

function startRename(li, thread) {
  const input = document.createElement("input");
  input.className = "thread-rename";
  input.value = thread.title || "";
  input.placeholder = threadLabel(thread);
  input.setAttribute("aria-label", "New name for the conversation");
  let done = false;
  const finish = async (save) => {
    if (done) return;
    done = true;
    const title = input.value.trim();
    if (save && title && title !== thread.title) {
      try {
        upsertThread(await state.client.request("threads.update", { thread_id: thread.id, title }));
      } catch (err) {
        handleRequestError(err);
        renderThreads();
      }
    } else renderThreads();
    li.querySelector(".thread-link")?.focus();
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); finish(true); }
    if (e.key === "Escape") { e.preventDefault(); finish(false); }
  });
  input.addEventListener("blur", () => finish(true));
  li.replaceChildren(input);
  input.focus();
  input.select();
}

async function deleteThread(thread) {
  const dialog = $("confirm-dialog");
  $("confirm-text").textContent = `“${threadLabel(thread)}” and its messages will be deleted.`;
  dialog.returnValue = "";
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
  if (dialog.returnValue !== "ok") return;
  try {
    await state.client.request("threads.delete", { thread_id: thread.id });
  } catch (err) {
    handleRequestError(err);
    return;
  }
  state.threads = state.threads.filter((t) => t.id !== thread.id);
  if (state.threadId === thread.id) newThread();
  else renderThreads();
}

function newThread() {
  if (state.controller) state.controller.abort();
  state.threadId = null;
  state.items.clear();
  sessionStorage.removeItem(THREAD_KEY);
  $("messages").replaceChildren();
  hideError();
  renderThreads();
  updateWelcome();
  closeSidebar();
  $("composer-input").focus();
}

async function openThread(threadId) {
  if (state.controller) state.controller.abort();
  state.threadId = threadId;
  state.items.clear();
  sessionStorage.setItem(THREAD_KEY, threadId);
  $("messages").replaceChildren();
  hideError();
  renderThreads();
  closeSidebar();
  $("messages").setAttribute("aria-busy", "true");
  try {
    let after = null;
    for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
      const params = { thread_id: threadId, order: "asc", limit: HISTORY_PAGE };
      if (after) params.after = after;
      const result = await state.client.request("items.list", params);
      if (state.threadId !== threadId) return;
      for (const item of result.data || []) showItem(item);
      if (!result.has_more || !result.after) break;
      after = result.after;
    }
  } catch (err) {
    if (state.threadId === threadId) handleRequestError(err, () => openThread(threadId));
  } finally {
    $("messages").removeAttribute("aria-busy");
    updateWelcome();
    scrollToEnd(true);
  }
}

// ---------------------------------------------------------------- items

function itemContext(itemId) {
  return { onAction: (action) => sendAction(itemId, action) };
}

function showItem(item) {
  state.items.set(item.id, item);
  const messages = $("messages");
  const existing = messages.querySelector(`[data-item-id="${CSS.escape(item.id)}"]`);
  const node = renderThreadItem(item, itemContext(item.id));
  if (!node) {
    existing?.remove();
    return;
  }
  node.dataset.itemId = item.id;
  if (existing) {
    // Keep keyboard focus in place when a widget is replaced (e.g. after "complete").
    const focusable = (root) => [...root.querySelectorAll("button, input, select, textarea, [tabindex='0']")];
    const index = existing.contains(document.activeElement) ? focusable(existing).indexOf(document.activeElement) : -1;
    existing.replaceWith(node);
    if (index >= 0) (focusable(node)[index] || focusable(node)[0])?.focus({ preventScroll: true });
  } else {
    messages.querySelector(".msg-typing")?.remove();
    if (item.type === "user_message") messages.querySelector(".msg-pending")?.remove();
    messages.append(node);
  }
  updateWelcome();
  scrollToEnd();
}

function dropItemsAfter(itemId) {
  const anchor = $("messages").querySelector(`[data-item-id="${CSS.escape(itemId)}"]`);
  if (!anchor) return;
  while (anchor.nextElementSibling) {
    const node = anchor.nextElementSibling;
    if (node.dataset.itemId) state.items.delete(node.dataset.itemId);
    node.remove();
  }
}

function handleEvent(event, turn) {
  switch (event.type) {
    case "thread.created":
      state.threadId = event.thread.id;
      sessionStorage.setItem(THREAD_KEY, event.thread.id);
      upsertThread(event.thread);
      break;
    case "thread.updated":
      upsertThread(event.thread);
      break;
    case "thread.item.added":
    case "thread.item.done":
    case "thread.item.replaced":
      if (event.item.type === "user_message") turn.userMessageId = event.item.id;
      turn.lastItem = event.item;
      showItem(event.item);
      break;
    case "thread.item.updated": {
      const item = state.items.get(event.item_id);
      if (item) showItem(updateThreadItem(item, event.update));
      break;
    }
    case "thread.item.removed":
      state.items.delete(event.item_id);
      $("messages").querySelector(`[data-item-id="${CSS.escape(event.item_id)}"]`)?.remove();
      break;
    case "progress_update":
      $("status-line").textContent = event.text || "";
      break;
    case "notice":
      showNotice(event);
      break;
    case "stream_options":
      $("stop").hidden = !event.stream_options?.allow_cancel;
      $("send").hidden = !$("stop").hidden;
      break;
    default:
      break;
  }
}

function showNotice(event) {
  const node = document.createElement("div");
  node.className = `alert alert-${event.level === "danger" ? "danger" : event.level === "warning" ? "warning" : "info"} notice`;
  if (event.title) {
    const strong = document.createElement("strong");
    strong.textContent = `${event.title} `;
    node.append(strong);
  }
  node.append(document.createTextNode(event.message || ""));
  $("messages").append(node);
  scrollToEnd();
}

// ---------------------------------------------------------------- streaming turns

/**
 * Run one streaming request. On failure: a visible error with Retry; the user's typed text
 * goes back into the composer unless the server already stored it.
 */
async function runStream(type, params, { text = null } = {}) {
  if (state.busy) return;
  hideError();
  setBusy(true);
  const controller = new AbortController();
  state.controller = controller;
  const turn = { userMessageId: null, lastItem: null };
  const threadAtStart = state.threadId;
  try {
    await state.client.stream(type, params, (event) => handleEvent(event, turn), { signal: controller.signal });
    const call = turn.lastItem;
    if (call && call.type === "client_tool_call" && call.status === "pending") {
      setBusy(false);
      await runClientTool(call);
    }
  } catch (err) {
    clearTransient();
    if (err.name === "AbortError") {
      if (state.threadId === threadAtStart || threadAtStart === null) $("status-line").textContent = "Stopped.";
      return;
    }
    if (err instanceof ChatKitError && err.unauthorized) {
      signOut(refused(err));
      return;
    }
    let retry;
    if (turn.userMessageId && state.threadId) {
      const item = { thread_id: state.threadId, item_id: turn.userMessageId };
      retry = () => {
        dropItemsAfter(turn.userMessageId); // the server drops them too and answers anew
        return runStream("threads.retry_after_item", item);
      };
    } else {
      const input = $("composer-input");
      if (text !== null && !input.value.trim()) {
        input.value = text;
        autosize();
      }
      retry = () => {
        if (text !== null && input.value === text) { input.value = ""; autosize(); }
        return runStream(type, params, { text });
      };
    }
    showError(err.message, err.allowRetry || err.network ? retry : null);
  } finally {
    if (state.controller === controller) state.controller = null;
    setBusy(false);
    clearTransient();
  }
}

async function runClientTool(call) {
  let result;
  if (call.name === "download_tasks") {
    const done = downloadTasks(call.arguments || {});
    $("status-line").textContent = `Downloaded ${done.filename}.`;
    result = { downloaded: done.downloaded };
  } else {
    result = { error: `This page has no client tool named ${call.name}.` };
  }
  showItem({ ...call, status: "completed", output: result }); // as the server now stores it
  await runStream("threads.add_client_tool_output", { thread_id: call.thread_id, result });
}

async function sendAction(itemId, action) {
  if (state.busy) {
    $("status-line").textContent = "Wait for the current answer to finish.";
    return;
  }
  if (action.handler === "client") {
    $("status-line").textContent = `“${action.type}” is handled by the page, which does not know it.`;
    return;
  }
  await runStream("threads.custom_action", {
    thread_id: state.threadId,
    item_id: itemId,
    action: { type: action.type, payload: action.payload ?? null },
  });
}

function sendMessage(text) {
  const input = {
    content: [{ type: "input_text", text }],
    attachments: [],
    quoted_text: null,
    inference_options: {},
  };
  showPending(text);
  if (state.threadId) return runStream("threads.add_user_message", { thread_id: state.threadId, input }, { text });
  return runStream("threads.create", { input }, { text });
}

function showPending(text) {
  const messages = $("messages");
  const pending = renderThreadItem({ id: "pending", type: "user_message", content: [{ type: "input_text", text }] }, {});
  pending.classList.add("msg-pending");
  const typing = document.createElement("div");
  typing.className = "msg msg-assistant msg-typing";
  typing.setAttribute("aria-label", "todochat is answering");
  const dots = document.createElement("div");
  dots.className = "typing";
  dots.append(document.createElement("span"), document.createElement("span"), document.createElement("span"));
  typing.append(dots);
  messages.append(pending, typing);
  updateWelcome();
  scrollToEnd(true);
}

function clearTransient() {
  $("messages").querySelectorAll(".msg-pending, .msg-typing").forEach((n) => n.remove());
  updateWelcome();
}

// ---------------------------------------------------------------- page state

function setBusy(busy) {
  state.busy = busy;
  $("send").disabled = busy;
  $("messages").setAttribute("aria-busy", String(busy));
  if (!busy) {
    $("stop").hidden = true;
    $("send").hidden = false;
    $("messages").removeAttribute("aria-busy");
  } else {
    $("status-line").textContent = "";
  }
}

function showError(message, retry) {
  state.retry = retry;
  $("error-text").textContent = message;
  $("retry").hidden = !retry;
  $("error-banner").hidden = false;
  scrollToEnd(true);
}

function hideError() {
  state.retry = null;
  $("error-banner").hidden = true;
}

function handleRequestError(err, retry) {
  if (err instanceof ChatKitError && err.unauthorized) signOut(refused(err));
  else showError(err.message, retry || null);
}

function updateWelcome() {
  $("welcome").hidden = $("messages").children.length > 0 || !$("error-banner").hidden;
}

function scrollToEnd(force = false) {
  const scroller = $("scroller");
  const near = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 160;
  if (force || near) scroller.scrollTop = scroller.scrollHeight;
}

function autosize() {
  const input = $("composer-input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}

function closeSidebar() {
  document.body.classList.remove("sidebar-open");
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
    sessionStorage.setItem(TOKEN_KEY, token);
    boot(token);
  });
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
    const text = input.value.trim();
    if (!text || state.busy) return;
    input.value = "";
    autosize();
    sendMessage(text);
  });
  $("stop").addEventListener("click", () => state.controller?.abort());
  $("retry").addEventListener("click", () => {
    const retry = state.retry;
    hideError();
    if (retry) retry();
  });
  $("new-thread").addEventListener("click", newThread);
  $("sign-out").addEventListener("click", () => signOut("You signed out."));
  $("sidebar-open").addEventListener("click", () => document.body.classList.add("sidebar-open"));
  $("sidebar-close").addEventListener("click", closeSidebar);
  for (const chip of $("suggestions").querySelectorAll("button")) {
    chip.addEventListener("click", () => {
      if (!state.busy) sendMessage(chip.textContent.trim());
    });
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeSidebar();
  });
}

wire();
const token = tokenFromLocation();
if (token) boot(token);
else showLogin(null);
