// The InteractionMatrix view (and Explorer's, with its baseline editor as an extra part) on the
// shared frame: controls, heatmap, drill-down panel; the frame repaints them on trait changes.
import { mountFrame } from "../shared/frame.js";
import { h } from "../shared/dom.js";
import { createState } from "./state.js";
import { createControls } from "./controls.js";
import { createHeatmap } from "./heatmap.js";
import { createDrillPanel } from "./drill_panel.js";
import { exportCSV, exportPNG } from "./export.js";

export const VIEW_TRAITS = [
  "matrix", "attributions", "inputs", "baselines", "feature_names", "title", "value_label",
  "sweep", "sweep_features", "sweep_values", "higher_order", "global_matrix", "global_label",
  "view", "sample", "selected", "selected_pair", "highlighted_set", "order", "top_n", "color_scale",
];

/**
 * @param {{model: any, el: HTMLElement, extras?: Array<(ctx) => {el: HTMLElement, update: Function, cleanup?: Function}>, traits?: string[], css?: string, globalNote?: boolean}} o
 *   extras: parts below the matrix, each made from ctx = {model, state, invalidate, setStatus};
 *   traits: the extras' own traits that repaint; css: the extras' stylesheet; globalNote: whether the
 *   extras hold per-sample values that the global view must explain (Explorer's baseline editor).
 * @returns {{cleanup: () => void, root: HTMLElement}}
 */
export function mountMatrix({ model, el, extras = [], traits = [], css = "", globalNote: noted = true }) {
  const state = createState(model);
  return mountFrame({
    model, el, traits: [...VIEW_TRAITS, ...traits], css,
    build(frame) {
      // A part's message (Explorer's "Recomputing…") wins over the view's own ("no features match").
      let localMsg = "", partMsg = null;
      const setStatus = (msg) => { partMsg = msg; renderStatus(); };
      const renderStatus = () => frame.status.show(partMsg && partMsg.text ? partMsg : { text: localMsg, state: "idle" });
      const ctx = { model, state, invalidate: frame.invalidate, setStatus };
      const heatmap = createHeatmap(ctx);
      const drill = createDrillPanel(ctx);
      const controls = createControls({
        ...ctx, onExportPNG: () => exportPNG(heatmap.snapshot(), frame.root), onExportCSV: () => exportCSV(state.derive(), frame.root),
      });
      const parts = extras.map((make) => make(ctx));
      // Parts below the matrix (Explorer's baseline editor) hold per-sample values: say so in the global view.
      const globalNote = h("div", { class: "tw-muted tw-global-note tw-hidden", "data-testid": "tw-global-note" });
      const main = h("div", { class: "tw-main" });
      main.append(heatmap.el, drill.el);

      function update(width) {
        const v = state.derive();
        frame.title.textContent = v.title ? `${v.title} — ${v.valueLabel}` : v.valueLabel;
        // Side-by-side when there is room for a drill panel, stacked otherwise.
        const matrixWidth = width >= 900 ? width - 372 : width;
        controls.update(v);
        heatmap.update(v, matrixWidth);
        drill.update(v);
        for (const p of parts) p.update(v);
        globalNote.classList.toggle("tw-hidden", !v.global);
        globalNote.textContent = v.global
          ? `Global view: the baseline below applies to all ${v.B} samples, and an edit recomputes every sample and the global matrix. Its input column shows sample ${v.sample}.`
          : "";
        localMsg = v.m && v.visible.length === 0 ? `No feature matches “${v.ui.query}”${v.topN ? ` in the top ${v.topN}` : ""}.` : "";
        renderStatus();
      }
      const nodes = [frame.title, controls.el, frame.status.el, main, ...(parts.length && noted ? [globalNote] : []), ...parts.map((p) => p.el)];
      return { nodes, update, cleanup: () => { for (const p of parts) if (p.cleanup) p.cleanup(); } };
    },
  });
}
