// 👍/👎 under the assistant's answers on the built-in page, sent as ChatKit `items.feedback`
// (stored per user and item by the server; the latest choice counts).

const given = new Map(); // item id -> "positive" | "negative", as sent from this page

function button(kind, label, symbol, itemId, send) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = "btn btn-ghost btn-small feedback-btn";
  node.dataset.kind = kind;
  node.setAttribute("aria-label", label);
  node.title = label;
  node.setAttribute("aria-pressed", given.get(itemId) === kind ? "true" : "false");
  node.textContent = symbol;
  node.addEventListener("click", async () => {
    const bar = node.parentElement;
    const before = given.get(itemId);
    given.set(itemId, kind);
    for (const other of bar.querySelectorAll(".feedback-btn")) other.setAttribute("aria-pressed", other === node ? "true" : "false");
    try {
      await send(kind);
      bar.querySelector(".feedback-note").textContent = "Thanks for the feedback.";
    } catch (err) {
      if (before) given.set(itemId, before);
      else given.delete(itemId);
      for (const other of bar.querySelectorAll(".feedback-btn")) other.setAttribute("aria-pressed", other.dataset.kind === before ? "true" : "false");
      bar.querySelector(".feedback-note").textContent = err.message || "The feedback could not be sent.";
    }
  });
  return node;
}

/** The feedback buttons of one assistant message; `send(kind)` resolves once the server stored it. */
export function feedbackBar(itemId, send) {
  const bar = document.createElement("div");
  bar.className = "feedback small muted";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Rate this answer");
  bar.append(
    button("positive", "Good answer", "👍", itemId, send),
    button("negative", "Bad answer", "👎", itemId, send),
  );
  const note = document.createElement("span");
  note.className = "feedback-note";
  note.setAttribute("role", "status");
  bar.append(note);
  return bar;
}

/** Forget what this page sent (another user signed in). */
export function forgetFeedback() {
  given.clear();
}
