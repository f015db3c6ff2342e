// A small inline SVG icon set for ChatKit icon names (chatkit/icons.py); unknown names get a dot.
const SVG_NS = "http://www.w3.org/2000/svg";

// Each icon: a list of [element, attributes] drawn on a 24×24 grid with a 2px round stroke.
const CHECK = [["path", { d: "M5 12.5l4.5 4.5L19 7.5" }]];
const CIRCLE = [["circle", { cx: 12, cy: 12, r: 9 }]];
const TRASH = [
  ["path", { d: "M4 7h16M9.5 7V4.5h5V7M6.5 7l1 13h9l1-13M10 11v5.5M14 11v5.5" }],
];
const ICONS = {
  check: CHECK,
  "check-circle": [...CIRCLE, ["path", { d: "M8 12.5l3 3 5-6" }]],
  "check-circle-filled": [["circle", { cx: 12, cy: 12, r: 9, fill: "currentColor" }],
    ["path", { d: "M8 12.5l3 3 5-6", stroke: "var(--on-accent, #fff)" }]],
  "empty-circle": CIRCLE,
  dot: [["circle", { cx: 12, cy: 12, r: 3, fill: "currentColor" }]],
  calendar: [["rect", { x: 4, y: 5.5, width: 16, height: 14.5, rx: 2 }],
    ["path", { d: "M4 10h16M8.5 3.5v4M15.5 3.5v4" }]],
  clock: [...CIRCLE, ["path", { d: "M12 7.5V12l3 2" }]],
  "book-clock": [...CIRCLE, ["path", { d: "M12 7.5V12l3 2" }]],
  reload: [["path", { d: "M19.5 12a7.5 7.5 0 1 1-2.2-5.3M19.5 4.5v4.5H15" }]],
  plus: [["path", { d: "M12 5v14M5 12h14" }]],
  star: [["path", { d: "M12 4l2.4 5 5.3.6-4 3.7 1.1 5.3L12 16l-4.8 2.6 1.1-5.3-4-3.7 5.3-.6z" }]],
  "star-filled": [["path", { d: "M12 4l2.4 5 5.3.6-4 3.7 1.1 5.3L12 16l-4.8 2.6 1.1-5.3-4-3.7 5.3-.6z", fill: "currentColor" }]],
  bolt: [["path", { d: "M13 3L5 13.5h6L10 21l8-10.5h-6z" }]],
  info: [...CIRCLE, ["path", { d: "M12 11v5.5M12 7.5v.5" }]],
  "circle-question": [...CIRCLE, ["path", { d: "M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5v.7M12 17v.3" }]],
  search: [["circle", { cx: 11, cy: 11, r: 6.5 }], ["path", { d: "M16 16l4 4" }]],
  sparkle: [["path", { d: "M12 3.5l1.8 5.2 5.2 1.8-5.2 1.8L12 17.5l-1.8-5.2L5 10.5l5.2-1.8z" }]],
  "sparkle-double": [["path", { d: "M10 4l1.5 4.5L16 10l-4.5 1.5L10 16l-1.5-4.5L4 10l4.5-1.5zM17.5 14l.8 2.2 2.2.8-2.2.8-.8 2.2-.8-2.2-2.2-.8 2.2-.8z" }]],
  notebook: [["rect", { x: 5, y: 3.5, width: 14, height: 17, rx: 2 }], ["path", { d: "M9 3.5v17M12 8h4M12 11.5h4" }]],
  "notebook-pencil": [["rect", { x: 5, y: 3.5, width: 14, height: 17, rx: 2 }], ["path", { d: "M9 3.5v17M12 8h4M12 11.5h4" }]],
  write: [["path", { d: "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4" }]],
  "write-alt": [["path", { d: "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4" }]],
  "write-alt2": [["path", { d: "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4" }]],
  document: [["path", { d: "M7 3.5h7l4 4v13H7zM14 3.5v4h4M9.5 12h6M9.5 15.5h6" }]],
  "page-blank": [["path", { d: "M7 3.5h7l4 4v13H7zM14 3.5v4h4" }]],
  user: [["circle", { cx: 12, cy: 8.5, r: 3.5 }], ["path", { d: "M5 20c1-3.5 3.8-5.5 7-5.5s6 2 7 5.5" }]],
  profile: [["circle", { cx: 12, cy: 8.5, r: 3.5 }], ["path", { d: "M5 20c1-3.5 3.8-5.5 7-5.5s6 2 7 5.5" }]],
  "chevron-left": [["path", { d: "M14.5 6l-6 6 6 6" }]],
  "chevron-right": [["path", { d: "M9.5 6l6 6-6 6" }]],
  "dots-horizontal": [["path", { d: "M6 12h.01M12 12h.01M18 12h.01", "stroke-width": 3 }]],
  "dots-vertical": [["path", { d: "M12 6v.01M12 12v.01M12 18v.01", "stroke-width": 3 }]],
  "external-link": [["path", { d: "M14 4.5h5.5V10M19.5 4.5L11 13M17 14v5.5H4.5V7H10" }]],
  mail: [["rect", { x: 3.5, y: 5.5, width: 17, height: 13, rx: 2 }], ["path", { d: "M4 7l8 6 8-6" }]],
  lightbulb: [["path", { d: "M9 17.5h6M10 20.5h4M12 3.5a5.5 5.5 0 0 0-3.3 9.9c.6.5 1 1.2 1 2v.6h4.6v-.6c0-.8.4-1.5 1-2A5.5 5.5 0 0 0 12 3.5z" }]],
  globe: [...CIRCLE, ["path", { d: "M3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9S14.5 18.5 12 21M12 3C9.5 5.5 8.5 8.5 8.5 12s1 6.5 3.5 9" }]],
  "settings-slider": [["path", { d: "M4 7h10M18 7h2M4 17h2M10 17h10" }], ["circle", { cx: 16, cy: 7, r: 2 }], ["circle", { cx: 8, cy: 17, r: 2 }]],
  trash: TRASH,
  "trash-2": TRASH,
  delete: TRASH,
  x: [["path", { d: "M6 6l12 12M18 6L6 18" }]],
  "rotate-ccw": [["path", { d: "M4.5 12a7.5 7.5 0 1 0 2.2-5.3M4.5 4.5v4.5H9" }]],
  undo: [["path", { d: "M4.5 12a7.5 7.5 0 1 0 2.2-5.3M4.5 4.5v4.5H9" }]],
  tag: [["path", { d: "M3.5 12.5V4h8.5l8.5 8.5-8 8z" }], ["circle", { cx: 8, cy: 8.5, r: 1.3 }]],
  flag: [["path", { d: "M5.5 21V4M5.5 4.5h11l-2 4 2 4h-11" }]],
  "list-todo": [["path", { d: "M4 6l1.5 1.5L8 5M4 12l1.5 1.5L8 11M11 6.5h9M11 12.5h9M11 18.5h9M4.5 18.5h3" }]],
};

/**
 * An inline SVG for a ChatKit icon name ("check", "calendar", "lucide:trash-2" ...).
 * Returns an <svg> element marked aria-hidden; unknown names draw a small dot.
 */
export function icon(name) {
  const key = String(name || "").replace(/^(lucide|vendor):/, "");
  const shapes = Object.hasOwn(ICONS, key) ? ICONS[key] : ICONS.dot;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon");
  for (const [tag, attrs] of shapes) {
    const shape = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, String(v));
    svg.append(shape);
  }
  return svg;
}
