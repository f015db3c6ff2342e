// Dictation on the built-in page: a microphone button records with MediaRecorder, sends the
// recording as ChatKit `input.transcribe`, and puts the text into the composer (nothing is sent
// as a message until the person presses Enter). Shown only when GET /api/v1/voice says the
// server transcribes (a transcription API key is configured) and the browser can record.
import { $, autosize, hideError, setStatus, showError } from "./view.js";

// Recording types the server accepts, the browser's favourite first (Chrome/Firefox: webm/ogg,
// Safari: mp4).
const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/ogg", "audio/mp4"];

let limits = null; // {transcription, max_bytes, types} from the server
let recorder = null;
let chunks = [];
let getClient = () => null;

function recordingType() {
  return TYPES.find((type) => window.MediaRecorder?.isTypeSupported?.(type)) || "";
}

/** Ask the server whether it transcribes; show the microphone if it does and the browser can record. */
export async function startVoice(clientOf) {
  getClient = clientOf;
  const button = $("mic");
  button.hidden = true;
  if (!navigator.mediaDevices?.getUserMedia || !window.MediaRecorder) return;
  try {
    const response = await fetch("/api/v1/voice", { headers: { Accept: "application/json" } });
    limits = response.ok ? await response.json() : null;
  } catch {
    limits = null;
  }
  button.hidden = !limits?.transcription;
}

function setRecording(on) {
  const button = $("mic");
  button.setAttribute("aria-pressed", on ? "true" : "false");
  button.setAttribute("aria-label", on ? "Stop recording and transcribe" : "Dictate a message");
  button.classList.toggle("recording", on);
  setStatus(on ? "Recording… press the microphone again to stop." : "");
}

async function start() {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    showError("The microphone is not available: allow this page to use it in the browser's settings.");
    return;
  }
  const type = recordingType();
  const rec = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
  recorder = rec;
  chunks = [];
  rec.addEventListener("dataavailable", (e) => { if (e.data.size) chunks.push(e.data); });
  rec.addEventListener("stop", () => {
    stream.getTracks().forEach((track) => track.stop());
    if (recorder === rec) recorder = null;
    if (rec.discarded) return;
    const mimeType = rec.mimeType || type || "audio/webm";
    transcribe(new Blob(chunks, { type: mimeType }), mimeType);
  });
  rec.start();
  hideError();
  setRecording(true);
}

function base64Of(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

async function transcribe(blob, mimeType) {
  setRecording(false);
  const client = getClient();
  if (!client) return;
  if (!blob.size) return showError("Nothing was recorded.");
  if (limits && blob.size > limits.max_bytes) {
    return showError(`The recording is too long (over ${Math.floor(limits.max_bytes / 1048576) || 1} MB); record a shorter message.`);
  }
  const button = $("mic");
  button.disabled = true;
  setStatus("Transcribing…");
  try {
    const result = await client.request("input.transcribe", { audio_base64: await base64Of(blob), mime_type: mimeType });
    const text = (result.text || "").trim();
    if (!text) {
      showError("No speech was recognised in the recording.");
      return;
    }
    const input = $("composer-input");
    input.value = input.value.trim() ? `${input.value.trimEnd()} ${text}` : text;
    autosize();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  } catch (err) {
    showError(err.message || "The recording could not be transcribed.");
  } finally {
    button.disabled = false;
    setStatus("");
  }
}

/** Wire the microphone button (once). */
export function wireVoice() {
  $("mic").addEventListener("click", () => {
    if (!recorder) return start();
    const rec = recorder;
    recorder = null;
    rec.stop(); // its "stop" event sends the recording
  });
}

/** Stop a recording in progress without sending it (sign-out, another user). */
export function stopVoice() {
  if (!recorder) return;
  const rec = recorder;
  recorder = null;
  rec.discarded = true;
  rec.stop();
  setRecording(false);
}
