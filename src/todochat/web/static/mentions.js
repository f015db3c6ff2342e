// @-mentions of tasks (issue 16): the composer's @-menu (GET /api/v1/mentions), the task tags a
// message carries (ChatKit `input_tag`, data.number), tags in sent messages, and the tasks a reply
// names (its entity annotations) as buttons that show the task.

const SEARCH_DELAY_MS = 120;
const QUERY_MAX = 60;
let tokenOf = () => "";
let styled = false;

/** Give the module the signed-in user's token (a getter: the token can change). */
export function setMentionToken(getter) {
  tokenOf = getter;
}

function useStyles() {
  if (styled) return;
  styled = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "/static/mentions.css";
  document.head.append(link);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

async function getJson(url, token) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.message || `The server answered ${response.status}`), { status: response.status });
  return body;
}

/** The user's tasks an `@query` offers: [{number, title, completed}] (open first, newest first). */
export async function searchMentions(query, token = tokenOf()) {
  const params = new URLSearchParams({ q: query.slice(0, QUERY_MAX), limit: "8" });
  return (await getJson(`/api/v1/mentions?${params}`, token)).tasks || [];
}

/** A ChatKit `input_tag` content part for a task. */
export function taskTag(task) {
  return { type: "input_tag", id: `task-${task.number}`, text: task.title, data: { number: task.number }, interactive: true };
}

/**
 * The composer's @-menu: typing `@` then words offers the user's tasks; ArrowUp/ArrowDown move,
 * Enter or Tab picks, Escape closes. A pick writes `@Title ` into the text and remembers the tag;
 * `take(text)` turns the text into content parts with each remembered `@Title` as a task tag.
 */
export class MentionMenu {
  constructor(input) {
    useStyles();
    this.input = input;
    this.tags = [];
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.seq = 0;
    this.menu = el("ul", "mention-menu");
    this.menu.id = "mention-menu";
    this.menu.setAttribute("role", "listbox");
    this.menu.setAttribute("aria-label", "Tasks to tag");
    this.menu.hidden = true;
    input.insertAdjacentElement("beforebegin", this.menu);
    input.setAttribute("aria-controls", this.menu.id);
    // registered before the page's own Enter-to-send handler: a pick is not a send
    input.addEventListener("keydown", (e) => this.onKey(e));
    input.addEventListener("input", () => this.onInput());
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
  }

  /** The `@query` just before the caret, or null. */
  query() {
    const before = this.input.value.slice(0, this.input.selectionStart ?? this.input.value.length);
    const m = /(?:^|\s)@([^@\n]{0,60})$/.exec(before);
    if (!m || /\s{2}|^\s/.test(m[1])) return null;
    if (this.tags.some((t) => m[1] === t.title || m[1].startsWith(`${t.title} `))) return null; // a tag already picked
    return { text: m[1], start: before.length - m[1].length - 1 };
  }

  onInput() {
    clearTimeout(this.timer);
    const q = this.query();
    if (!q) return this.close();
    this.timer = setTimeout(() => this.search(q), SEARCH_DELAY_MS);
  }

  async search(q) {
    const seq = ++this.seq;
    let tasks;
    try {
      tasks = await searchMentions(q.text);
    } catch {
      tasks = [];
    }
    if (seq !== this.seq || !this.query()) return;
    this.show(tasks);
  }

  show(tasks) {
    this.options = tasks;
    this.menu.replaceChildren();
    if (!tasks.length) return this.close();
    tasks.forEach((task, i) => {
      const option = el("li", "mention-option");
      option.id = `mention-option-${i}`;
      option.setAttribute("role", "option");
      option.dataset.taskNumber = String(task.number);
      option.append(el("span", "mention-number", `#${task.number}`), el("span", "mention-title", task.title));
      if (task.completed) option.append(el("span", "mention-done", "done"));
      option.addEventListener("mousedown", (e) => {
        e.preventDefault(); // keep focus in the composer
        this.pick(i);
      });
      this.menu.append(option);
    });
    this.menu.hidden = false;
    this.select(0);
  }

