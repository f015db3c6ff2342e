// Renders ChatKit widget JSON (chatkit/widgets.py) as DOM. Data only ever becomes text, never HTML.
import { icon } from "./icons.js";
import { controlRenderers, describeAction, formValues, runAction } from "./widget-controls.js";
import {
  ALIGN, RADIUS, applyBox, applySpacing, applyText, cssColor, el, length, sizeValue, textOf,
} from "./widget-style.js";

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

const RENDERERS = {
  ...controlRenderers(renderChildren),
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
      const number = c.onClickAction.payload?.number;
      if (number !== undefined && number !== null) node.dataset.taskNumber = String(number); // keeps focus on its row
      if (!c.submit) node.addEventListener("click", () => runAction(ctx, c.onClickAction, node));
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
