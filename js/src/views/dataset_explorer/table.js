// DatasetExplorer's table part: filters, sortable column headers, one page of example rows and
// a pager. Clicks only commit traits (sort, filter, page, example); the source answers them.
import { h, labelled } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { fmt } from "../../lib/format.js";
import { nextSort, pageInfo, pairLabel } from "../../lib/dataset_rows.js";

const COLUMNS = [
  ["example", "example", "example"], ["prediction", "prediction", "prediction"],
  ["error", "completeness error", "abs_error"], ["pair", "strongest pair", null], ["value", "value", "abs_value"],
];

export const TABLE_CSS = `
.tw-dataset { margin-top: 8px; }
.tw-dataset table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.tw-dataset th, .tw-dataset td { padding: 1px 8px; text-align: right; border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); }
.tw-dataset td.tw-pair, .tw-dataset th.tw-pair { text-align: left; }
.tw-dataset tbody tr { cursor: pointer; }
.tw-dataset tbody tr:hover { background: var(--jp-layout-color2, #eee); }
.tw-dataset tbody tr[aria-selected=true] { background: var(--jp-brand-color3, #bbdefb); font-weight: 600; }
.tw-root .tw-dataset th button { border: 0; background: transparent; font-weight: 600; padding: 0; }
.tw-dataset-pager { display: flex; gap: 8px; align-items: center; margin-top: 4px; }
`;

const sortMark = (on, desc) => (on ? (desc ? " ▼" : " ▲") : "");

