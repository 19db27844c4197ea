// Shared render() body of both widgets: builds the DOM once, subscribes to trait changes,
// and coalesces any burst of changes (one kernel message sets many traits) into a single
// repaint on the next microtask.
import { observeWidth } from "./resize.js";
import { injectStyles } from "./styles.js";
import { createState } from "./state.js";
import { createControls } from "./controls.js";
import { createMatrixView } from "./matrix_view.js";
import { createDrillPanel } from "./drill_panel.js";
import { exportCSV, exportPNG } from "./export.js";

export const VIEW_TRAITS = [
  "matrix", "attributions", "inputs", "baselines", "feature_names", "title", "value_label",
  "sweep", "sweep_features", "sweep_values", "higher_order", "global_matrix", "global_label",
  "view", "sample", "selected", "selected_pair", "highlighted_set", "order", "top_n", "color_scale",
];

/**
 * @param {{model: any, el: HTMLElement, extras?: Array<(ctx) => {el: HTMLElement, update: Function, cleanup?: Function}>}} o
 * @returns {{cleanup: () => void, ctx: object}}
 */
export function mountApp({ model, el, extras = [] }) {
  const root = document.createElement("div");
  root.className = "tw-root";
  // Lumino stops looking for JupyterLab shortcuts at this attribute: without it, arrow keys
  // on the heatmap would also move the notebook's active cell and Enter would edit the cell.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  injectStyles(root);
  const title = document.createElement("div");
  title.className = "tw-title";
  const status = document.createElement("div");
  status.className = "tw-status";
  status.setAttribute("data-testid", "tw-status");
  status.setAttribute("role", "status");
  const main = document.createElement("div");
  main.className = "tw-main";

  const state = createState(model);
  // Local status (e.g. "no features match") sits under whatever a widget part reports.
  let localMsg = "", partMsg = null;
  let scheduled = false, disposed = false, width = el.clientWidth || 720;
  const ctx = { model, state, status, invalidate, setStatus };
  const matrix = createMatrixView(ctx);
  const drill = createDrillPanel(ctx);
  const controls = createControls({ ...ctx, onExportPNG: () => exportPNG(matrix.snapshot(), root), onExportCSV: () => exportCSV(state.derive(), root) });
  const parts = extras.map((make) => make(ctx));
  // Parts below the matrix (Explorer's baseline editor) hold per-sample values: say so in the global view.
  const globalNote = document.createElement("div");
  globalNote.className = "tw-muted tw-global-note tw-hidden";
  globalNote.setAttribute("data-testid", "tw-global-note");
  main.append(matrix.el, drill.el);
  root.append(title, controls.el, status, main, ...(parts.length ? [globalNote] : []), ...parts.map((p) => p.el));
  el.appendChild(root);

  function setStatus(msg) { partMsg = msg; renderStatus(); }
  function renderStatus() {
    const m = partMsg && partMsg.text ? partMsg : { text: localMsg, state: "idle" };
    status.dataset.state = m.state || "idle";
    status.replaceChildren(document.createTextNode(m.text || ""));
    if (m.progress != null && m.state === "computing") {
      const bar = document.createElement("progress");
      bar.className = "tw-progress";
      bar.max = 1;
      bar.value = Math.max(0, Math.min(1, m.progress));
      status.appendChild(bar);
    }
  }

  function invalidate() {
    if (scheduled || disposed) return;
    scheduled = true;
    queueMicrotask(flush);
  }
  function flush() {
    scheduled = false;
    if (disposed) return;
    try {
      const v = state.derive();
      title.textContent = v.title ? `${v.title} — ${v.valueLabel}` : v.valueLabel;
      // Side-by-side when there is room for a drill panel, stacked otherwise.
      const matrixWidth = width >= 900 ? width - 372 : width;
      controls.update(v);
      matrix.update(v, matrixWidth);
      drill.update(v);
      for (const p of parts) p.update(v);
      globalNote.classList.toggle("tw-hidden", !v.global);
      globalNote.textContent = v.global
        ? `Global view: the baseline below applies to all ${v.B} samples, and an edit recomputes every sample and the global matrix. Its input column shows sample ${v.sample}.`
        : "";
      localMsg = v.m && v.visible.length === 0 ? `No feature matches “${v.ui.query}”${v.topN ? ` in the top ${v.topN}` : ""}.` : "";
    } catch (err) {
      // Bad data must not leave a blank cell: say what broke, keep the controls alive.
      console.error("taylor_widgets view:", err);
      localMsg = `Cannot draw this view: ${err && err.message ? err.message : err}`;
    }
    renderStatus();
  }

  for (const t of VIEW_TRAITS) model.on(`change:${t}`, invalidate);

  const stopResize = observeWidth(el, () => width, (w) => { width = w; invalidate(); });
  flush();

  // Model listeners are removed by the host; we own the observer and the parts' timers.
  const cleanup = () => {
    disposed = true;
    stopResize();
    for (const p of parts) if (p.cleanup) p.cleanup();
  };
  return { cleanup, ctx, root };
}
