// Toolbar: view (one sample ↔ global over data), sample, order, top-N, search, colour scheme,
// vmax, exports. Native inputs keep
// everything keyboard reachable. A control never repaints; it sets the model (or, for the
// search text, the view-local state) and the change handlers redraw.
import { SCHEME_NAMES } from "../../lib/colorscale.js";
import { DIAGONAL_MODES } from "../../lib/scales.js";
import { ORDERS } from "../../lib/order.js";
import { VIEWS } from "../../lib/global.js";
import { h, labelled } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";

const MAX_SAMPLE_OPTIONS = 50; // beyond this a <select> is unwieldy (and slow to build): use a number field

function options(select, values, labels = values) {
  select.replaceChildren(...values.map((v, k) => { const o = h("option", { value: String(v) }, String(labels[k])); return o; }));
}

export function createControls({ model, state, invalidate, onExportPNG, onExportCSV }) {
  const el = h("div", { class: "tw-controls" });
  const view = h("select", { "data-testid": "tw-view", "aria-label": "which matrix: one sample or global over data" });
  options(view, VIEWS, ["one sample", "global over data"]);
  const viewBox = labelled("view", view);
  // Only the picker in use carries the tw-sample hook (see update).
  const sampleSel = h("select", { "data-testid": "tw-sample", "aria-label": "sample" });
  const sampleNum = h("input", { type: "number", min: "0", step: "1", "aria-label": "sample" });
  const sampleBox = labelled("sample", sampleSel);
  sampleBox.appendChild(sampleNum);
  const order = h("select", { "data-testid": "tw-order" });
  options(order, ORDERS, ["given order", "by |attribution|", "clustered |Γ|"]);
  const topn = h("input", { type: "number", min: "0", step: "1", "data-testid": "tw-topn", placeholder: "all" });
  const search = h("input", { type: "search", "data-testid": "tw-search", placeholder: "feature name…", "aria-label": "search features" });
  const scheme = h("select", { "data-testid": "tw-scheme", "aria-label": "colour scheme" });
  options(scheme, SCHEME_NAMES);
  const vmax = h("input", { type: "number", min: "0", step: "any", placeholder: "auto", class: "tw-wide", "data-testid": "tw-vmax", "aria-label": "colour limit vmax (empty = auto)" });
  const diagonal = h("select", { "data-testid": "tw-diagonal", "aria-label": "diagonal: where the automatic colour scale comes from",
    title: "auto: when the diagonal (main effects) is over 3× the largest interaction, scale the colours by the interactions and draw the diagonal clipped" });
  options(diagonal, DIAGONAL_MODES, ["auto", "show (in scale)", "hide"]);
  // The dataset views' own knobs: rows of the summary, edges and layout seed of the network.
  const pairs = h("input", { type: "number", min: "1", max: "100", step: "1", "data-testid": "tw-top-pairs", "aria-label": "pairs shown in the summary" });
  const edges = h("input", { type: "number", min: "1", max: "1000", step: "1", "data-testid": "tw-network-edges", "aria-label": "edges of the network" });
  const seed = h("input", { type: "number", min: "0", step: "1", "data-testid": "tw-layout-seed", "aria-label": "seed of the network layout" });
  const png = h("button", { type: "button", "data-testid": "tw-export-png", title: "download the whole view (title, plot, legend, drill-down) as PNG" }, "PNG");
  const csv = h("button", { type: "button", "data-testid": "tw-export-csv" }, "CSV");
  const matrixOnly = [labelled("order", order), labelled("top-N", topn), labelled("search", search),
    labelled("colours", scheme), labelled("vmax", vmax), labelled("diagonal", diagonal)];
  const pairsBox = labelled("pairs", pairs), edgesBox = labelled("edges", edges), seedBox = labelled("layout seed", seed);
  el.append(viewBox, sampleBox, ...matrixOnly, pairsBox, edgesBox, seedBox, png, csv);

  const colorScale = () => ({ vmax: null, scheme: "RdBu", ...(model.get("color_scale") || {}) });
  const onSample = (e) => {
    const B = state.derive().B;
    const s = Math.max(0, Math.min(B - 1, Math.round(Number(e.target.value) || 0)));
    commit(model, { sample: s });
  };
  sampleSel.addEventListener("change", onSample);
  sampleNum.addEventListener("change", onSample);
  view.addEventListener("change", () => commit(model, { view: view.value }));
  order.addEventListener("change", () => commit(model, { order: order.value }));
  topn.addEventListener("change", () => commit(model, { top_n: Math.max(0, Math.round(Number(topn.value) || 0)) }));
  search.addEventListener("input", () => { state.ui.query = search.value; invalidate(); });
  scheme.addEventListener("change", () => commit(model, { color_scale: { ...colorScale(), scheme: scheme.value } }));
  vmax.addEventListener("change", () => {
    const v = Number(vmax.value);
    commit(model, { color_scale: { ...colorScale(), vmax: vmax.value.trim() !== "" && v > 0 ? v : null } });
  });
  diagonal.addEventListener("change", () => commit(model, { diagonal: diagonal.value }));
  const intField = (input, key, lo, hi) => input.addEventListener("change", () => {
    const k = Math.round(Number(input.value));
    if (Number.isFinite(k) && k >= lo && k <= hi) commit(model, { [key]: k }); else input.value = String(model.get(key));
  });
  intField(pairs, "top_pairs", 1, 100);
  intField(edges, "network_edges", 1, 1000);
  intField(seed, "layout_seed", 0, 2 ** 31 - 1);
  png.addEventListener("click", () => onExportPNG());
  csv.addEventListener("click", () => onExportCSV());

  let lastB = -1;
  /** Reflect the model in the inputs, except the one the user is typing in. */
  function update(v) {
    const active = el.ownerDocument && el.ownerDocument.activeElement;
    const put = (input, value) => { if (input !== active && input.value !== value) input.value = value; };
    for (const c of matrixOnly) c.classList.toggle("tw-hidden", v.tab !== "matrix");
    pairsBox.classList.toggle("tw-hidden", v.tab !== "summary");
    edgesBox.classList.toggle("tw-hidden", v.tab !== "network");
    seedBox.classList.toggle("tw-hidden", v.tab !== "network");
    csv.classList.toggle("tw-hidden", v.tab !== "matrix");
    put(diagonal, v.diag.mode);
    put(pairs, String(v.topPairs));
    put(edges, String(v.networkEdges));
    put(seed, String(v.layoutSeed));
    viewBox.classList.toggle("tw-hidden", !v.canToggle || v.tab !== "matrix");
    put(view, v.view);
    sampleBox.classList.toggle("tw-hidden", v.B <= 1 || (v.global && v.tab === "matrix")); // one sample's picker means nothing globally
    const useSelect = v.B <= MAX_SAMPLE_OPTIONS;
    sampleSel.classList.toggle("tw-hidden", !useSelect);
    sampleNum.classList.toggle("tw-hidden", useSelect);
    const [on, off] = useSelect ? [sampleSel, sampleNum] : [sampleNum, sampleSel];
    on.setAttribute("data-testid", "tw-sample");
    off.removeAttribute("data-testid");
    if (v.B !== lastB) {
      lastB = v.B;
      if (useSelect) options(sampleSel, Array.from({ length: Math.max(0, v.B) }, (_, k) => k));
      sampleNum.max = String(Math.max(0, v.B - 1));
    }
    put(sampleSel, String(v.sample));
    put(sampleNum, String(v.sample));
    put(order, v.orderName);
    // Without φ (the global view, a bare array) "attribution" ranks by the row mass of |Γ|.
    order.options[1].textContent = v.phi ? "by |attribution|" : "by row mass Σ|Γ_ij|";
    put(topn, v.topN > 0 ? String(v.topN) : "");
    put(search, v.ui.query);
    put(scheme, v.scheme);
    put(vmax, v.vmaxAuto ? "" : String(v.vmax));
    vmax.setAttribute("placeholder", `auto (${Number(v.vmax.toPrecision(3))})`);
  }
  return { el, update };
}
