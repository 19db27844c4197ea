// Feature orderings. Every one is deterministic (ties go to the lower index) so the same
// data always draws the same picture, in the notebook and in its HTML export.

export const ORDERS = ["given", "attribution", "cluster"];
export const LINKAGE_MAX = 1200; // n² float64 similarity matrix: ~11 MB at this size

export const orderGiven = (d) => Array.from({ length: d }, (_, k) => k);

/** Indices sorted by score descending (ties: lower index first). */
export function orderByScore(scores) {
  return orderGiven(scores.length).sort((a, b) => scores[b] - scores[a] || a - b);
}

/** Symmetrised |Γ| off the diagonal: how strongly two features interact, either way round. */
function similarity(m, d) {
  const s = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const a = Math.abs(m[i * d + j]), b = Math.abs(m[j * d + i]);
      const v = ((Number.isFinite(a) ? a : 0) + (Number.isFinite(b) ? b : 0)) / 2;
      s[i * d + j] = v;
      s[j * d + i] = v;
    }
  }
  return s;
}

/**
 * Average-linkage clustering of |Γ| with the nearest-neighbour chain (O(d²) time), returned
 * as the dendrogram's leaf order. Average linkage is reducible, so the chain finds the same
 * merges as the greedy algorithm. Children are laid out by their smallest feature index.
 */
export function orderAverageLinkage(m, d) {
  if (d <= 2) return orderGiven(d);
  const s = similarity(m, d);
  const size = new Int32Array(d).fill(1);
  const active = new Uint8Array(d).fill(1);
  const members = Array.from({ length: d }, (_, k) => [k]); // leaf order of the cluster in slot k
  let left = d;
  const chain = [];
  while (left > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1];
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1;
    // Prefer the previous chain element on ties: that is what guarantees termination.
    let best = prev, bestVal = prev >= 0 ? s[a * d + prev] : -Infinity;
    for (let c = 0; c < d; c++) {
      if (!active[c] || c === a || c === prev) continue;
      const v = s[a * d + c];
      if (v > bestVal) { bestVal = v; best = c; }
    }
    if (best !== prev) { chain.push(best); continue; }
    chain.length -= 2;
    const [keep, drop] = a < prev ? [a, prev] : [prev, a];
    const na = size[keep], nb = size[drop];
    for (let k = 0; k < d; k++) {
      if (!active[k] || k === keep || k === drop) continue;
      const v = (na * s[keep * d + k] + nb * s[drop * d + k]) / (na + nb);
      s[keep * d + k] = v;
      s[k * d + keep] = v;
    }
    const [first, second] = members[keep][0] < members[drop][0] ? [members[keep], members[drop]] : [members[drop], members[keep]];
    members[keep] = first.concat(second);
    members[drop] = null;
    size[keep] = na + nb;
    active[drop] = 0;
    left--;
  }
  return members[active.indexOf(1)];
}

/**
 * Greedy seriation for very large d (O(d²), no d² buffer): start at the feature with the
 * largest interaction mass, then repeatedly take the unplaced feature most tied to the
 * recently placed ones (exponentially decayed), so strongly coupled blocks stay together.
 */
export function orderSeriation(m, d) {
  if (d <= 2) return orderGiven(d);
  const abs = (v) => (Number.isFinite(v) ? Math.abs(v) : 0);
  const mass = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) mass[i] += abs(m[i * d + j]);
  const placed = new Uint8Array(d);
  const pull = new Float64Array(d);
  const out = [];
  let cur = orderByScore(mass)[0];
  for (;;) {
    placed[cur] = 1;
    out.push(cur);
    if (out.length === d) break;
    let best = -1, bestVal = -Infinity;
    for (let j = 0; j < d; j++) {
      if (placed[j]) continue;
      pull[j] = 0.5 * pull[j] + (abs(m[cur * d + j]) + abs(m[j * d + cur])) / 2;
      // Tie-break by mass so a fresh block starts at its strongest feature.
      const v = pull[j] + 1e-12 * mass[j];
      if (v > bestVal) { bestVal = v; best = j; }
    }
    cur = best;
  }
  return out;
}

/** Cluster ordering of a (d, d) slice: linkage where affordable, seriation beyond. */
export function orderCluster(m, d) {
  return d <= LINKAGE_MAX ? orderAverageLinkage(m, d) : orderSeriation(m, d);
}

/**
 * Row scores used by "attribution" order and top-N: |φ_i| when known, else the row mass
 * Σ_j |Γ_ij| (the contract's fallback when attributions are missing).
 */
export function featureScores(phi, m, d) {
  const out = new Float64Array(d);
  if (phi && phi.length === d) {
    for (let i = 0; i < d; i++) out[i] = Number.isFinite(phi[i]) ? Math.abs(phi[i]) : 0;
    return out;
  }
  if (!m) return out;
  for (let i = 0; i < d; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) { const v = Math.abs(m[i * d + j]); if (Number.isFinite(v)) t += v; }
    out[i] = t;
  }
  return out;
}

/** Full ordering of all d features for an order name. */
export function makeOrder(name, { m, d, scores }) {
  if (name === "attribution") return orderByScore(scores);
  if (name === "cluster" && m) return orderCluster(m, d);
  return orderGiven(d);
}
