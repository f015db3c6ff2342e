// The task panel beside the chat: the default views (Today, Upcoming) and the user's lists with their
// open-task counts (GET /api/v1/panel), the open tasks of the one selected (subtasks indented), a
// checkbox to complete, its title to rename, and moving a task to another list by dragging it onto the list or with its
// "Move to" menu (PATCH /api/v1/tasks/{n} {"list"}; undoable like every change). It re-reads itself
// when GET /api/v1/events (Server-Sent Events, read with fetch() so the bearer token goes in the
// Authorization header, never in the URL) says the user's tasks changed — from this page's chat,
// another tab, REST, MCP, the CLI or another replica.
import { createParser } from "./vendor/eventsource-parser.js";

const SELECTED_KEY = "todochat.panel";
const TASK_TYPE = "application/x-todochat-task";
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;

const $ = (id) => document.getElementById(id);

let token = null;
let selected = { view: "today" };
let lists = [];
let stream = null; // AbortController of the event stream
let refreshing = null;
let again = false;
let editing = false; // a title is being renamed in the panel

// ---------------------------------------------------------------- REST

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  let json = null;
  try {
    json = response.status === 204 ? null : await response.json();
  } catch {
    /* not JSON */
  }
  return { status: response.status, ok: response.ok, json };
}

function say(text, undo = false) {
  const status = $("panel-status");
  status.replaceChildren(document.createTextNode(text));
  if (undo) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-ghost btn-small";
    button.textContent = "Undo";
    button.addEventListener("click", async () => {
      const result = await api("POST", "/api/v1/tasks/undo");
      say(result.ok ? result.json.message : result.json?.message || "Nothing to undo.");
      refreshPanel();
    });
    status.append(" ", button);
  }
}

// ---------------------------------------------------------------- reading

/** Re-read the panel (one request at a time; a call while one runs reads once more after it). */
export function refreshPanel() {
  if (!token) return Promise.resolve();
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      await readOnce();
    } while (again && token);
  })().finally(() => { refreshing = null; });
  return refreshing;
}

async function readOnce() {
  if (editing) return; // a re-read would take the title being typed away: read when it is done
  const query = selected.list ? `list=${encodeURIComponent(selected.list)}` : `view=${encodeURIComponent(selected.view || "today")}`;
  let result;
  try {
    result = await api("GET", `/api/v1/panel?${query}`);
  } catch {
    return say("Could not reach the server; the tasks shown may be out of date.");
  }
  if (!token) return;
  if (result.status === 404 && selected.list) { // the list was renamed or deleted elsewhere
    select({ view: "today" });
    return readOnce();
  }
  if (!result.ok) return say(result.json?.message || `The server answered ${result.status}.`);
  render(result.json);
}

// ---------------------------------------------------------------- drawing