/** The table part: ({model, source}) → {el, update}. */
export function createTable({ model, source }) {
  const el = h("div", { class: "tw-dataset", "data-testid": "tw-dataset" });
  const shown = h("div", { class: "tw-muted", "data-testid": "tw-dataset-shown" });
  const feature = h("select", { "data-testid": "tw-dataset-feature" });
  const partner = h("select", { "data-testid": "tw-dataset-partner" });
  const minErr = h("input", { type: "number", min: "0", step: "any", "data-testid": "tw-dataset-min-error" });
  const lo = h("input", { type: "number", step: "any", "data-testid": "tw-dataset-pred-lo" });
  const hi = h("input", { type: "number", step: "any", "data-testid": "tw-dataset-pred-hi" });
  const errLabel = labelled("|completeness error| ≥", minErr);
  const filters = h("div", { class: "tw-controls" });
  filters.append(labelled("strongest pair with", feature), labelled("and", partner), errLabel,
    labelled("prediction from", lo), labelled("to", hi));
  const head = h("tr");
  const sortButtons = {};
  for (const [key, text, sortKey] of COLUMNS) {
    const th = h("th", { class: key === "pair" ? "tw-pair" : "" });
    if (sortKey) {
      const b = h("button", { type: "button", "data-testid": `tw-dataset-sort-${sortKey}` }, text);
      b.addEventListener("click", () => commit(model, { ...nextSort(model.get("sort_by"), !!model.get("descending"), sortKey), page: 0 }));
      sortButtons[sortKey] = [b, th, text];
      th.appendChild(b);
    } else th.textContent = text;
    head.appendChild(th);
  }
  const body = h("tbody");
  const table = h("table", { "data-testid": "tw-dataset-table" });
  const thead = h("thead");
  thead.appendChild(head);
  table.append(thead, body);
  const prev = h("button", { type: "button", "data-testid": "tw-dataset-prev" }, "◀ previous");
  const next = h("button", { type: "button", "data-testid": "tw-dataset-next" }, "next ▶");
  const info = h("span", { "data-testid": "tw-dataset-page-info" });
  const pager = h("div", { class: "tw-dataset-pager" });
  pager.append(prev, info, next);
  const note = h("div", { class: "tw-muted", "data-testid": "tw-dataset-note" });
  el.append(shown, filters, table, pager, note);

  prev.addEventListener("click", () => commit(model, { page: Math.max(0, source.page.page - 1) }));
  next.addEventListener("click", () => commit(model, { page: source.page.page + 1 }));
  const setFilter = (patch) => commit(model, { filter: { ...(model.get("filter") || {}), ...patch }, page: 0 });
  const pairOf = () => [feature.value, partner.value].filter((v) => v !== "").map(Number);
  feature.addEventListener("change", () => setFilter({ pair: pairOf() }));
  partner.addEventListener("change", () => setFilter({ pair: pairOf() }));
  const num = (input) => (input.value === "" || !Number.isFinite(Number(input.value)) ? null : Number(input.value));
  minErr.addEventListener("change", () => setFilter({ min_abs_error: num(minErr) == null ? null : Math.abs(num(minErr)) }));
  for (const input of [lo, hi]) input.addEventListener("change", () => setFilter({ prediction: [num(lo), num(hi)] }));
  body.addEventListener("click", (e) => {
    const tr = e.target.closest("tr[data-example]");
    if (tr) commit(model, { example: Number(tr.dataset.example), view: "sample" });
  });
  body.addEventListener("keydown", (e) => {
    const tr = e.target.closest("tr[data-example]");
    if (tr && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); commit(model, { example: Number(tr.dataset.example), view: "sample" }); }
  });

  let namesKey = null;
  function fillSelects(names) {
    if (namesKey === names) return;
    namesKey = names;
    for (const s of [feature, partner]) {
      s.replaceChildren(h("option", { value: "" }, "any"), ...names.map((n, k) => h("option", { value: String(k) }, n)));
    }
  }

  function update(v) {
    const names = model.get("feature_names") || [];
    fillSelects(names);
    const f = model.get("filter") || {};
    const pair = f.pair || [];
    if (document.activeElement !== feature) feature.value = pair.length ? String(pair[0]) : "";
    if (document.activeElement !== partner) partner.value = pair.length > 1 ? String(pair[1]) : "";
    if (document.activeElement !== minErr) minErr.value = f.min_abs_error == null ? "" : String(f.min_abs_error);
    const [a, b] = f.prediction || [null, null];
    if (document.activeElement !== lo) lo.value = a == null ? "" : String(a);
    if (document.activeElement !== hi) hi.value = b == null ? "" : String(b);
    const hasError = model.get("has_error") !== false;
    errLabel.classList.toggle("tw-hidden", !hasError);

    const sortBy = model.get("sort_by"), desc = !!model.get("descending");
    for (const [key, [btn, th, text]] of Object.entries(sortButtons)) {
      btn.textContent = text + sortMark(key === sortBy, desc);
      th.setAttribute("aria-sort", key === sortBy ? (desc ? "descending" : "ascending") : "none");
    }
    const p = source.page;
    const current = model.get("example");
    body.replaceChildren(...p.rows.map((r) => {
      const tr = h("tr", { "data-testid": "tw-dataset-row", "data-example": String(r[0]), tabindex: "0",
        "aria-selected": String(r[0] === current && v.view === "sample") });
      tr.append(h("td", {}, r[0]), h("td", {}, fmt(r[1])), h("td", {}, r[2] == null ? "—" : fmt(r[2])),
        h("td", { class: "tw-pair" }, pairLabel(names, r[3], r[4])), h("td", {}, fmt(r[5])));
      return tr;
    }));
    const size = model.get("page_size") || 20;
    info.textContent = pageInfo(p.total, p.page, size);
    prev.disabled = p.page <= 0;
    next.disabled = (p.page + 1) * size >= p.total;
    const n = model.get("n_examples") || 0, k = (model.get("kept") || []).length;
    note.textContent = p.from === "kernel" ? ""
      : source.kernel === "absent"
        ? `Without a kernel this view keeps the first ${k} of ${n} examples: sorting and filtering apply to those; the other ${n - k} need a live kernel.`
        : `Showing the first ${k} of ${n} examples until the kernel answers.`;
    note.dataset.kernel = source.kernel;
    shown.textContent = v.view === "sample" ? `Sample view: example ${current}` : `Global view over ${n} examples; click a row to open one example.`;
  }
  return { el, update };
}
