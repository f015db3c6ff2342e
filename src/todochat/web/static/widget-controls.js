// Widget form controls (Form, Label, Checkbox, Input, Textarea, Select, DatePicker, RadioGroup) and
// how a widget action runs (busy state, form values merged into the payload).
import { applyBox, applyText, el } from "./widget-style.js";

/** A form's field values by name (checkboxes as booleans, radios as the checked value). */
export function formValues(form) {
  const values = {};
  for (const field of form.elements) {
    if (!field.name) continue;
    if (field.type === "checkbox") values[field.name] = field.checked;
    else if (field.type === "radio") { if (field.checked) values[field.name] = field.value; }
    else values[field.name] = field.value;
  }
  return values;
}

/** A control's accessible name from its action, e.g. "delete task 3". */
export function describeAction(action) {
  const verb = String(action.type || "").split(".").pop().replace(/[_-]/g, " ");
  const number = action.payload && action.payload.number;
  return number !== undefined ? `${verb} task ${number}` : verb;
}

/**
 * Run a widget action through ctx.onAction, marking the source (or the whole widget, with
 * loadingBehavior "container") busy meanwhile; `extra` (form values) is merged into the payload.
 */
export async function runAction(ctx, action, source, extra) {
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

/** Renderers of the form controls, keyed by widget type; `renderChildren` renders nested components. */
export function controlRenderers(renderChildren) {
  return {
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
    Label(c) {
      const node = el("label", "ck-label", c.value);
      if (c.fieldName) node.htmlFor = `ck-field-${c.fieldName}`;
      applyText(node, c, ["xs", "sm", "md", "lg", "xl"]);
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
  };
}
