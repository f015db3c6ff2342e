// The `download_tasks` client tool: tasks given by the assistant become a CSV (RFC 4180) or iCalendar (RFC 5545) file.

const CSV_COLUMNS = ["number", "title", "description", "completed", "priority", "tags", "due", "due_all_day", "recurrence"];

function csvField(value) {
  let text = value === null || value === undefined ? "" : Array.isArray(value) ? value.join("; ") : String(value);
  // A cell starting with = + - @ is a formula to spreadsheets (CSV injection): make it plain text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The tasks as CSV text: a header row, CRLF line ends (RFC 4180). */
export function tasksToCsv(tasks) {
  const rows = [CSV_COLUMNS.join(",")];
  for (const t of tasks) rows.push(CSV_COLUMNS.map((c) => csvField(t[c])).join(","));
  return `${rows.join("\r\n")}\r\n`;
}

function icsText(value) {
  return String(value ?? "")
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** Fold a content line at 75 octets (RFC 5545 §3.1), never splitting a UTF-8 character. */
function fold(line) {
  const encoder = new TextEncoder();
  const parts = [];
  let current = "";
  let size = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (size + n > limit) {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

function utcStamp(date) {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

const PRIORITY = { high: 1, medium: 5, low: 9 };

function dueLine(task) {
  if (!task.due) return null;
  const due = String(task.due);
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})/.exec(due);
  if (task.due_all_day || /^\d{4}-\d{2}-\d{2}$/.test(due)) {
    return dateOnly ? `DUE;VALUE=DATE:${dateOnly[1]}${dateOnly[2]}${dateOnly[3]}` : null;
  }
  const instant = new Date(due);
  return Number.isNaN(instant.getTime()) ? null : `DUE:${utcStamp(instant)}`;
}

/** The tasks as an iCalendar (VTODO) document. `now` stamps DTSTAMP. */
export function tasksToIcs(tasks, now = new Date()) {
  const stamp = utcStamp(now);
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//todochat//tasks export//EN", "CALSCALE:GREGORIAN"];
  for (const t of tasks) {
    lines.push("BEGIN:VTODO", `UID:todochat-task-${icsText(t.number)}@todochat`, `DTSTAMP:${stamp}`);
    lines.push(`SUMMARY:${icsText(t.title)}`);
    if (t.description) lines.push(`DESCRIPTION:${icsText(t.description)}`);
    lines.push(`STATUS:${t.completed ? "COMPLETED" : "NEEDS-ACTION"}`);
    if (PRIORITY[t.priority]) lines.push(`PRIORITY:${PRIORITY[t.priority]}`);
    if (Array.isArray(t.tags) && t.tags.length) lines.push(`CATEGORIES:${t.tags.map(icsText).join(",")}`);
    const due = dueLine(t);
    if (due) lines.push(due);
    const rule = String(t.recurrence || "").replace(/^RRULE:/i, "");
    if (rule && /^[A-Z0-9=;,+\-]+$/i.test(rule)) lines.push(`RRULE:${rule}`);
    lines.push("END:VTODO");
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

/**
 * Handle a `download_tasks` call: build the file and make the browser download it.
 *
 * Args: `{format: "csv" | "ics", tasks: [...]}`. Returns the client tool output `{downloaded: n}`,
 * plus `format` and `filename`.
 */
export function downloadTasks(args) {
  const tasks = Array.isArray(args && args.tasks) ? args.tasks : [];
  const format = args && args.format === "ics" ? "ics" : "csv";
  const body = format === "ics" ? tasksToIcs(tasks) : tasksToCsv(tasks);
  const type = format === "ics" ? "text/calendar;charset=utf-8" : "text/csv;charset=utf-8";
  const filename = `todochat-tasks-${new Date().toISOString().slice(0, 10)}.${format}`;
  const url = URL.createObjectURL(new Blob([body], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { downloaded: tasks.length, format, filename };
}
