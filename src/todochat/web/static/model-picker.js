// The model picker of the built-in page (issue 16): a select under the message box listing the models
// this server offers (GET /api/v1/models); the chosen one goes with each message as ChatKit
// `inference_options.model`. Shown only when there is more than one model; the choice stays for the
// next messages until changed, and applies to each message it is sent with.

const PICKER_ID = "model-picker";
let models = [];
let styled = false;

function useStyles() {
  if (styled) return;
  styled = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "/static/model-picker.css";
  document.head.append(link);
}

/** The picker's row in the composer, made once (label + select, before the composer's hint). */
function pickerRow() {
  let row = document.getElementById(`${PICKER_ID}-row`);
  if (row) return row;
  useStyles();
  row = document.createElement("div");
  row.id = `${PICKER_ID}-row`;
  row.className = "model-picker small";
  row.hidden = true;
  const label = document.createElement("label");
  label.htmlFor = PICKER_ID;
  label.textContent = "Model";
  const select = document.createElement("select");
  select.id = PICKER_ID;
  select.setAttribute("aria-describedby", `${PICKER_ID}-note`);
  const note = document.createElement("span");
  note.id = `${PICKER_ID}-note`;
  note.className = "muted";
  select.addEventListener("change", () => describe(select, note));
  row.append(label, select, note);
  const composer = document.getElementById("composer");
  composer.insertBefore(row, document.getElementById("composer-hint"));
  return row;
}

function describe(select, note) {
  const model = models.find((m) => m.id === select.value);
  note.textContent = model?.description || "";
}

function render() {
  const row = pickerRow();
  const select = row.querySelector("select");
  select.replaceChildren(...models.map((model) => {
    const option = document.createElement("option");
    option.value = model.id;
    option.textContent = model.label;
    option.selected = Boolean(model.default);
    return option;
  }));
  describe(select, row.querySelector(`#${PICKER_ID}-note`));
  row.hidden = models.length < 2;
}

/** Load the models the server offers for this user and show the picker when there is a choice. */
export async function startModelPicker(token) {
  try {
    const response = await fetch("/api/v1/models", { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });
    models = response.ok ? await response.json() : [];
  } catch {
    models = [];
  }
  render();
}

/** The `inference_options` part of the picker: `{model: id}` when it is shown, else `{}`. */
export function modelOption() {
  const select = document.getElementById(PICKER_ID);
  if (!select || models.length < 2 || !select.value) return {};
  return { model: select.value };
}