  select(index) {
    this.active = index;
    [...this.menu.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    const current = this.menu.children[index];
    if (current) {
      this.input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    }
  }

  close() {
    this.menu.hidden = true;
    this.menu.replaceChildren();
    this.options = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
  }

  get open() {
    return !this.menu.hidden && this.options.length > 0;
  }

  onKey(e) {
    if (!this.open || e.isComposing) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = this.options.length;
      this.select((this.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
    } else if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
      e.preventDefault();
      e.stopImmediatePropagation();
      this.pick(Math.max(this.active, 0));
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopImmediatePropagation();
      this.close();
    }
  }

  /** Replace the `@query` with `@Title ` and remember the tag. */
  pick(index) {
    const task = this.options[index];
    const q = this.query();
    if (!task || !q) return this.close();
    const value = this.input.value;
    const caret = this.input.selectionStart ?? value.length;
    const inserted = `@${task.title} `;
    this.input.value = value.slice(0, q.start) + inserted + value.slice(caret);
    const at = q.start + inserted.length;
    this.input.setSelectionRange(at, at);
    this.tags.push({ number: task.number, title: task.title });
    this.close();
    this.input.dispatchEvent(new Event("input")); // resize
    this.input.focus();
  }

  /**
   * The message's content parts: `text` with each remembered `@Title` (first occurrence, in
   * order) as a task tag; plain text if the tags were edited away. Forgets the tags.
   */
  take(text) {
    const parts = [];
    let rest = text;
    for (const tag of this.tags) {
      const at = rest.indexOf(`@${tag.title}`);
      if (at < 0) continue;
      if (at > 0) parts.push({ type: "input_text", text: rest.slice(0, at) });
      parts.push(taskTag(tag));
      rest = rest.slice(at + tag.title.length + 1);
    }
    if (rest || !parts.length) parts.push({ type: "input_text", text: rest });
    this.taken = { text, tags: this.tags };
    this.tags = [];
    return parts;
  }

  /** A message put back into the composer (refused, or to retry): its tags come back with it. */
  putBack(text) {
    if (this.taken && this.taken.text === text) this.tags = this.taken.tags;
  }
}

/** DOM nodes of a user message's content: text as typed, a task tag as a chip "@Title". */
export function userNodes(item) {
  useStyles();
  const nodes = [];
  for (const part of item.content || []) {
    if (part.type === "input_tag") {
      const chip = el("span", "mention-tag", `@${part.text}`);
      if (part.data && Number.isInteger(part.data.number)) chip.title = `Task ${part.data.number}`;
      nodes.push(chip);
    } else if (part.type === "input_text") {
      nodes.push(document.createTextNode(part.text || ""));
    }
  }
  return nodes;
}

const MENTION_BEFORE = /(?:\b[Tt]asks?\s+#?|#)?\d+$/;

/**
 * DOM nodes of an assistant message's text with each task it names (an entity annotation with
 * data.number and an index just after the mention) as a button that shows the task.
 */
export function annotatedNodes(item) {
  const nodes = [];
  (item.content || []).forEach((part, p) => {
    if (p > 0) nodes.push(document.createTextNode("\n\n"));
    const text = part.text || "";
    const marks = (part.annotations || [])
      .filter((a) => a.source && a.source.type === "entity" && a.source.data && Number.isInteger(a.source.data.number)
        && Number.isInteger(a.index) && a.index > 0 && a.index <= text.length)
      .sort((a, b) => a.index - b.index);
    let from = 0;
    for (const mark of marks) {
      const m = MENTION_BEFORE.exec(text.slice(from, mark.index));
      if (!m) continue;
      const start = mark.index - m[0].length;
      if (start > from) nodes.push(document.createTextNode(text.slice(from, start)));
      useStyles();
      const button = el("button", "task-ref", m[0]);
      button.type = "button";
      button.dataset.taskNumber = String(mark.source.data.number);
      button.setAttribute("aria-label", `Show task ${mark.source.data.number}: ${mark.source.title}`);
      button.addEventListener("click", () => showTask(mark.source.data.number, button));
      nodes.push(button);
      from = mark.index;
    }
    nodes.push(document.createTextNode(text.slice(from)));
  });
  return nodes;
}

let dialog = null;

function taskDialog() {
  if (dialog) return dialog;
  useStyles();
  dialog = el("dialog", "dialog task-dialog");
  dialog.id = "task-dialog";
  dialog.setAttribute("aria-labelledby", "task-dialog-title");
  const form = el("form");
  form.method = "dialog";
  const title = el("h2");
  title.id = "task-dialog-title";
  const body = el("div", "task-dialog-body");
  const actions = el("div", "dialog-actions");
  const close = el("button", "btn btn-secondary", "Close");
  close.value = "close";
  actions.append(close);
  form.append(title, body, actions);
  dialog.append(form);
  document.body.append(dialog);
  return dialog;
}

function detail(label, value) {
  const row = el("div", "task-detail");
  row.append(el("dt", "", label), el("dd", "", value));
  return row;
}

/** Show task `number` (GET /api/v1/tasks/{number}) in a dialog; focus returns to `opener`. */
export async function showTask(number, opener = null, token = tokenOf()) {
  const box = taskDialog();
  const title = box.querySelector("h2");
  const body = box.querySelector(".task-dialog-body");
  title.textContent = `Task ${number}`;
  body.replaceChildren(el("p", "muted", "Loading…"));
  if (!box.open) box.showModal();
  if (opener) box.addEventListener("close", () => opener.focus({ preventScroll: true }), { once: true });
  try {
    const task = await getJson(`/api/v1/tasks/${encodeURIComponent(number)}`, token);
    title.textContent = `Task ${task.number}: ${task.title}`;
    const list = el("dl", "task-details");
    list.append(detail("Status", task.completed ? "Done" : "Open"));
    if (task.due) list.append(detail("Due", task.due.replace("T", " ")));
    if (task.priority && task.priority !== "none") list.append(detail("Priority", task.priority));
    if (task.tags && task.tags.length) list.append(detail("Tags", task.tags.map((t) => `#${t}`).join(" ")));
    if (task.recurrence) list.append(detail("Repeats", task.recurrence));
    if (task.description) list.append(detail("Notes", task.description));
    body.replaceChildren(list);
  } catch (err) {
    body.replaceChildren(el("p", "", err.status === 404 ? `Task ${number} no longer exists.` : err.message));
  }
}
