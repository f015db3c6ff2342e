// The thread list of the sidebar: threads.list / threads.update (rename) / threads.delete.

const SVG_NS = "http://www.w3.org/2000/svg";
const RENAME_PATH = "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4";
const DELETE_PATH = "M4 7h16M9.5 7V4.5h5V7M6.5 7l1 13h9l1-13";

/** What a thread is called: its title, else when it was started. */
export function threadLabel(thread) {
  if (thread.title) return thread.title;
  const created = new Date(thread.created_at);
  if (Number.isNaN(created.getTime())) return "New chat";
  return `Chat of ${created.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}`;
}

function iconButton(label, path, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-icon btn-small";
  button.title = label;
  button.setAttribute("aria-label", label);
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "15");
  svg.setAttribute("height", "15");
  svg.setAttribute("aria-hidden", "true");
  const shape = document.createElementNS(SVG_NS, "path");
  for (const [k, v] of Object.entries({ d: path, fill: "none", stroke: "currentColor", "stroke-width": "2",
    "stroke-linecap": "round", "stroke-linejoin": "round" })) shape.setAttribute(k, v);
  svg.append(shape);
  button.append(svg);
  button.addEventListener("click", onClick);
  return button;
}

/**
 * The sidebar's list of the user's threads, newest first.
 *
 * options: {list, empty, heading, dialog, dialogText} elements; request(type, params) → JSON;
 * onOpen(threadId); onDeleted(threadId); onError(err).
 */
export class ThreadList {
  constructor(options) {
    this.o = options;
    this.threads = [];
    this.current = null;
  }

  /** Load the first 50 threads (threads.list). Raises the request's ChatKitError. */
  async load() {
    const page = await this.o.request("threads.list", { limit: 50, order: "desc" });
    this.threads = page.data || [];
    this.render();
  }

  has(threadId) {
    return this.threads.some((t) => t.id === threadId);
  }

  setCurrent(threadId) {
    this.current = threadId;
    this.render();
  }

  /** Add a thread (thread.created) or update its title (thread.updated, threads.update). */
  upsert(thread) {
    const i = this.threads.findIndex((t) => t.id === thread.id);
    if (i >= 0) this.threads[i] = { ...this.threads[i], ...thread };
    else this.threads.unshift(thread);
    this.render();
  }

  clear() {
    this.threads = [];
    this.current = null;
    this.o.list.replaceChildren();
  }

  render() {
    const { list, empty, heading } = this.o;
    list.replaceChildren();
    for (const thread of this.threads) {
      const li = document.createElement("li");
      li.className = "thread";
      li.dataset.threadId = thread.id;
      const link = document.createElement("button");
      link.type = "button";
      link.className = "thread-link";
      link.textContent = threadLabel(thread);
      if (thread.id === this.current) {
        link.setAttribute("aria-current", "page");
        li.classList.add("active");
      }
      link.addEventListener("click", () => this.o.onOpen(thread.id));
      const actions = document.createElement("span");
      actions.className = "thread-actions";
      actions.append(
        iconButton(`Rename “${threadLabel(thread)}”`, RENAME_PATH, () => this.#rename(li, thread)),
        iconButton(`Delete “${threadLabel(thread)}”`, DELETE_PATH, () => this.#delete(thread)),
      );
      li.append(link, actions);
      list.append(li);
    }
    empty.hidden = this.threads.length > 0;
    const current = this.threads.find((t) => t.id === this.current);
    heading.textContent = current ? threadLabel(current) : "New chat";
  }

  #rename(li, thread) {
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
          this.upsert(await this.o.request("threads.update", { thread_id: thread.id, title }));
        } catch (err) {
          this.o.onError(err);
          this.render();
        }
      } else this.render();
      this.o.list.querySelector(`[data-thread-id="${CSS.escape(thread.id)}"] .thread-link`)?.focus();
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

  async #delete(thread) {
    const { dialog, dialogText } = this.o;
    dialogText.textContent = `“${threadLabel(thread)}” and its messages will be deleted.`;
    dialog.returnValue = "";
    dialog.showModal();
    await new Promise((resolve) => dialog.addEventListener("close", resolve, { once: true }));
    if (dialog.returnValue !== "ok") return;
    try {
      await this.o.request("threads.delete", { thread_id: thread.id });
    } catch (err) {
      this.o.onError(err);
      return;
    }
    this.threads = this.threads.filter((t) => t.id !== thread.id);
    this.render();
    this.o.onDeleted(thread.id);
  }
}
