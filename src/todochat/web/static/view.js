// The conversation view's small pieces of state: busy, error banner with retry, pending bubble, scrolling.
import { renderThreadItem } from "./items.js";

export const $ = (id) => document.getElementById(id);

let retryAction = null;

/** Show the turn as running (send disabled, messages aria-busy) or finished. */
export function setBusy(busy) {
  $("send").disabled = busy;
  if (busy) {
    $("messages").setAttribute("aria-busy", "true");
    $("status-line").textContent = "";
  } else {
    $("messages").removeAttribute("aria-busy");
    $("stop").hidden = true;
    $("send").hidden = false;
  }
}

/** The error banner (role=alert) with its Retry button when `retry` is given. */
export function showError(message, retry) {
  retryAction = retry || null;
  $("error-text").textContent = message;
  $("retry").hidden = !retryAction;
  $("error-banner").hidden = false;
  scrollToEnd(true);
}

export function hideError() {
  retryAction = null;
  $("error-banner").hidden = true;
}

/** Hide the banner and return what Retry should run (or null). */
export function takeRetry() {
  const retry = retryAction;
  hideError();
  return retry;
}

export function setStatus(text) {
  $("status-line").textContent = text || "";
}

/** The welcome screen shows while the conversation is empty. */
export function updateWelcome() {
  $("welcome").hidden = $("messages").children.length > 0 || !$("error-banner").hidden;
}

// Follow new output unless the reader scrolled up; then a "New messages" pill jumps down.
let following = true;
let lastTop = 0;

function atEnd(scroller) {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 24;
}

/** Watch the reader's scrolling: scrolling up stops following, reaching the end resumes it. */
export function watchScrolling() {
  const scroller = $("scroller");
  scroller.addEventListener("scroll", () => {
    if (atEnd(scroller)) {
      following = true;
      $("new-messages").hidden = true;
    } else if (scroller.scrollTop < lastTop - 1) {
      following = false;
    }
    lastTop = scroller.scrollTop;
  }, { passive: true });
  $("new-messages").addEventListener("click", () => scrollToEnd(true));
}

/** Show the newest output: always with `force`, else while following; otherwise show the pill. */
export function scrollToEnd(force = false) {
  const scroller = $("scroller");
  if (force) following = true;
  if (following) {
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: "instant" });
    lastTop = scroller.scrollTop;
    $("new-messages").hidden = true;
  } else if (!atEnd(scroller)) {
    $("new-messages").hidden = false;
  }
}

/** Grow the composer with its text, up to 200px. */
export function autosize() {
  const input = $("composer-input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}

/** The user's message as sent, and a typing indicator, until the server's items arrive. */
export function showPending(text) {
  const pending = renderThreadItem({ id: "pending", type: "user_message", content: [{ type: "input_text", text }] }, {});
  pending.classList.add("msg-pending");
  const typing = document.createElement("div");
  typing.className = "msg msg-assistant msg-typing";
  typing.setAttribute("aria-label", "todochat is answering");
  const dots = document.createElement("div");
  dots.className = "typing";
  dots.append(document.createElement("span"), document.createElement("span"), document.createElement("span"));
  typing.append(dots);
  $("messages").append(pending, typing);
  updateWelcome();
  scrollToEnd(true);
}

export function clearTransient() {
  $("messages").querySelectorAll(".msg-pending, .msg-typing").forEach((n) => n.remove());
  updateWelcome();
}

/** A ChatKit `notice` event as an alert in the conversation. */
export function showNotice(event) {
  const level = ["danger", "warning"].includes(event.level) ? event.level : "info";
  const node = document.createElement("div");
  node.className = `alert alert-${level} notice`;
  if (event.title) {
    const strong = document.createElement("strong");
    strong.textContent = `${event.title} `;
    node.append(strong);
  }
  node.append(document.createTextNode(event.message || ""));
  $("messages").append(node);
  scrollToEnd();
}

export function closeSidebar() {
  document.body.classList.remove("sidebar-open");
}
