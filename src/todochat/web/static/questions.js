// The assistant's questions (chatkit/types.py StructuredInputItem, chatkit/questions.py): the
// question and one button per option; a click answers it with threads.add_structured_input.
// Data only ever becomes text, never HTML.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/**
 * DOM body of a structured_input item: per input, its question and its options as buttons
 * (ctx.onAnswer(inputId, [value]) on click), and "Skip" (ctx.onSkip()). An answered or skipped
 * question shows the answer and no live buttons.
 */
export function renderQuestion(item) {
  const box = el("div", `question question-${item.status || "pending"}`);
  const open = item.status === "pending";
  for (const input of item.inputs || []) {
    const group = el("fieldset", "question-input");
    group.append(el("legend", "question-text", input.question));
    const chosen = (input.answer && input.answer.values) || [];
    if (input.type === "multiple_choice") {
      const options = el("div", "question-options");
      for (const option of input.options || []) {
        const button = el("button", "btn btn-small btn-secondary question-option", option.value);
        button.type = "button";
        button.dataset.inputId = input.id;
        button.dataset.value = option.value;
        button.disabled = !open;
        if (chosen.includes(option.value)) {
          button.classList.add("question-chosen");
          button.setAttribute("aria-pressed", "true");
        }
        options.append(button);
      }
      group.append(options);
    }
    const typed = chosen.filter((v) => !(input.options || []).some((o) => o.value === v));
    if (item.status === "answered") group.append(el("p", "question-answer small muted", `Answered: ${chosen.join(", ")}`));
    else if (item.status === "skipped") group.append(el("p", "question-answer small muted", "Skipped — nothing changed."));
    if (typed.length && item.status === "answered") group.dataset.typed = "true";
    box.append(group);
  }
  if (open) {
    const skip = el("button", "btn btn-small btn-ghost question-skip", "Skip");
    skip.type = "button";
    box.append(skip);
  }
  return box;
}

/** Wire a rendered question's buttons to ctx.onAnswer / ctx.onSkip (one click answers once). */
export function wireQuestion(box, ctx) {
  box.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || button.disabled || !box.contains(button)) return;
    for (const b of box.querySelectorAll("button")) b.disabled = true;
    if (button.classList.contains("question-skip")) ctx.onSkip?.();
    else ctx.onAnswer?.(button.dataset.inputId, [button.dataset.value]);
  });
}
