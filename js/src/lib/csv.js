// CSV of what the view shows (RFC 4180). Feature names are untrusted: they may hold
// commas, quotes and newlines, and a leading = + - @ (or tab/CR) makes spreadsheets
// evaluate the cell as a formula, so such text cells get a leading single quote.

const FORMULA = /^[=+\-@\t\r]/;

/** One CSV field. Numbers are written in full precision; strings are defused then quoted. */
export function csvCell(v) {
  if (v == null) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  let s = String(v);
  if (FORMULA.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (arrays of values) → CSV text with CRLF line ends. */
export const toCSV = (rows) => rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";

const nameOf = (names, i) => (names && names[i] != null ? String(names[i]) : `feature ${i}`);

/** The visible sub-matrix: a header row of column names, then one row per visible feature. */
export function matrixRows(m, d, order, names) {
  const rows = [["feature", ...order.map((j) => nameOf(names, j))]];
  for (const i of order) rows.push([nameOf(names, i), ...order.map((j) => m[i * d + j])]);
  return rows;
}

/** Drill-down rows for feature i: each partner with Γ_ij and the input/baseline values. */
export function partnerRows(list, i, names, inputs, baselines) {
  const val = (arr, k) => (arr && arr.length > k ? arr[k] : null);
  const rows = [["feature", "partner", "gamma_ij", "partner_input", "partner_baseline"]];
  for (const p of list) rows.push([nameOf(names, i), nameOf(names, p.j), p.value, val(inputs, p.j), val(baselines, p.j)]);
  return rows;
}

/**
 * CSV of the current view: the visible matrix, then (if a feature is selected) a blank
 * line and its partner table. `meta` rows (title, sample, order) go first as key,value.
 */
export function viewCSV({ m, d, order, names, meta = [], selected = -1, partnerList = [], inputs = null, baselines = null }) {
  const rows = [...meta.map(([k, v]) => [`# ${k}`, v]), ...matrixRows(m, d, order, names)];
  if (selected >= 0 && partnerList.length) rows.push([], ...partnerRows(partnerList, selected, names, inputs, baselines));
  return toCSV(rows);
}
