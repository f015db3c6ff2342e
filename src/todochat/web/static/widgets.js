// Renders ChatKit widget JSON (chatkit/widgets.py) as DOM. Data only ever becomes text, never HTML.
import { icon } from "./icons.js";

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
const RADIUS = {
  "2xs": "2px", xs: "4px", sm: "6px", md: "8px", lg: "12px", xl: "16px", "2xl": "20px",
  "3xl": "24px", "4xl": "32px", full: "9999px", "100%": "100%", none: "0",
};

function el(tag, className, text) {
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

function length(value) {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value === "number") return `${value * SPACING_UNIT_PX}px`;
  const v = String(value);
  return CSS_LENGTH.test(v) ? (/\d$/.test(v) ? `${v}px` : v) : "";
}

function sizeValue(value) {
  if (typeof value === "number") return `${value}px`;
  return length(value);
}

function applySpacing(node, prop, value) {
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

function applyBorder(node, border) {
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

const ALIGN = { start: "flex-start", center: "center", end: "flex-end", baseline: "baseline", stretch: "stretch" };
const JUSTIFY = { start: "flex-start", center: "center", end: "flex-end", between: "space-between",
  around: "space-around", evenly: "space-evenly", stretch: "stretch" };

function applyBox(node, c) {
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

function applyText(node, c, sizes) {
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

function describeAction(action) {
  const verb = String(action.type || "").split(".").pop().replace(/[_-]/g, " ");
  const number = action.payload && action.payload.number;
  return number !== undefined ? `${verb} task ${number}` : verb;
}

/** Text found anywhere in a component, for fallbacks and labels. */
function textOf(c) {
  if (!c || typeof c !== "object") return "";
  const own = [c.value, c.label, c.title].filter((v) => typeof v === "string");
  const kids = Array.isArray(c.children) ? c.children : c.children ? [c.children] : [];
  return [...own, ...kids.map(textOf)].filter(Boolean).join(" ");
}

function formValues(form) {
  const values = {};
  for (const field of form.elements) {
    if (!field.name) continue;
    if (field.type === "checkbox") values[field.name] = field.checked;
    else if (field.type === "radio") { if (field.checked) values[field.name] = field.value; }
    else values[field.name] = field.value;
  }
  return values;
}

/**
 * Render one widget root (Card, ListView, Basic ...) into a DOM element.
 *
 * ctx.onAction(actionConfig, {source}) is called for button clicks, row clicks, control changes
 * and form submits; it returns a promise while the action runs (the control shows it is busy).
 */
export function renderWidget(widget, ctx) {
  const root = el("div", "ck-widget");
  root.append(renderComponent(widget, { ...ctx, root }));
  return root;
}

function renderChildren(node, children, ctx) {
  const list = Array.isArray(children) ? children : children ? [children] : [];
  for (const child of list) if (child) node.append(renderComponent(child, ctx));
  return node;
}

async function runAction(ctx, action, source, extra) {
  if (!action || !ctx.onAction) return;
  if (source && source.getAttribute("aria-disabled") === "true") return;
  const config = extra ? { ...action, payload: { ...(action.payload || {}), ...extra } } : action;
  const behavior = action.loadingBehavior || "auto";
  const busy = behavior === "none" ? [] : behavior === "container" ? [ctx.root] : [source];
  // aria-disabled rather than disabled: a disabled control would lose keyboard focus.
  for (const b of busy) { b.setAttribute("aria-busy", "true"); b.classList.add("ck-busy"); }
  if (source && behavior !== "none") source.setAttribute("aria-disabled", "true");
  try {
    await ctx.onAction(config, { source });
  } finally {
    for (const b of busy) { b.removeAttribute("aria-busy"); b.classList.remove("ck-busy"); }
    if (source) source.removeAttribute("aria-disabled");
  }
}

const RENDERERS = {
  Card(c, ctx) {
    const form = Boolean(c.asForm);
    const node = el(form ? "form" : "section", "ck-card");
    if (c.size) node.dataset.size = c.size;
    applySpacing(node, "padding", c.padding);
    const bg = cssColor(c.background);
    if (bg) node.style.background = bg;
    if (c.status && c.status.text) {
      const status = el("div", "ck-status");
      if (c.status.icon) status.append(icon(c.status.icon));
      status.append(el("span", "", c.status.text));
      node.append(status);
    }
    const body = renderChildren(el("div", "ck-card-body"), c.children, ctx);
    if (c.collapsed) {
      const details = el("details", "ck-collapse");
      details.append(el("summary", "", textOf(c).slice(0, 80) || "Details"), body);
      node.append(details);
    } else node.append(body);
    if (c.confirm || c.cancel) {
      const actions = el("div", "ck-card-actions");
      if (c.cancel) {
        const b = el("button", "ck-button", c.cancel.label);
        b.type = "button";
        b.dataset.style = "secondary";
        b.addEventListener("click", () => runAction(ctx, c.cancel.action, b));
        actions.append(b);
      }
      if (c.confirm) {
        const b = el("button", "ck-button", c.confirm.label);
        b.type = form ? "submit" : "button";
        b.dataset.style = "primary";
        if (!form) b.addEventListener("click", () => runAction(ctx, c.confirm.action, b));
        actions.append(b);
      }
      node.append(actions);
    }
    if (form) {
      node.addEventListener("submit", (e) => {
        e.preventDefault();
        if (c.confirm) runAction(ctx, c.confirm.action, e.submitter || node, formValues(node));
      });
    }
    return node;
  },
  Basic(c, ctx) {
    const node = el("div", "ck-col");
    applyBox(node, c);
    return renderChildren(node, c.children, ctx);
  },
  ListView(c, ctx) {
    const node = el("div", "ck-listview");
    if (c.status && c.status.text) {
      const status = el("div", "ck-status");
      if (c.status.icon) status.append(icon(c.status.icon));
      status.append(el("span", "", c.status.text));
      node.append(status);
    }
    const list = el("ul", "ck-list");
    const items = Array.isArray(c.children) ? c.children : [];
    const limit = typeof c.limit === "number" ? c.limit : Infinity;
    items.forEach((item, i) => {
      const li = el("li", "ck-list-row");
      li.append(renderComponent(item, ctx));
      if (i >= limit) li.hidden = true;
      list.append(li);
    });
    node.append(list);
    if (items.length > limit) {
      const more = el("button", "ck-button ck-more", `Show ${items.length - limit} more`);
      more.type = "button";
      more.dataset.variant = "ghost";
      more.addEventListener("click", () => {
        for (const li of list.children) li.hidden = false;
        more.remove();
      });
      node.append(more);
    }
    return node;
  },
  ListViewItem(c, ctx) {
    const node = el("div", "ck-listitem");
    const gap = length(c.gap);
    if (gap) node.style.gap = gap;
    if (c.align) node.style.alignItems = ALIGN[c.align] || "";
    renderChildren(node, c.children, ctx);
    if (c.onClickAction) {
      node.classList.add("ck-clickable");
      node.tabIndex = 0;
      node.setAttribute("role", "button");
      const go = () => runAction(ctx, c.onClickAction, node);
      node.addEventListener("click", (e) => { if (!e.target.closest("button, input, select, textarea, a")) go(); });
      node.addEventListener("keydown", (e) => {
        if ((e.key === "Enter" || e.key === " ") && e.target === node) { e.preventDefault(); go(); }
      });
    }
    return node;
  },
  Box(c, ctx) {
    const node = el("div", c.direction === "row" ? "ck-row" : "ck-col");
    applyBox(node, c);
    return renderChildren(node, c.children, ctx);
  },
  Row(c, ctx) {
    const node = el("div", "ck-row");
    applyBox(node, c);
    return renderChildren(node, c.children, ctx);
  },
  Col(c, ctx) {
    const node = el("div", "ck-col");
    applyBox(node, c);
    return renderChildren(node, c.children, ctx);
  },
  Form(c, ctx) {
    const node = el("form", c.direction === "row" ? "ck-row" : "ck-col");
    applyBox(node, c);
    renderChildren(node, c.children, ctx);
    node.addEventListener("submit", (e) => {
      e.preventDefault();
      runAction(ctx, c.onSubmitAction, e.submitter || node, formValues(node));
    });
    return node;
  },
  Text(c) {
    const node = el("p", "ck-text", c.value);
    applyText(node, c, ["xs", "sm", "md", "lg", "xl"]);
    if (c.streaming) node.classList.add("ck-streaming");
    return node;
  },
  Markdown(c) {
    const node = el("div", "ck-markdown", c.value);
    if (c.streaming) node.classList.add("ck-streaming");
    return node;
  },
  Title(c) {
    const node = el("div", "ck-title", c.value);
    node.setAttribute("role", "heading");
    node.setAttribute("aria-level", "3");
    applyText(node, c, ["sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "5xl"]);
    return node;
  },
  Caption(c) {
    const node = el("p", "ck-caption", c.value);
    applyText(node, c, ["sm", "md", "lg"]);
    return node;
  },
  Label(c) {
    const node = el("label", "ck-label", c.value);
    if (c.fieldName) node.htmlFor = `ck-field-${c.fieldName}`;
    applyText(node, c, ["xs", "sm", "md", "lg", "xl"]);
    return node;
  },
  Badge(c) {
    const node = el("span", "ck-badge", c.label);
    node.dataset.color = ["secondary", "success", "danger", "warning", "info", "discovery"]
      .includes(c.color) ? c.color : "secondary";
    node.dataset.variant = ["solid", "soft", "outline"].includes(c.variant) ? c.variant : "soft";
    if (c.size) node.dataset.size = c.size;
    if (c.pill) node.classList.add("ck-pill");
    return node;
  },
  Button(c, ctx) {
    const node = el("button", "ck-button");
    node.type = c.submit ? "submit" : "button";
    if (c.iconStart) node.append(icon(c.iconStart));
    if (c.label) node.append(el("span", "", c.label));
    if (c.iconEnd) node.append(icon(c.iconEnd));
    if (!c.label) {
      node.classList.add("ck-icon-button");
      const label = c.onClickAction ? describeAction(c.onClickAction) : "button";
      node.setAttribute("aria-label", label.charAt(0).toUpperCase() + label.slice(1));
      node.title = node.getAttribute("aria-label");
    }
    node.dataset.style = c.style === "primary" ? "primary" : "secondary";
    if (c.variant) node.dataset.variant = c.variant;
    if (c.color) node.dataset.color = c.color;
    if (c.size) node.dataset.size = c.size;
    if (c.pill) node.classList.add("ck-pill");
    if (c.block) node.classList.add("ck-block");
    if (c.disabled) node.disabled = true;
    if (c.onClickAction) {
      node.dataset.action = c.onClickAction.type;
      if (!c.submit) node.addEventListener("click", () => runAction(ctx, c.onClickAction, node));
    }
    return node;
  },
  Checkbox(c, ctx) {
    const node = el("label", "ck-checkbox");
    const input = el("input");
    input.type = "checkbox";
    input.name = c.name || "";
    input.checked = Boolean(c.defaultChecked);
    input.disabled = Boolean(c.disabled);
    input.required = Boolean(c.required);
    node.append(input);
    if (c.label) node.append(el("span", "", c.label));
    else if (c.onChangeAction) input.setAttribute("aria-label", describeAction(c.onChangeAction));
    if (c.onChangeAction) {
      input.dataset.action = c.onChangeAction.type;
      input.addEventListener("change", () => runAction(ctx, c.onChangeAction, input));
    }
    return node;
  },
  Input(c) {
    const node = el("input", "ck-input");
    node.type = ["number", "email", "text", "password", "tel", "url"].includes(c.inputType) ? c.inputType : "text";
    node.name = c.name || "";
    node.id = `ck-field-${c.name}`;
    node.value = c.defaultValue || "";
    node.placeholder = c.placeholder || "";
    node.required = Boolean(c.required);
    node.disabled = Boolean(c.disabled);
    if (!c.placeholder) node.setAttribute("aria-label", c.name || "input");
    return node;
  },
  Textarea(c) {
    const node = el("textarea", "ck-input");
    node.name = c.name || "";
    node.id = `ck-field-${c.name}`;
    node.value = c.defaultValue || "";
    node.placeholder = c.placeholder || "";
    node.rows = c.rows || 3;
    node.disabled = Boolean(c.disabled);
    return node;
  },
  Select(c, ctx) {
    const node = el("select", "ck-input");
    node.name = c.name || "";
    node.id = `ck-field-${c.name}`;
    if (c.placeholder) node.append(el("option", "", c.placeholder));
    for (const o of c.options || []) {
      const opt = el("option", "", o.label);
      opt.value = o.value;
      opt.disabled = Boolean(o.disabled);
      opt.selected = o.value === c.defaultValue;
      node.append(opt);
    }
    node.disabled = Boolean(c.disabled);
    if (c.onChangeAction) {
      node.addEventListener("change", () => runAction(ctx, c.onChangeAction, node, { [node.name]: node.value }));
    }
    return node;
  },
  DatePicker(c, ctx) {
    const node = el("input", "ck-input");
    node.type = "date";
    node.name = c.name || "";
    node.id = `ck-field-${c.name}`;
    if (c.defaultValue) node.value = String(c.defaultValue).slice(0, 10);
    node.disabled = Boolean(c.disabled);
    if (c.onChangeAction) {
      node.addEventListener("change", () => runAction(ctx, c.onChangeAction, node, { [node.name]: node.value }));
    }
    return node;
  },
  RadioGroup(c, ctx) {
    const node = el("div", c.direction === "row" ? "ck-row" : "ck-col");
    node.setAttribute("role", "radiogroup");
    if (c.ariaLabel) node.setAttribute("aria-label", c.ariaLabel);
    for (const o of c.options || []) {
      const label = el("label", "ck-checkbox");
      const input = el("input");
      input.type = "radio";
      input.name = c.name || "";
      input.value = o.value;
      input.checked = o.value === c.defaultValue;
      input.disabled = Boolean(o.disabled || c.disabled);
      if (c.onChangeAction) {
        input.addEventListener("change", () => runAction(ctx, c.onChangeAction, input, { [input.name]: input.value }));
      }
      label.append(input, el("span", "", o.label));
      node.append(label);
    }
    return node;
  },
  Divider(c) {
    const node = el("hr", "ck-divider");
    const color = cssColor(c.color);
    if (color) node.style.borderColor = color;
    const spacing = length(c.spacing);
    if (spacing) node.style.margin = `${spacing} 0`;
    if (c.flush) node.classList.add("ck-flush");
    return node;
  },
  Spacer(c) {
    const node = el("div", "ck-spacer");
    const min = sizeValue(c.minSize);
    if (min) node.style.minWidth = node.style.minHeight = min;
    node.setAttribute("aria-hidden", "true");
    return node;
  },
  Icon(c) {
    const node = icon(c.name);
    node.classList.add("ck-icon");
    if (c.size) node.dataset.size = c.size;
    const color = cssColor(c.color);
    if (color) node.style.color = color;
    return node;
  },
  Image(c) {
    const node = el("img", "ck-image");
    const src = String(c.src || "");
    if (/^(https?:|\/|data:image\/)/.test(src)) node.src = src;
    node.alt = c.alt || "";
    const h = sizeValue(c.height ?? c.size);
    const w = sizeValue(c.width ?? c.size);
    if (h) node.style.height = h;
    if (w) node.style.width = w;
    if (["cover", "contain", "fill", "scale-down", "none"].includes(c.fit)) node.style.objectFit = c.fit;
    if (c.radius && RADIUS[c.radius]) node.style.borderRadius = RADIUS[c.radius];
    return node;
  },
  Transition(c, ctx) {
    return renderChildren(el("div", "ck-col"), c.children, ctx);
  },
  Chart(c) {
    const table = el("table", "ck-chart-table");
    const xKey = typeof c.xAxis === "string" ? c.xAxis : c.xAxis && c.xAxis.dataKey;
    const series = Array.isArray(c.series) ? c.series : [];
    const head = el("tr");
    head.append(el("th", "", xKey || ""), ...series.map((s) => el("th", "", s.label || s.dataKey)));
    table.append(head);
    for (const row of c.data || []) {
      const tr = el("tr");
      tr.append(el("td", "", row[xKey]), ...series.map((s) => el("td", "", row[s.dataKey])));
      table.append(tr);
    }
    return table;
  },
};

/** Render any component; an unknown type becomes a readable box with its text. */
export function renderComponent(c, ctx) {
  if (!c || typeof c !== "object") return el("span", "", "");
  const render = Object.hasOwn(RENDERERS, c.type) ? RENDERERS[c.type] : null;
  let node;
  if (render) {
    node = render(c, ctx);
  } else {
    node = el("div", "ck-fallback");
    node.append(el("span", "ck-fallback-type", c.type || "widget"));
    const text = textOf(c);
    if (text) node.append(el("span", "", text));
  }
  if (c.id) node.dataset.componentId = c.id;
  if (c.key) node.dataset.key = c.key;
  return node;
}

/** Apply a widget update event (root/component replacement, streamed text) to widget JSON. */
export function applyWidgetUpdate(widget, update) {
  if (update.type === "widget.root.updated") return update.widget;
  const visit = (node) => {
    if (!node || typeof node !== "object") return node;
    if (node.id === update.component_id) {
      if (update.type === "widget.component.updated") return update.component;
      if (update.type === "widget.streaming_text.value_delta") {
        return { ...node, value: (node.value || "") + update.delta, streaming: !update.done };
      }
    }
    if (Array.isArray(node.children)) return { ...node, children: node.children.map(visit) };
    if (node.children && typeof node.children === "object") return { ...node, children: visit(node.children) };
    return node;
  };
  return visit(widget);
}
