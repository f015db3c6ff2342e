// /chatkit-ui: the official ChatKit web component pointed at todochat's /chatkit (or a managed session).
import { storeToken, tokenFromLocation } from "./auth.js";
import { userTimeZone } from "./chatkit-client.js";
import { downloadTasks } from "./export.js";
import { searchMentions, showTask } from "./mentions.js";

const CDN_WAIT_MS = 15000;

function meta(name) {
  return document.querySelector(`meta[name="${name}"]`)?.content || "";
}

/** fetch() for ChatKit: our bearer token and the user's time zone on every request. */
function authorizedFetch(token) {
  return (input, init = {}) => {
    const headers = new Headers(init.headers || {});
    headers.set("Authorization", `Bearer ${token}`);
    headers.set("X-Timezone", userTimeZone());
    return fetch(input, { ...init, headers });
  };
}

async function managedSecret(token, current) {
  const response = await fetch(current ? "/api/chatkit/refresh" : "/api/chatkit/session", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(current ? { current_client_secret: current } : {}),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || body.detail || `Session request failed (${response.status})`);
  return body.client_secret;
}

/** Say plainly that chatkit.js did not load (offline, or the CDN blocked): at once on a load error. */
function watchCdn() {
  const script = document.querySelector('script[src*="cdn.platform.openai.com"]');
  const fail = () => { if (!customElements.get("openai-chatkit")) document.getElementById("cdn-error").hidden = false; };
  script?.addEventListener("error", fail);
  // The async script may have failed before this module ran: a failed load leaves a resource entry
  // without a response.
  const entry = script && performance.getEntriesByName(script.src)[0];
  if (entry && entry.responseEnd > 0 && entry.transferSize === 0 && entry.decodedBodySize === 0 && !customElements.get("openai-chatkit")) fail();
}

async function start(token) {
  watchCdn();
  const chatkit = document.getElementById("chatkit");
  const timer = setTimeout(() => {
    if (!customElements.get("openai-chatkit")) document.getElementById("cdn-error").hidden = false;
  }, CDN_WAIT_MS);
  await customElements.whenDefined("openai-chatkit");
  clearTimeout(timer);
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  const managed = meta("todochat-managed") === "true";
  // Dictation (chatkit-js `composer.dictation` → input.transcribe) only when this server transcribes.
  const voice = managed ? null : await fetch("/api/v1/voice").then((r) => (r.ok ? r.json() : null)).catch(() => null);
  // Composer tools → inference_options.tool_choice (GET /api/v1/composer-tools; todochat's /chatkit only).
  const tools = managed ? [] : await fetch("/api/v1/composer-tools").then((r) => (r.ok ? r.json() : [])).catch(() => []);
  // Models → inference_options.model (GET /api/v1/models, chatkit-js `composer.models`); a picker only with a choice.
  const models = managed ? [] : await fetch("/api/v1/models", { headers: { Authorization: `Bearer ${token}` } })
    .then((r) => (r.ok ? r.json() : [])).catch(() => []);
  const api = meta("todochat-managed") === "true"
    ? { getClientSecret: (current) => managedSecret(token, current) }
    : { url: new URL("/chatkit", window.location.href).href, domainKey: meta("todochat-domain-key"), fetch: authorizedFetch(token) };
  chatkit.setOptions({
    api,
    theme: { colorScheme: dark ? "dark" : "light" },
    history: { enabled: true },
    threadItemActions: { feedback: !managed }, // 👍/👎 → items.feedback on todochat's /chatkit
    startScreen: {
      greeting: "What needs doing?",
      prompts: [
        { label: "Add a task", prompt: "Remind me to pay rent on Friday" },
        { label: "What's due", prompt: "What's due this week?" },
        { label: "Overdue", prompt: "What's overdue?" },
      ],
    },
    composer: {
      placeholder: "Message todochat…",
      ...(voice?.transcription ? { dictation: { enabled: true } } : {}),
      ...(models.length > 1 ? { models: models.map((m) => ({ id: m.id, label: m.label, default: m.default, ...(m.description ? { description: m.description } : {}) })) } : {}),
      ...(tools.length ? { tools: tools.map((t) => ({ id: t.id, label: t.label, icon: t.icon, placeholderOverride: t.placeholder })) } : {}),
      // a task file to import (todochat's attachment allow-list; the server checks it again)
      attachments: meta("todochat-managed") === "true" ? { enabled: false } : {
        enabled: true,
        maxCount: 1,
        maxSize: 5 * 1024 * 1024,
        accept: {
          "text/csv": [".csv"], "text/plain": [".txt"], "text/calendar": [".ics"], "application/json": [".json"],
        },
      },
    },
    // @-mentions: the user's tasks as entities (a tag is sent as input_tag with data.number);
    // a task a reply names (an entity annotation) opens in a dialog.
    entities: meta("todochat-managed") === "true" ? undefined : {
      onTagSearch: async (query) => (await searchMentions(query, token)).map((task) => ({
        id: `task-${task.number}`,
        title: task.title,
        group: task.completed ? "Completed tasks" : "Tasks",
        icon: task.completed ? "check-circle-filled" : "check-circle",
        interactive: true,
        data: { number: task.number },
      })),
      onClick: (entity) => { if (Number.isInteger(entity?.data?.number)) showTask(entity.data.number, null, token); },
    },
    onClientTool: async ({ name, params }) => {
      if (name === "download_tasks") return { downloaded: (await downloadTasks(params, token)).downloaded };
      throw new Error(`Unknown client tool ${name}`);
    },
  });
  chatkit.hidden = false;
}

function showLogin() {
  const view = document.getElementById("login-view");
  view.hidden = false;
  document.getElementById("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const token = document.getElementById("token-input").value.trim();
    if (!token) return;
    storeToken(token);
    view.hidden = true;
    start(token);
  });
}

const token = tokenFromLocation();
if (token) start(token);
else showLogin();
