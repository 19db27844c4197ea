// Filters over an ordering, and the drill-down rankings. All pure; nothing here copies Γ.

/** Keep, in their current order, only the `n` features with the largest scores (0 = all). */
export function topN(order, scores, n) {
  if (!(n > 0) || n >= order.length) return order.slice();
  const keep = new Set(
    order.slice().sort((a, b) => scores[b] - scores[a] || a - b).slice(0, n),
  );
  return order.filter((i) => keep.has(i));
}

/** Case-insensitive substring filter on feature names; an empty query keeps everything. */
export function searchFilter(order, names, query) {
  const q = String(query ?? "").trim().toLowerCase();
  if (!q) return order.slice();
  return order.filter((i) => String(names[i] ?? `feature ${i}`).toLowerCase().includes(q));
}

/** The visible features: order → top-N → search. The selected feature is not forced in. */
export function visibleFeatures({ order, scores, top_n, names, query }) {
  return searchFilter(topN(order, scores, top_n), names, query);
}

/**
 * Partners of feature i ranked by |Γ_ij| descending (j ≠ i; ties: lower index).
 * @returns {{j:number, value:number}[]} at most k entries (k = 0: all)
 */
export function partners(m, d, i, k = 0) {
  if (!m || !(i >= 0 && i < d)) return [];
  const out = [];
  for (let j = 0; j < d; j++) if (j !== i) out.push({ j, value: m[i * d + j] });
  const mag = (v) => (Number.isFinite(v) ? Math.abs(v) : -1);
  out.sort((a, b) => mag(b.value) - mag(a.value) || a.j - b.j);
  return k > 0 ? out.slice(0, k) : out;
}

/** Higher-order sets whose members include both a and b, strongest |score| first. */
export function setsContainingPair(sets, a, b) {
  if (!Array.isArray(sets) || a == null || b == null || a === b) return [];
  return sets
    .map((s, index) => ({ ...s, index }))
    .filter((s) => Array.isArray(s.members) && s.members.includes(a) && s.members.includes(b))
    .sort((x, y) => Math.abs(y.score) - Math.abs(x.score) || x.index - y.index);
}

/**
 * Sets containing a and b grouped by size (3, 4, …), each group strongest |score| first;
 * at most `per` sets per group (0 = all), with `more` counting the rest.
 * @returns {{order: number, sets: object[], more: number}[]}
 */
export function setsForPair(sets, a, b, per = 0) {
  const groups = new Map();
  for (const s of setsContainingPair(sets, a, b)) {
    const k = s.members.length;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(s);
  }
  return [...groups.keys()].sort((x, y) => x - y).map((order) => {
    const all = groups.get(order);
    const shown = per > 0 ? all.slice(0, per) : all;
    return { order, sets: shown, more: all.length - shown.length };
  });
}

/** The highlighted set to keep when the user picks `pair`: kept only if it holds both features. */
export function keepHighlight(highlight, pair) {
  if (!Array.isArray(highlight) || highlight.length === 0 || !Array.isArray(pair) || pair.length !== 2) return [];
  return pair.every((k) => highlight.includes(k)) ? highlight : [];
}
