// The ChatKit protocol client of the built-in page: POST /chatkit, JSON answers and SSE streams.
import { createParser } from "./vendor/eventsource-parser.js";

/** The user's IANA time zone, as the browser knows it (e.g. "Europe/Paris"). */
export function userTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** An error the server answered with (HTTP status, or a ChatKit `error` event). */
export class ChatKitError extends Error {
  constructor(message, { status = 0, code = "error", allowRetry = false, network = false } = {}) {
    super(message);
    this.name = "ChatKitError";
    this.status = status;
    this.code = code;
    this.allowRetry = allowRetry;
    this.network = network;
  }

  /** True when the token was refused (HTTP 401): the page must ask for a new one. */
  get unauthorized() {
    return this.status === 401;
  }
}

async function errorFromResponse(response) {
  let message = `The server answered ${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    const detail = body.message || body.detail || body.error;
    if (typeof detail === "string" && detail) message = detail;
    else if (detail && typeof detail.message === "string") message = detail.message;
  } catch {
    /* not JSON: keep the status line */
  }
  return new ChatKitError(message, {
    status: response.status,
    allowRetry: response.status >= 500 || response.status === 429,
  });
}

/**
 * Talks the ChatKit protocol to one endpoint with one bearer token.
 *
 * Every request carries `Authorization: Bearer <token>`, the header `X-Timezone` and
 * `metadata.timezone` with the user's time zone.
 */
export class ChatKitClient {
  constructor({ url = "/chatkit", token, timezone = userTimeZone() }) {
    this.url = url;
    this.token = token;
    this.timezone = timezone;
  }

  async #post(type, params, signal) {
    const body = JSON.stringify({ type, params, metadata: { timezone: this.timezone } });
    let response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          Authorization: `Bearer ${this.token}`,
          "X-Timezone": this.timezone,
        },
        body,
        signal,
      });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ChatKitError("Could not reach the server. Check your connection.", {
        network: true,
        allowRetry: true,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  /** A non-streaming request (threads.list, items.list, threads.update ...): its JSON answer. */
  async request(type, params) {
    const response = await this.#post(type, params);
    const text = await response.text();
    return text ? JSON.parse(text) : {};
  }

  /**
   * A streaming request (threads.create, threads.add_user_message ...).
   *
   * Calls `onEvent(event)` for every `data:` event as it arrives. Resolves when the stream
   * ends; rejects with a ChatKitError when the server refuses, the connection drops before
   * the stream ends, or the stream carries an `error` event (after delivering it).
   */
  async stream(type, params, onEvent, { signal } = {}) {
    const response = await this.#post(type, params, signal);
    let streamError = null;
    const parser = createParser({
      onEvent(message) {
        if (!message.data) return;
        let event;
        try {
          event = JSON.parse(message.data);
        } catch {
          return;
        }
        onEvent(event);
        if (event.type === "error" && !streamError) {
          streamError = new ChatKitError(event.message || "The assistant ran into an error.", {
            code: event.code || "error",
            allowRetry: Boolean(event.allow_retry),
          });
        }
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch (err) {
      reader.cancel().catch(() => {});
      if (err.name === "AbortError") throw err;
      throw new ChatKitError("The connection dropped before the answer was complete.", {
        network: true,
        allowRetry: true,
      });
    }
    if (streamError) throw streamError;
  }
}
