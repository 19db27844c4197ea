// CSV of the interaction-matrix view as shown: one sample or the global matrix, the drill-down
// partners, and the higher-order sets listed for the selected pair. Built from csv.js's rows
// (quoting and formula defusing live there).
import { toCSV, matrixRows, partnerRows } from "./csv.js";

const nameOf = (names, i) => (names && names[i] != null ? String(names[i]) : `feature ${i}`);

/** Partner rows of the global view: "global_ij", without the per-sample input/baseline columns. */
export function globalPartnerRows(list, i, names) {
  return [["feature", "partner", "global_ij"], ...list.map((p) => [nameOf(names, i), nameOf(names, p.j), p.value])];
}

/** Rows of the higher-order sets listed for a pair (groups from topk.setsForPair), marking the outlined one. */
export function setRows(groups, names, highlight = null) {
  const on = (s) => Array.isArray(highlight) && highlight.join() === s.members.join();
  const rows = [["set", "size", "score", "highlighted"]];
  for (const g of groups) for (const s of g.sets) rows.push([s.members.map((m) => nameOf(names, m)).join(" × "), g.order, s.score, on(s) ? 1 : 0]);
  return rows;
}

/**
 * `meta` rows (title, value, view, sample…) as "# key,value", the visible matrix, then (if a
 * feature is selected) its partner table, then (if sets are listed) the sets.
 */
export function matrixViewCSV({ m, d, order, names, meta = [], selected = -1, partnerList = [], inputs = null, baselines = null,
  global = false, setGroups = [], highlight = null }) {
  const rows = [...meta.map(([k, v]) => [`# ${k}`, v]), ...matrixRows(m, d, order, names)];
  if (selected >= 0 && partnerList.length) {
    rows.push([], ...(global ? globalPartnerRows(partnerList, selected, names) : partnerRows(partnerList, selected, names, inputs, baselines)));
  }
  if (setGroups.some((g) => g.sets.length)) rows.push([], ...setRows(setGroups, names, highlight));
  return toCSV(rows);
}
