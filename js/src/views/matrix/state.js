// Derives what every panel draws from the model's traits plus local UI state (search text).
// DOM-free (the vitest DOM tests and the pure tests both use it).
// Decoding is no-copy and each derived value is memoised on the identity of its inputs, so a
// click that only changes `selected` costs no re-sort and no re-cluster. In the global view
// `m` is the global matrix and the sample-only values (φ, inputs, baselines) are null.
import { memo } from "../../lib/memo.js";
import { batchSize, matrixSlice, rowSlice } from "../../lib/codec.js";
import { featureScores, makeOrder } from "../../lib/order.js";
import { visibleFeatures } from "../../lib/topk.js";
import { isNonNegative } from "../../lib/colorscale.js";
import { diagonalExtents, diagonalScale, diagonalNote } from "../../lib/scales.js";
import { pairStats, nodeSizes } from "../../lib/dataset.js";
import { resolveView, globalSlice, featureCount, canToggle } from "../../lib/global.js";
import { traitCache } from "../shared/trait_cache.js";

export const TABS = ["matrix", "summary", "network"];

/** The symbol of one matrix entry in a value label ("Γ, Integrated Hessians" → "Γ"), for the notes. */
export function entrySymbol(label) {
  const m = /∂²f|Γ|ω/.exec(String(label || ""));
  return m ? m[0] : "Γ";
}

/** The main view shown: the requested tab when this widget offers it and has a batch for it. */
export function resolveTab(requested, B, tabs = TABS) {
  const t = tabs.includes(requested) ? requested : tabs[0];
  return t !== "matrix" && B < 2 ? (tabs.includes("matrix") ? "matrix" : t) : t;
}

/** @param {string[]} [tabs]  the main views this widget offers */
export function createState(model, tabs = TABS) {
  const ui = { query: "" };
  const arr = traitCache(model);
  const sampleOf = memo((M, s) => matrixSlice(M, s));
  // One memo per (B, d) trait: a row that does not have d values is treated as unknown.
  const rowMemo = () => memo((A, s, d) => { const r = rowSlice(A, s); return r && r.length === d ? r : null; });
  const [phiOf, inputsOf, baselinesOf] = [rowMemo(), rowMemo(), rowMemo()];
  const scoresOf = memo((phi, m, d) => featureScores(phi, m, d));
  const orderOf = memo((name, m, d, scores) => makeOrder(name, { m, d, scores }));
  const visibleOf = memo((order, scores, top_n, names, query) => visibleFeatures({ order, scores, top_n, names, query }));
  const extentsOf = memo((m, d, hint) => (m ? diagonalExtents(m, d, hint) : { diag: 0, off: 0 }));
  const scaleOf = memo((ext, mode, user) => diagonalScale(ext, mode, user));
  // Dataset views: mean |Γ_ij| and mean Γ_ij over the batch, once per matrix trait value; Python
  // sends them with the matrix (no pass over B·d² values here), JS computes them otherwise.
  const statsOf = memo((M, B, d) => (B >= 2 && M.shape.length === 3 ? M.pairStats || pairStats(M.data, B, d) : null));
  const sizesOf = memo((phiA, B, d, stats) => (stats ? nodeSizes(phiA.size === B * d ? phiA.data : null, B, d, stats.meanAbs) : null));
  const nonNegOf = memo((m) => !!m && m.length > 0 && isNonNegative(m));
  // The same list back for the same trait value, so drill-panel and canvas keys stay stable.
  const highlightOf = memo((hl, d) => (Array.isArray(hl) && hl.length && hl.every((k) => k >= 0 && k < d) ? hl : null));

  function derive() {
    const M = arr("matrix");
    const names = model.get("feature_names") || [];
    const B = batchSize(M);
    const d = featureCount(M, arr("global_matrix"), names);
    const G = globalSlice(arr("global_matrix"), d);
    const view = resolveView(model.get("view"), B, G != null);
    const global = view === "global";
    const sample = Math.max(0, Math.min(B - 1, model.get("sample") | 0));
    const m = global ? G : B > 0 ? sampleOf(M, sample) : null;
    const GA = global ? arr("global_matrix").absmax : M.absmax;
    const absHint = GA ? GA[global ? 0 : sample] : null;
    const phi = global ? null : phiOf(arr("attributions"), sample, d);
    const inputs = global ? null : inputsOf(arr("inputs"), sample, d);
    const baselines = global ? null : baselinesOf(arr("baselines"), sample, d);
    const orderName = model.get("order") || "given";
    const topN = Math.max(0, model.get("top_n") | 0);
    // Only ordering by attribution and top-N read the scores: at d = 1000 the row masses are a
    // full pass over the matrix that the first draw need not pay for.
    const scores = orderName === "attribution" || topN > 0 ? scoresOf(phi, m, d) : null;
    const order = orderOf(orderName, m, d, scores);
    const visible = visibleOf(order, scores, topN, names, ui.query);
    const cs = model.get("color_scale") || {};
    const pair = model.get("selected_pair") || [];
    const selected = model.get("selected");
    const hl = model.get("highlighted_set") || [];
    const valueLabel = global ? model.get("global_label") || "global over data" : model.get("value_label") || "Γ";
    const ext = extentsOf(m, d, absHint);
    const diag = scaleOf(ext, model.get("diagonal") || "auto", cs.vmax);
    const stats = statsOf(M, B, d);
    const X = arr("inputs");
    return {
      B, d, sample, m, phi, inputs, baselines, names, scores, orderName, order, topN, visible,
      view, global, canToggle: canToggle(B, G != null), highlight: highlightOf(hl, d),
      vmax: diag.vmax, vmaxAuto: diag.auto, diag, diagNote: diagonalNote(diag, ext, entrySymbol(valueLabel)), extents: ext,
      nonNegative: nonNegOf(m),
      scheme: cs.scheme || "RdBu",
      selected: Number.isInteger(selected) && selected >= 0 && selected < d ? selected : -1,
      pair: pair.length === 2 && pair.every((k) => k >= 0 && k < d) ? pair : null,
      title: model.get("title") || "", valueLabel,
      higherOrder: model.get("higher_order") || [],
      sweep: arr("sweep"), sweepFeatures: model.get("sweep_features") || [], sweepValues: arr("sweep_values"),
      // dataset views (B ≥ 2): the batch, its statistics, the per-sample inputs and φ
      tabs, tab: resolveTab(model.get("tab"), B, tabs), M: M.data, stats,
      X: X.size === B * d && B > 0 ? X.data : null, phiAll: arr("attributions").size === B * d ? arr("attributions").data : null,
      // node sizes: only the network reads them, so only a network draw pays for them
      get sizes() { return sizesOf(arr("attributions"), B, d, stats); },
      topPairs: Math.max(1, model.get("top_pairs") | 0 || 20), networkEdges: Math.max(1, model.get("network_edges") | 0 || 30),
      layoutSeed: model.get("layout_seed") | 0, dependence: model.get("dependence") === "attribution" ? "attribution" : "interaction",
      ui,
    };
  }
  return { ui, arr, derive };
}

/** Feature name for display; a missing name falls back to its index. */
export const nameOf = (view, i) => (view.names[i] != null ? String(view.names[i]) : `feature ${i}`);
