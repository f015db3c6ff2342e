// Reminders on the built-in page: polls the page channel (GET /api/v1/notifications), shows each
// fired reminder in the page (and as a browser notification when allowed and the tab is hidden),
// with "Snooze 10 min", "Done" and dismiss; "Notify me" asks for notification permission and
// subscribes this browser to Web Push through the service worker at /sw.js.

const POLL_MS = 15000;
let timer = null;
let auth = null;
const shown = new Set();

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${auth}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

function container() {
  let box = document.getElementById("reminder-toasts");
  if (!box) {
    box = document.createElement("section");
    box.id = "reminder-toasts";
    box.className = "reminder-toasts";
    box.setAttribute("aria-label", "Reminders");
    box.setAttribute("aria-live", "assertive");
    document.body.append(box);
  }
  return box;
}

function button(label, onClick) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = "btn btn-secondary btn-small";
  node.textContent = label;
  node.addEventListener("click", onClick);
  return node;
}

function show(note) {
  if (shown.has(note.id)) return;
  shown.add(note.id);
  const title = note.task_title || "a task";
  const card = document.createElement("div");
  card.className = "alert alert-info reminder-toast";
  card.dataset.notification = String(note.id);
  const text = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = "Reminder: ";
  text.append(strong, document.createTextNode(`${title} (task ${note.task_number})${note.late ? " — late" : ""}`));
  const actions = document.createElement("div");
  actions.className = "reminder-actions";
  const close = () => card.remove();
  const act = (fn) => async () => {
    try {
      await fn();
      close();
    } catch (err) {
      text.append(document.createTextNode(` (${err.message})`));
    }
  };
  actions.append(
    button("Snooze 10 min", act(() => api("POST", `/api/v1/notifications/${note.id}/snooze`))),
    button("Done", act(async () => {
      await api("POST", `/api/v1/tasks/${note.task_number}/complete`);
      await api("POST", `/api/v1/notifications/${note.id}/seen`);
    })),
    button("Dismiss", act(() => api("POST", `/api/v1/notifications/${note.id}/seen`))),
  );
  card.append(text, actions);
  container().append(card);
  if (document.hidden && "Notification" in window && Notification.permission === "granted") {
    new Notification(`Reminder: ${title}`, { body: `Task ${note.task_number}`, tag: `todochat-${note.id}` });
  }
}

async function poll() {
  try {
    const notes = await api("GET", "/api/v1/notifications?unseen=true");
    notes.reverse().forEach(show);
  } catch {
    // offline or signed out: the next poll tries again
  }
}

function base64UrlToBytes(text) {
  const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Ask for notification permission and subscribe this browser to Web Push (where it has a push service). */
export async function enableNotifications() {
  if (!("Notification" in window)) return "This browser has no notifications.";
  if ((await Notification.requestPermission()) !== "granted") return "Notifications are blocked.";
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) return "Notifications on while the page is open.";
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const { public_key: key } = await api("GET", "/api/v1/me/push-key");
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlToBytes(key),
  });
  await api("POST", "/api/v1/me/push-subscriptions", subscription.toJSON());
  return "Reminders will arrive even with the page closed.";
}

function pollWhenVisible() {
  if (!document.hidden && auth) poll();
}

/** Start showing reminders for this token (called when the app is shown). */
export function startReminders(token) {
  stopReminders();
  auth = token;
  poll();
  timer = setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", pollWhenVisible);
  const toggle = document.getElementById("notify-me");
  if (toggle && !toggle.dataset.bound) {
    toggle.dataset.bound = "1";
    toggle.addEventListener("click", async () => {
      try {
        toggle.title = await enableNotifications();
      } catch (err) {
        toggle.title = `Could not turn notifications on: ${err.message}`;
      }
    });
  }
}

/** Stop polling (sign-out). */
export function stopReminders() {
  if (timer) clearInterval(timer);
  timer = null;
  document.removeEventListener("visibilitychange", pollWhenVisible);
  auth = null;
  shown.clear();
  document.getElementById("reminder-toasts")?.replaceChildren();
}
