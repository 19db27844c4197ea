// DatasetExplorer's table without a kernel: sort, filter and page the kept rows in the browser
// with the same rules as Python (taylor_widgets/widgets/dataset_table.py), so a saved notebook
// or an HTML export browses the examples it keeps. Pure; a row is
// [example, prediction, error | null, i, j, value].

export const SORT_KEYS = ["example", "prediction", "abs_error", "abs_value"];
const COLUMN = { prediction: (r) => r[1], abs_error: (r) => (r[2] == null ? null : Math.abs(r[2])), abs_value: (r) => Math.abs(r[5]) };

/** Whether row `r` passes `filter` ({pair, min_abs_error, prediction: [lo, hi]}). */
export function passes(r, filter = {}) {
  const pair = filter.pair || [];
  if (pair.length === 1 && r[3] !== pair[0] && r[4] !== pair[0]) return false;
  if (pair.length === 2 && !((r[3] === pair[0] && r[4] === pair[1]) || (r[3] === pair[1] && r[4] === pair[0]))) return false;
  if (filter.min_abs_error != null && r[2] != null && Math.abs(r[2]) < filter.min_abs_error) return false;
  const [lo, hi] = filter.prediction || [null, null];
  if (lo != null && r[1] < lo) return false;
  if (hi != null && r[1] > hi) return false;
  return true;
}

/**
 * One page of `rows` under the table's traits; ties keep example order (a stable sort).
 * @returns {{total: number, page: number, rows: Array}} page clamped to the last one
 */
export function localPage(rows, { sortBy = "example", descending = false, filter = {}, page = 0, pageSize = 20 }) {
  let out = rows.filter((r) => passes(r, filter));
  const col = COLUMN[sortBy];
  if (col && out.length && col(out[0]) != null) {
    const sign = descending ? -1 : 1;
    out = out.map((r, k) => [r, k]).sort((a, b) => sign * (col(a[0]) - col(b[0])) || a[1] - b[1]).map(([r]) => r);
  } else if (sortBy === "example" && descending) {
    out = out.slice().reverse();
  }
  const size = Math.max(1, pageSize | 0);
  const last = Math.max(0, Math.floor((out.length - 1) / size));
  const p = Math.min(Math.max(0, page | 0), last);
  return { total: out.length, page: p, rows: out.slice(p * size, (p + 1) * size) };
}

/** "a × b" for a pair, the name alone for a single feature (j = −1). */
export function pairLabel(names, i, j) {
  const n = (k) => (names[k] != null ? String(names[k]) : `feature ${k}`);
  return j < 0 ? n(i) : `${n(i)} × ${n(j)}`;
}

/** The next sort after a click on column `key`: the same key flips; a new one starts largest first. */
export function nextSort(current, descending, key) {
  if (key === current) return { sort_by: key, descending: !descending };
  return { sort_by: key, descending: key !== "example" };
}

/** "rows 21–40 of 100000" */
export function pageInfo(total, page, size) {
  if (!total) return "no rows";
  const a = page * size + 1;
  return `rows ${a}–${Math.min(total, a + size - 1)} of ${total}`;
}
