// Thread items (chatkit/types.py ThreadItem) as DOM, and the item updates streamed for them.
import { renderQuestion, wireQuestion } from "./questions.js";
import { annotatedNodes, userNodes } from "./mentions.js";
import { feedbackBar } from "./feedback.js";
import { applyWidgetUpdate, renderWidget } from "./widgets.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function srOnly(text) {
  return el("span", "visually-hidden", text);
}

function userText(item) {
  return (item.content || [])
    .map((part) => (part.type === "input_text" || part.type === "input_tag" ? part.text : ""))
    .filter(Boolean)
    .join(" ");
}

function assistantText(item) {
  return (item.content || []).map((part) => part.text || "").join("\n\n");
}

function avatar() {
  const node = el("div", "msg-avatar");
  node.setAttribute("aria-hidden", "true");
  const img = el("img");
  img.src = "/static/icon.svg";
  img.alt = "";
  img.width = 28;
  img.height = 28;
  node.append(img);
  return node;
}

function assistantShell(className) {
  const node = el("article", `msg msg-assistant ${className || ""}`.trim());
  node.append(avatar());
  return node;
}

const RENDER = {
  user_message(item) {
    const node = el("article", "msg msg-user");
    const bubble = el("div", "bubble");
    bubble.append(srOnly("You: "), ...(item.content || []).some((p) => p.type === "input_tag") ? userNodes(item) : [document.createTextNode(userText(item))]);
    node.append(bubble);
    return node;
  },
  assistant_message(item, ctx) {
    const node = assistantShell();
    const bubble = el("div", "bubble");
    bubble.append(srOnly("todochat: "), ...(item.streaming ? [document.createTextNode(assistantText(item))] : annotatedNodes(item)));
    if (item.streaming) bubble.classList.add("streaming");
    node.append(bubble);
    if (!item.streaming && ctx?.onFeedback) bubble.after(feedbackBar(item.id, ctx.onFeedback)); // feedback.js
    return node;
  },
  widget(item, ctx) {
    const node = assistantShell("msg-widget");
    node.append(renderWidget(item.widget, ctx));
    return node;
  },
  structured_input(item, ctx) {
    const node = assistantShell("msg-question");
    const box = renderQuestion(item);
    wireQuestion(box, ctx);
    node.append(box);
    return node;
  },
  client_tool_call(item) {
    const node = el("div", "msg msg-note small muted");
    const tasks = item.arguments ? Number(item.arguments.count ?? (Array.isArray(item.arguments.tasks) ? item.arguments.tasks.length : 0)) : 0;
    const format = (item.arguments && item.arguments.format) || "";
    if (item.name === "download_tasks") {
      node.textContent = item.status === "completed"
        ? `Downloaded ${tasks} task${tasks === 1 ? "" : "s"} as ${format.toUpperCase() || "a file"}.`
        : `Preparing a ${format.toUpperCase() || ""} download of ${tasks} task${tasks === 1 ? "" : "s"}…`;
    } else {
      node.textContent = `Client tool ${item.name} (${item.status}).`;
    }
    return node;
  },
  workflow(item) {
    const node = assistantShell("msg-workflow");
    const box = el("details", "workflow");
    const summary = item.workflow && item.workflow.summary;
    box.append(el("summary", "", (summary && summary.title) || (summary && summary.duration !== undefined
      ? `Worked for ${summary.duration}s` : "Working…")));
    const list = el("ul");
    for (const task of (item.workflow && item.workflow.tasks) || []) {
      list.append(el("li", "", task.title || task.content || task.type));
    }
    box.append(list);
    box.open = Boolean(item.workflow && item.workflow.expanded);
    node.append(box);
    return node;
  },
  task(item) {
    const node = el("div", "msg msg-note small muted");
    node.textContent = (item.task && (item.task.title || item.task.content)) || "";
    return node;
  },
  end_of_turn() {
    return null;
  },
  hidden_context_item() {
    return null;
  },
  sdk_hidden_context() {
    return null;
  },
};

/** DOM for one thread item, or null for items that are not shown (end of turn, hidden context). */
export function renderThreadItem(item, ctx) {
  const render = Object.hasOwn(RENDER, item.type) ? RENDER[item.type] : null;
  if (render) return render(item, ctx);
  return el("div", "msg msg-note small muted", `(${item.type})`);
}

/** Apply a `thread.item.updated` update to an item's JSON; returns the new item. */
export function updateThreadItem(item, update) {
  switch (update.type) {
    case "assistant_message.content_part.added":
    case "assistant_message.content_part.done": {
      const content = [...(item.content || [])];
      content[update.content_index] = update.content;
      return { ...item, content, streaming: update.type.endsWith("added") };
    }
    case "assistant_message.content_part.text_delta": {
      const content = [...(item.content || [])];
      const part = content[update.content_index] || { type: "output_text", text: "", annotations: [] };
      content[update.content_index] = { ...part, text: (part.text || "") + update.delta };
      return { ...item, content, streaming: true };
    }
    case "widget.root.updated":
    case "widget.component.updated":
    case "widget.streaming_text.value_delta":
      return { ...item, widget: applyWidgetUpdate(item.widget, update) };
    case "workflow.task.added":
    case "workflow.task.updated": {
      const workflow = { ...(item.workflow || { type: "custom", tasks: [] }) };
      const tasks = [...(workflow.tasks || [])];
      tasks[update.task_index] = update.task;
      return { ...item, workflow: { ...workflow, tasks } };
    }
    default:
      return item;
  }
}
