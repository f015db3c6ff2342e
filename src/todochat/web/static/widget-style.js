// Widget props → CSS: ChatKit colour tokens, spacing units, borders, radii, flex layout, text style.

const SPACING_UNIT_PX = 4;
const CSS_LENGTH = /^-?\d+(\.\d+)?(px|rem|em|%|vh|vw)?$/;
const HEX_COLOR = /^#[0-9a-fA-F]{3,8}$/;
const NAMED_COLORS = new Set([
  "prose", "primary", "emphasis", "secondary", "tertiary", "success", "warning", "danger",
  "info", "discovery", "caution", "white", "black",
]);
const PALETTE = new Set([
  "red", "orange", "amber", "yellow", "lime", "green", "emerald", "teal", "cyan", "sky", "blue",
  "indigo", "violet", "purple", "fuchsia", "pink", "rose", "gray", "slate", "zinc", "neutral",
]);
export const RADIUS = {
  "2xs": "2px", xs: "4px", sm: "6px", md: "8px", lg: "12px", xl: "16px", "2xl": "20px",
  "3xl": "24px", "4xl": "32px", full: "9999px", "100%": "100%", none: "0",
};

/** A new element with a class and text content (never HTML). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function prefersDark() {
  return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/** A widget color (token, palette name like "blue-500", hex, or {light, dark}) as CSS, or "". */
export function cssColor(value) {
  if (!value) return "";
  if (typeof value === "object") return cssColor(prefersDark() ? value.dark : value.light);
  const v = String(value);
  if (HEX_COLOR.test(v)) return v;
  if (NAMED_COLORS.has(v)) return `var(--ck-${v})`;
  if (v.startsWith("surface")) return `var(--ck-${v.replace(/[^a-z-]/g, "")}, var(--surface-2))`;
  const family = v.split("-")[0];
  if (PALETTE.has(family)) return `var(--ck-palette-${family})`;
  return "";
}

/** A spacing value as CSS: numbers are 4px units, strings must be plain lengths; else "". */
export function length(value) {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value === "number") return `${value * SPACING_UNIT_PX}px`;
  const v = String(value);
  return CSS_LENGTH.test(v) ? (/\d$/.test(v) ? `${v}px` : v) : "";
}

/** A size as CSS: numbers are pixels, strings plain lengths; else "". */
export function sizeValue(value) {
  if (typeof value === "number") return `${value}px`;
  return length(value);
}

/** padding/margin from a number, length or {top, right, bottom, left, x, y}. */
export function applySpacing(node, prop, value) {
  if (value === undefined || value === null) return;
  if (typeof value === "object") {
    const sides = { top: value.top ?? value.y, right: value.right ?? value.x,
      bottom: value.bottom ?? value.y, left: value.left ?? value.x };
    for (const [side, v] of Object.entries(sides)) {
      const css = length(v);
      if (css) node.style.setProperty(`${prop}-${side}`, css);
    }
    return;
  }
  const css = length(value);
  if (css) node.style.setProperty(prop, css);
}

/** A border from a width, {size, color, style}, or per side. */
export function applyBorder(node, border) {
  if (border === undefined || border === null) return;
  const one = (b) => {
    if (typeof b === "number") return `${b}px solid var(--border)`;
    const style = ["solid", "dashed", "dotted", "double"].includes(b.style) ? b.style : "solid";
    return `${Number(b.size) || 1}px ${style} ${cssColor(b.color) || "var(--border)"}`;
  };
  if (typeof border === "number" || "size" in border) {
    node.style.border = one(border);
    return;
  }
  const sides = { top: border.top ?? border.y, right: border.right ?? border.x,
    bottom: border.bottom ?? border.y, left: border.left ?? border.x };
  for (const [side, b] of Object.entries(sides)) if (b !== undefined) node.style.setProperty(`border-${side}`, one(b));
}

export const ALIGN = { start: "flex-start", center: "center", end: "flex-end", baseline: "baseline", stretch: "stretch" };
const JUSTIFY = { start: "flex-start", center: "center", end: "flex-end", between: "space-between",
  around: "space-around", evenly: "space-evenly", stretch: "stretch" };

/** Flex layout, sizes, spacing, border, radius and background of Box/Row/Col/Form. */
export function applyBox(node, c) {
  if (c.align) node.style.alignItems = ALIGN[c.align] || "";
  if (c.justify) node.style.justifyContent = JUSTIFY[c.justify] || "";
  if (c.wrap) node.style.flexWrap = ["nowrap", "wrap", "wrap-reverse"].includes(c.wrap) ? c.wrap : "";
  if (c.flex !== undefined) node.style.flex = /^[\d .a-z%]+$/.test(String(c.flex)) ? String(c.flex) : "";
  const gap = length(c.gap);
  if (gap) node.style.gap = gap;
  for (const [prop, css] of [["height", "height"], ["width", "width"], ["minHeight", "min-height"],
    ["minWidth", "min-width"], ["maxHeight", "max-height"], ["maxWidth", "max-width"]]) {
    const v = sizeValue(c[prop]);
    if (v) node.style.setProperty(css, v);
  }
  applySpacing(node, "padding", c.padding);
  applySpacing(node, "margin", c.margin);
  applyBorder(node, c.border);
  if (c.radius && RADIUS[c.radius]) node.style.borderRadius = RADIUS[c.radius];
  const bg = cssColor(c.background);
  if (bg) node.style.background = bg;
}

/** Weight, size token, italic, strike-through, alignment, colour, truncation of a text. */
export function applyText(node, c, sizes) {
  if (c.weight) node.dataset.weight = c.weight;
  if (c.size && sizes.includes(c.size)) node.dataset.size = c.size;
  if (c.italic) node.style.fontStyle = "italic";
  if (c.lineThrough) node.style.textDecoration = "line-through";
  if (c.textAlign) node.style.textAlign = { start: "start", center: "center", end: "end" }[c.textAlign] || "";
  const color = cssColor(c.color);
  if (color) node.style.color = color;
  if (c.truncate) node.classList.add("ck-truncate");
  if (c.maxLines) {
    node.classList.add("ck-clamp");
    node.style.setProperty("-webkit-line-clamp", String(Number(c.maxLines) || 1));
  }
}

/** Text found anywhere in a component, for fallbacks and labels. */
export function textOf(c) {
  if (!c || typeof c !== "object") return "";
  const own = [c.value, c.label, c.title].filter((v) => typeof v === "string");
  const kids = Array.isArray(c.children) ? c.children : c.children ? [c.children] : [];
  return [...own, ...kids.map(textOf)].filter(Boolean).join(" ");
}
