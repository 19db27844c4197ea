// Drill-down for the selected feature: Γ_ii, φ_i, its values, partners ranked by |Γ_ij| as
// a signed bar chart, the baseline sweep (when precomputed) and higher-order sets that
// contain the selected pair. In the global view the ranking is by the global matrix and the
// sample-only parts (φ, input and baseline values, sweep) are left out. Everything comes from
// traits, so it works without a kernel.
import { partners, setsForPair, keepHighlight } from "../../lib/topk.js";
import { valueToRGBA, rgbaCss } from "../../lib/colorscale.js";
import { fmt } from "../../lib/format.js";
import { nameOf } from "./state.js";
import { h } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { drawSweep, SWEEP_COLORS } from "./sweep_chart.js";
import { createDependenceFigure } from "../dataset/dependence.js";

export const MAX_PARTNERS = 12;
export const MAX_SETS_PER_ORDER = 8;

const valueAt = (arr, i) => (arr && i >= 0 && i < arr.length ? arr[i] : NaN);
const sameSet = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, k) => x === b[k]);

export function createDrillPanel({ model }) {
  const el = h("div", { class: "tw-drill" });
  el.setAttribute("data-testid", "tw-drill");
  el.setAttribute("aria-live", "polite");
  let key = [];

  function update(v) {
    const k = [v.m, v.selected, v.pair, v.names, v.phi, v.inputs, v.baselines, v.scheme, v.vmax, v.higherOrder, v.sweep, v.highlight, v.valueLabel,
      v.stats, v.X, v.dependence, v.sample];
    if (k.length === key.length && k.every((x, j) => x === key[j])) return;
    key = k;
    el.replaceChildren();
    const i = v.selected;
    if (i < 0 || !v.m) {
      const hint = v.tab === "summary" ? "Click a row or a dot of the summary to see the pair's dependence plot and partners."
        : v.tab === "network" ? "Click a node (a feature) or an edge (a pair) to see its partners."
        : "Click a cell or a label (or focus the heatmap and use the arrow keys) to see a feature's partners.";
      el.appendChild(h("div", { class: "tw-muted" }, v.m ? hint : "No matrix to show."));
      return;
    }
    const title = h("h4", {}, nameOf(v, i));
    const clear = h("button", { class: "tw-linkbtn" }, "×");
    clear.type = "button";
    clear.style.marginLeft = "8px";
    clear.setAttribute("aria-label", "clear selection");
    clear.setAttribute("title", "clear selection (Escape on the heatmap)");
    clear.addEventListener("click", () => commit(model, { selected: -1, selected_pair: [], highlighted_set: [] }));
    // The button sits beside the heading, not in it, so the heading's text is just the name.
    const head = h("div", { class: "tw-drillhead" });
    head.append(title, clear);
    el.appendChild(head);
    const stats = h("div", { class: "tw-stats" });
    const stat = (label, value) => stats.append(h("span", { class: "tw-muted" }, label), h("span", {}, value));
    if (v.global) {
      stat("ranked by", v.valueLabel);
      stat("diagonal", fmt(v.m[i * v.d + i], 4));
    } else {
      stat("Γ_ii (main effect)", fmt(v.m[i * v.d + i], 4));
      stat("φ_i (attribution)", v.phi ? fmt(v.phi[i], 4) : "–");
      stat("input", fmt(valueAt(v.inputs, i), 4));
      stat("baseline", fmt(valueAt(v.baselines, i), 4));
    }
    el.appendChild(stats);

    const list = partners(v.m, v.d, i, MAX_PARTNERS);
    el.appendChild(partnerTable(v, i, list));
    if (v.stats) { const fig = createDependenceFigure(model, v, i); if (fig) el.appendChild(fig); }
    if (!v.global) {
      const sweepEl = drawSweep(v, i, list.slice(0, SWEEP_COLORS.length).map((p) => p.j));
      if (sweepEl) el.appendChild(sweepEl);
    }
    if (v.pair) el.appendChild(setsList(v));
  }

  function partnerTable(v, i, list) {
    const table = h("table", { class: "tw-partners" });
    const head = h("tr");
    const cols = v.global ? ["partner", "global", ""] : ["partner", "Γ_ij", "", "input", "baseline"];
    for (const t of cols) head.appendChild(h("th", { class: "tw-muted" }, t));
    table.appendChild(head);
    const maxAbs = list.reduce((a, p) => Math.max(a, Number.isFinite(p.value) ? Math.abs(p.value) : 0), 0) || 1;
    for (const p of list) {
      const tr = h("tr");
      tr.setAttribute("data-testid", "tw-partner");
      tr.dataset.feature = String(p.j);
      if (v.pair && v.pair[0] === i && v.pair[1] === p.j) tr.classList.add("tw-sel");
      const nameTd = h("td", { class: "tw-pname", title: nameOf(v, p.j) }); // the full name when it is cut
      const btn = h("button", { class: "tw-linkbtn" }, nameOf(v, p.j));
      btn.type = "button";
      btn.setAttribute("title", `select pair ${nameOf(v, i)} × ${nameOf(v, p.j)}`);
      btn.addEventListener("click", () => commit(model, { selected_pair: [i, p.j], highlighted_set: keepHighlight(model.get("highlighted_set"), [i, p.j]) }));
      nameTd.appendChild(btn);
      // Signed bar: right of the centre line for Γ_ij > 0, left for < 0.
      const bar = h("div", { class: "tw-bar" });
      const fill = h("span");
      const frac = Number.isFinite(p.value) ? Math.abs(p.value) / maxAbs / 2 : 0;
      Object.assign(fill.style, {
        width: `${(frac * 100).toFixed(1)}%`,
        left: p.value >= 0 ? "50%" : `${((0.5 - frac) * 100).toFixed(1)}%`,
        background: rgbaCss(valueToRGBA(Math.sign(p.value) * Math.max(Math.abs(p.value), 0.6 * v.vmax), v.vmax, v.scheme)),
      });
      bar.appendChild(fill);
      const barTd = h("td");
      barTd.appendChild(bar);
      tr.append(nameTd, h("td", {}, fmt(p.value, 3)), barTd);
      if (!v.global) tr.append(h("td", {}, fmt(valueAt(v.inputs, p.j))), h("td", {}, fmt(valueAt(v.baselines, p.j))));
      table.appendChild(tr);
    }
    return table;
  }

  function setsList(v) {
    const [a, b] = v.pair;
    const box = h("div", { class: "tw-setsbox" });
    if (!v.higherOrder.length) return box;
    const groups = setsForPair(v.higherOrder, a, b, MAX_SETS_PER_ORDER);
    box.appendChild(h("div", { class: "tw-muted" }, groups.length
      ? `Higher-order sets containing ${nameOf(v, a)} & ${nameOf(v, b)} (click to outline):`
      : `No higher-order set contains ${nameOf(v, a)} & ${nameOf(v, b)}.`));
    for (const g of groups) {
      const ul = h("ul", { class: "tw-sets" });
      ul.dataset.order = String(g.order);
      for (const s of g.sets) {
        const li = h("li");
        const on = sameSet(v.highlight, s.members);
        const btn = h("button", { class: `tw-linkbtn${on ? " tw-on" : ""}` }, `{${s.members.map((m) => nameOf(v, m)).join(", ")}}  ${fmt(s.score)}`);
        btn.type = "button";
        btn.setAttribute("data-testid", "tw-set");
        btn.dataset.members = s.members.join(",");
        btn.setAttribute("aria-pressed", on ? "true" : "false");
        btn.addEventListener("click", () => commit(model, { highlighted_set: on ? [] : s.members.slice() }));
        li.appendChild(btn);
        ul.appendChild(li);
      }
      if (g.more > 0) ul.appendChild(h("li", { class: "tw-muted" }, `… ${g.more} more of size ${g.order}`));
      box.appendChild(ul);
    }
    return box;
  }

  return { el, update };
}
