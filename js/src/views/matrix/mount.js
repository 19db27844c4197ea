// The InteractionMatrix view (and Explorer's, with its baseline editor as an extra part; and the
// standalone dataset views, with one main view each) on the shared frame: tabs, controls, the
// main view (heatmap, interaction summary or network) and the drill-down panel beside it, which
// every main view shares. The frame repaints them on trait changes.
import { mountFrame } from "../shared/frame.js";
import { h } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { createState, TABS } from "./state.js";
import { createControls } from "./controls.js";
import { createHeatmap } from "./heatmap.js";
import { createDrillPanel } from "./drill_panel.js";
import { exportCSV, exportPNG } from "./export.js";
import { createSummary } from "../dataset/summary.js";
import { createNetwork } from "../dataset/network.js";

export const VIEW_TRAITS = [
  "matrix", "attributions", "inputs", "baselines", "feature_names", "title", "value_label",
  "sweep", "sweep_features", "sweep_values", "higher_order", "global_matrix", "global_label",
  "view", "sample", "selected", "selected_pair", "highlighted_set", "order", "top_n", "color_scale",
  "diagonal", "tab", "top_pairs", "network_edges", "layout_seed", "dependence",
];
const TAB_LABELS = { matrix: "matrix", summary: "summary over samples", network: "network" };

/** What the title says the main view shows. */
export function mainLabel(v) {
  if (v.tab === "summary") return `interaction summary over ${v.B} samples (${v.valueLabel})`;
  if (v.tab === "network") return `interaction network over ${v.B} samples (${v.valueLabel})`;
  return v.valueLabel;
}

/**
 * @param {{model: any, el: HTMLElement, extras?: Array<(ctx) => {el: HTMLElement, update: Function, cleanup?: Function}>,
 *   traits?: string[], tabs?: string[], css?: string, globalNote?: boolean}} o
 *   extras: parts below the matrix, each made from ctx = {model, state, invalidate, setStatus};
 *   traits: the extras' own traits that repaint; tabs: the main views offered (one: no tab bar);
 *   css: the extras' stylesheet; globalNote: whether the extras hold per-sample values that the
 *   global view must explain (Explorer's baseline editor).
 * @returns {{cleanup: () => void, root: HTMLElement}}
 */
export function mountMatrix({ model, el, extras = [], traits = [], tabs = TABS, css = "", globalNote: noted = true }) {
  const state = createState(model, tabs);
  return mountFrame({
    model, el, traits: [...VIEW_TRAITS, ...traits], css,
    build(frame) {
      // A part's message (Explorer's "Recomputing…") wins over the view's own ("no features match").
      let localMsg = "", partMsg = null;
      const setStatus = (msg) => { partMsg = msg; renderStatus(); };
      const renderStatus = () => frame.status.show(partMsg && partMsg.text ? partMsg : { text: localMsg, state: "idle" });
      const ctx = { model, state, invalidate: frame.invalidate, setStatus };
      const heatmap = tabs.includes("matrix") ? createHeatmap(ctx) : null; // the standalone dataset views have none
      const summary = tabs.includes("summary") ? createSummary(ctx) : null;
      const network = tabs.includes("network") ? createNetwork(ctx) : null;
      const drill = createDrillPanel(ctx);
      const charts = () => [...drill.el.querySelectorAll("figure canvas")].filter((c) => c.dataset.testid !== "tw-dependence-canvas");
      const controls = createControls({
        ...ctx,
        onExportPNG: () => { const v = state.derive(); return exportPNG(v, { heatmap: heatmap?.snapshot, summary: summary?.snapshot, network: network?.snapshot }, frame.root, mainLabel(v), charts()); },
        onExportCSV: () => exportCSV(state.derive(), frame.root),
      });
      const tabBar = h("div", { class: "tw-tabs", role: "tablist", "aria-label": "main view" });
      const tabButtons = tabs.map((t) => {
        const b = h("button", { type: "button", class: "tw-tab", role: "tab", "data-testid": `tw-tab-${t}`, "data-tab": t }, TAB_LABELS[t]);
        b.addEventListener("click", () => commit(model, { tab: t }));
        return b;
      });
      tabBar.append(...tabButtons);
      const parts = extras.map((make) => make(ctx));
      // Parts below the matrix (Explorer's baseline editor) hold per-sample values: say so in the global view.
      const globalNote = h("div", { class: "tw-muted tw-global-note tw-hidden", "data-testid": "tw-global-note" });
      const main = h("div", { class: "tw-main" });
      main.append(...[heatmap, summary, network].filter(Boolean).map((p) => p.el), drill.el);

      function update(width) {
        const v = state.derive();
        frame.title.textContent = v.title ? `${v.title} — ${mainLabel(v)}` : mainLabel(v);
        // Side-by-side when there is room for a drill panel, stacked otherwise.
        const mainWidth = width >= 900 ? width - 372 : width;
        tabBar.classList.toggle("tw-hidden", tabs.length < 2 || v.B < 2);
        for (const b of tabButtons) b.setAttribute("aria-selected", String(b.dataset.tab === v.tab));
        controls.update(v);
        if (heatmap) { heatmap.el.classList.toggle("tw-hidden", v.tab !== "matrix"); if (v.tab === "matrix") heatmap.update(v, mainWidth); }
        if (summary) { summary.el.classList.toggle("tw-hidden", v.tab !== "summary"); if (v.tab === "summary") summary.update(v, mainWidth); }
        if (network) { network.el.classList.toggle("tw-hidden", v.tab !== "network"); if (v.tab === "network") network.update(v, mainWidth); }
        drill.update(v);
        for (const p of parts) p.update(v);
        globalNote.classList.toggle("tw-hidden", !v.global);
        globalNote.textContent = v.global
          ? `Global view: the baseline below applies to all ${v.B} samples, and an edit recomputes every sample and the global matrix. Its input column shows sample ${v.sample}.`
          : "";
        localMsg = v.m && v.visible.length === 0 && v.tab === "matrix" ? `No feature matches “${v.ui.query}”${v.topN ? ` in the top ${v.topN}` : ""}.` : "";
        renderStatus();
      }
      const nodes = [frame.title, tabBar, controls.el, frame.status.el, main, ...(parts.length && noted ? [globalNote] : []), ...parts.map((p) => p.el)];
      return { nodes, update, cleanup: () => { for (const p of parts) if (p.cleanup) p.cleanup(); } };
    },
  });
}
