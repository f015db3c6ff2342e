// Composer tools on the built-in page ("Add task", "Plan my day", "Weekly review"): toggle buttons
// under the message box; the chosen one goes with the next message as ChatKit
// `inference_options.tool_choice` (the server lists them at GET /api/v1/composer-tools).
import { $ } from "./view.js";

const DEFAULT_PLACEHOLDER = "Message todochat…";
let tools = [];
let chosen = null;

function render() {
  const box = $("composer-tools");
  box.replaceChildren();
  for (const tool of tools) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-ghost btn-small composer-tool";
    button.textContent = tool.label;
    button.dataset.tool = tool.id;
    button.setAttribute("aria-pressed", chosen?.id === tool.id ? "true" : "false");
    button.addEventListener("click", () => choose(chosen?.id === tool.id ? null : tool));
    box.append(button);
  }
  box.hidden = tools.length === 0;
}

function choose(tool) {
  chosen = tool;
  $("composer-input").placeholder = tool ? tool.placeholder : DEFAULT_PLACEHOLDER;
  render();
  $("composer-input").focus();
}

/** Load the server's tools and show their buttons. */
export async function startComposerTools() {
  try {
    const response = await fetch("/api/v1/composer-tools", { headers: { Accept: "application/json" } });
    tools = response.ok ? await response.json() : [];
  } catch {
    tools = [];
  }
  chosen = null;
  render();
}

/** What to send when the message box is empty: the chosen tool's label if it needs no text. */
export function textForEmptyMessage() {
  return chosen && !chosen.needs_text ? chosen.label : "";
}

/** The `inference_options` of the message being sent (the chosen tool, then none is chosen). */
export function takeInferenceOptions() {
  const options = chosen ? { tool_choice: { id: chosen.id } } : {};
  if (chosen) choose(null);
  return options;
}