function node(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function render(data) {
  lists = data.lists;
  const nav = $("panel-nav");
  const items = [
    ...data.views.map((v) => pick(v.title, v.open_tasks, { view: v.name }, data.view === v.name)),
    ...data.lists.map((l) => pick(l.name, l.open_tasks, { list: l.name }, data.list === l.name)),
  ];
  nav.replaceChildren(...items);
  $("panel-heading").textContent = data.title;
  const rows = data.tasks.map((task) => row(task, data));
  const focus = focusKey();
  $("panel-tasks").replaceChildren(...rows);
  $("panel-empty").hidden = rows.length > 0;
  restoreFocus(focus);
}

function pick(title, count, target, current) {
  const li = node("li", "panel-pick-row");
  const button = node("button", "panel-pick");
  button.type = "button";
  button.dataset.kind = target.list ? "list" : "view";
  if (target.list) button.dataset.list = target.list;
  else button.dataset.view = target.view;
  if (current) button.setAttribute("aria-current", "true");
  const name = node("span", "panel-pick-name", title);
  const badge = node("span", "panel-count", String(count));
  badge.setAttribute("aria-label", `${count} open`);
  button.append(name, badge);
  button.addEventListener("click", () => {
    select(target);
    refreshPanel();
  });
  if (target.list) dropTarget(button, target.list);
  li.append(button);
  return li;
}

function row(task, data) {
  const li = node("li", "panel-task");
  li.dataset.number = String(task.number);
  li.dataset.list = task.list;
  li.style.setProperty("--depth", String(task.depth));
  li.draggable = true;
  li.addEventListener("dragstart", (e) => {
    e.dataTransfer.setData(TASK_TYPE, String(task.number));
    e.dataTransfer.setData("text/plain", task.title);
    e.dataTransfer.effectAllowed = "move";
    li.classList.add("dragging");
    document.body.classList.add("panel-dragging");
  });
  li.addEventListener("dragend", () => {
    li.classList.remove("dragging");
    document.body.classList.remove("panel-dragging");
  });

  const box = node("input", "panel-check");
  box.type = "checkbox";
  box.checked = task.completed;
  box.setAttribute("aria-label", `${task.completed ? "Reopen" : "Complete"} “${task.title}”`);
  box.addEventListener("change", () => (box.checked ? complete(task, box) : reopen(task)));
  const title = node("button", "panel-task-title", task.title);
  title.type = "button";
  title.title = "Rename";
  title.addEventListener("click", () => rename(task, title));
  const text = node("div", "panel-task-text");
  text.append(title);
  const meta = [];
  if (task.due_label) meta.push(task.due_label);
  if (data.view && task.list !== "Inbox") meta.push(task.list);
  if (task.priority === "high") meta.push("high priority");
  if (meta.length) {
    const line = node("span", `panel-task-meta${task.overdue ? " overdue" : ""}`, meta.join(" · "));
    text.append(line);
  }

  const move = node("select", "panel-move");
  move.setAttribute("aria-label", `Move “${task.title}” to a list`);
  move.append(new Option("Move to…", ""));
  for (const l of lists) if (l.name !== task.list) move.append(new Option(l.name, l.name));
  move.addEventListener("change", () => { if (move.value) moveTask(task, move.value); });

  li.append(box, text, move);
  return li;
}

/** A list in the panel takes tasks dropped on it. */
function dropTarget(button, listName) {
  button.addEventListener("dragover", (e) => {
    if (!e.dataTransfer.types.includes(TASK_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    button.classList.add("drop-over");
  });
  button.addEventListener("dragleave", () => button.classList.remove("drop-over"));
  button.addEventListener("drop", (e) => {
    button.classList.remove("drop-over");
    const number = Number(e.dataTransfer.getData(TASK_TYPE));
    if (!number) return;
    e.preventDefault();
    const li = $("panel-tasks").querySelector(`[data-number="${number}"]`);
    if (li?.dataset.list === listName) return; // dropped on its own list: nothing to change
    moveTask({ number, title: li?.querySelector(".panel-task-title")?.textContent || `task ${number}` }, listName);
  });
}

// keyboard focus survives a re-read: the same control of the same task
function focusKey() {
  const active = document.activeElement;
  const li = active?.closest?.(".panel-task");
  if (!li || !$("panel-tasks").contains(li)) return null;
  return { number: li.dataset.number, cls: active.className };
}

function restoreFocus(key) {
  if (!key) return;
  const li = $("panel-tasks").querySelector(`[data-number="${key.number}"]`);
  (li?.querySelector(`.${key.cls.split(" ")[0]}`) || li?.querySelector("input, select"))?.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- changing

async function complete(task, box) {
  let result = await api("POST", `/api/v1/tasks/${task.number}/complete`);
  if (result.status === 409 && result.json?.error === "confirmation_required") {
    const open = (result.json.would_change || []).length;
    if (window.confirm(`“${task.title}” has ${open} open subtask${open === 1 ? "" : "s"}. Complete ${open === 1 ? "it" : "them"} too?`)) {
      result = await api("POST", `/api/v1/tasks/${task.number}/complete?confirm=true`);
    } else {
      box.checked = false;
      return;
    }
  }
  if (result.ok) say(`Completed “${task.title}”.`, true);
  else {
    box.checked = false;
    say(result.json?.message || "Could not complete the task.");
  }
  refreshPanel();
}

/** Rename in place: the title becomes a text box; Enter (or leaving it) saves, Esc cancels. */
function rename(task, button) {
  editing = true;
  const input = node("input", "panel-rename");
  input.type = "text";
  input.value = task.title;
  input.maxLength = 200;
  input.setAttribute("aria-label", `New title for “${task.title}”`);
  button.replaceWith(input);
  input.focus();
  input.select();
  let done = false;
  const finish = async (save) => {
    if (done) return;
    done = true;
    const value = input.value.trim();
    if (save && value && value !== task.title) {
      const result = await api("PATCH", `/api/v1/tasks/${task.number}`, { title: value });
      if (result.ok) say(`Renamed “${task.title}” to “${result.json.title}”.`, true);
      else say(result.json?.message || "Could not rename the task.");
    }
    editing = false;
    await refreshPanel();
    $("panel-tasks").querySelector(`[data-number="${task.number}"] .panel-task-title`)?.focus({ preventScroll: true });
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      finish(true);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      finish(false);
    }
  });
  input.addEventListener("blur", () => finish(true));
}

async function reopen(task) {
  const result = await api("POST", `/api/v1/tasks/${task.number}/reopen`);
  say(result.ok ? `Reopened “${task.title}”.` : result.json?.message || "Could not reopen the task.");
  refreshPanel();
}

async function moveTask(task, listName) {
  const result = await api("PATCH", `/api/v1/tasks/${task.number}`, { list: listName });
  if (result.ok) say(`Moved “${task.title}” to ${result.json.list}.`, true);
  else say(result.json?.message || "Could not move the task.");
  refreshPanel();
}

function select(target) {
  selected = target.list ? { list: target.list } : { view: target.view };
  try {
    sessionStorage.setItem(SELECTED_KEY, JSON.stringify(selected));
  } catch {
    /* storage blocked */
  }
}

function remembered() {
  try {
    const value = JSON.parse(sessionStorage.getItem(SELECTED_KEY) || "null");
    if (value && (typeof value.list === "string" || value.view === "today" || value.view === "upcoming")) return value;
  } catch {
    /* nothing kept */
  }
  return { view: "today" };
}

// ---------------------------------------------------------------- live updates

/** Read GET /api/v1/events until it ends; every `ready`/`changed` re-reads the panel. Reconnects. */
async function listen(controller, delay = RETRY_MIN_MS) {
  while (token && !controller.signal.aborted) {
    let status = 0;
    try {
      const response = await fetch("/api/v1/events", {
        headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" },
        signal: controller.signal,
        cache: "no-store",
      });
      status = response.status;
      if (response.ok) {
        delay = RETRY_MIN_MS;
        const parser = createParser({
          onEvent(message) {
            if (message.event === "ready" || message.event === "changed") refreshPanel();
          },
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      }
    } catch (err) {
      if (err.name === "AbortError") return;
    }
    if (status === 401) return; // signed out: the page asks for a new token on its next request
    await new Promise((resolve) => setTimeout(resolve, status === 429 ? RETRY_MAX_MS : delay));
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }
}

// ---------------------------------------------------------------- start and stop

/** Show the panel for this token and follow its changes (called when the app is shown). */
export function startPanel(newToken) {
  stopPanel();
  token = newToken;
  selected = remembered();
  stream = new AbortController();
  listen(stream);
  refreshPanel();
}

/** Stop following changes and forget what was shown (sign-out, another user's link). */
export function stopPanel() {
  stream?.abort();
  stream = null;
  token = null;
  editing = false;
  lists = [];
  $("panel-nav")?.replaceChildren();
  $("panel-tasks")?.replaceChildren();
  if ($("panel-status")) $("panel-status").textContent = "";
  document.body.classList.remove("panel-open");
}

function wire() {
  $("panel-open")?.addEventListener("click", () => document.body.classList.toggle("panel-open"));
  $("panel-close")?.addEventListener("click", () => document.body.classList.remove("panel-open"));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") document.body.classList.remove("panel-open"); });
}

wire();
