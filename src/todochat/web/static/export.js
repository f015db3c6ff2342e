// The `download_tasks` client tool: the page downloads the server's export (GET /api/v1/export,
// written by todochat/tasks/export.py: CSV per RFC 4180, iCalendar VTODO per RFC 5545) with its token.
import { userTimeZone } from "./chatkit-client.js";

/** The export URL for a `download_tasks` call: `{format: "csv" | "ics", status}`. */
export function exportUrl(args) {
  const format = args && args.format === "ics" ? "ics" : "csv";
  const params = new URLSearchParams({ format });
  if (args && ["pending", "completed"].includes(args.status)) params.set("status", args.status);
  return new URL(`/api/v1/export?${params}`, window.location.href).href;
}

/**
 * Handle a `download_tasks` call: fetch the export with the user's token and make the browser
 * download it under the server's file name.
 *
 * Args: `{format: "csv" | "ics", status, count}`, the bearer token. Returns the client tool output
 * `{downloaded: n}`, plus `format` and `filename`. Throws when the server refuses.
 */
export async function downloadTasks(args, token) {
  const format = args && args.format === "ics" ? "ics" : "csv";
  const response = await fetch(exportUrl(args), {
    headers: { Authorization: `Bearer ${token}`, "X-Timezone": userTimeZone() },
  });
  if (!response.ok) throw new Error(`The export failed (HTTP ${response.status}).`);
  const blob = await response.blob();
  const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
  const filename = named ? named[1] : `todochat-tasks.${format}`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { downloaded: Number((args && args.count) ?? 0), format, filename };
}
