// anywidget entry for AllocationView (bundled to taylor_widgets/static/allocation_view.js).
// render() wires the parts to the model: clicks commit state, change handlers repaint.
import { observeWidth } from "../views/resize.js";
import { injectStyles } from "../views/styles.js";
import { injectAllocationStyles } from "../views/allocation_styles.js";
import { createAllocationState, commit } from "../views/allocation_state.js";
import { createBars, h } from "../views/allocation_bars.js";
import { createMatrixPanel, createReceivedPanel } from "../views/allocation_panels.js";
import { exportAllocationCSV, exportAllocationPNG } from "../views/allocation_export.js";

export const ALLOCATION_TRAITS = ["methods", "feature_names", "allocation", "attributions", "segments", "dividends",
  "expected_dividends", "marks", "tol", "skipped", "title", "method", "feature", "sample"];

export function mountAllocation({ model, el }) {
  const root = h("div", "tw-root", { "data-lm-suppress-shortcuts": "true" });
  injectStyles(root);
  injectAllocationStyles(root);
  const state = createAllocationState(model);
  const title = h("div", "tw-title");
  const controls = h("div", "tw-controls");
  const sampleSel = h("select", "", { "data-testid": "tw-sample", "aria-label": "input" });
  const sampleLabel = h("label", "", {}, "input ");
  sampleLabel.appendChild(sampleSel);
  const csvBtn = h("button", "", { type: "button", "data-testid": "tw-export-csv" }, "CSV");
  const pngBtn = h("button", "", { type: "button", "data-testid": "tw-export-png" }, "PNG");
  controls.append(sampleLabel, csvBtn, pngBtn);
  const status = h("div", "tw-status", { "data-testid": "tw-status", role: "status" });
  const skipped = h("div", "tw-alloc-note");
  const bars = createBars({ model, root });
  const matrix = createMatrixPanel({ model });
  const rec = createReceivedPanel();
  const panels = h("div", "tw-alloc-panels");
  panels.append(rec.el, matrix.el);
  root.append(title, controls, status, bars.el, skipped, panels);
  el.appendChild(root);

  let width = el.clientWidth || 900, scheduled = false, disposed = false, v = null, sampleKey = -1;
  sampleSel.addEventListener("change", () => commit(model, { sample: +sampleSel.value }));
  csvBtn.addEventListener("click", () => v && exportAllocationCSV(v, root));
  pngBtn.addEventListener("click", () => v && exportAllocationPNG(v, bars, matrix.canvas(), root));
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape") commit(model, { method: "", feature: -1 });
  });

  function flush() {
    scheduled = false;
    if (disposed) return;
    try {
      v = state.derive();
      title.textContent = v.title;
      if (v.empty) { status.textContent = "Nothing to show: the audit holds no method results."; return; }
      if (sampleKey !== v.B) {
        sampleKey = v.B;
        sampleSel.replaceChildren(...Array.from({ length: v.B }, (_, b) => h("option", "", { value: String(b) }, String(b))));
      }
      sampleLabel.classList.toggle("tw-hidden", v.B < 2);
      sampleSel.value = String(v.sample);
      bars.update(v, width);
      matrix.update(v, width);
      rec.update(v);
      const sk = Object.entries(v.skipped);
      skipped.textContent = sk.length ? `not applicable: ${sk.map(([k, r]) => `${k} (${r})`).join("; ")}` : "";
      status.textContent = "";
    } catch (err) {
      console.error("taylor_widgets allocation view:", err);
      status.textContent = `Cannot draw this view: ${err && err.message ? err.message : err}`;
    }
  }
  const invalidate = () => { if (!scheduled && !disposed) { scheduled = true; queueMicrotask(flush); } };
  for (const t of ALLOCATION_TRAITS) model.on(`change:${t}`, invalidate);
  const stopResize = observeWidth(el, () => width, (w) => { width = w; invalidate(); });
  flush();
  return { cleanup: () => { disposed = true; stopResize(); }, root };
}

export default {
  render({ model, el }) {
    return mountAllocation({ model, el }).cleanup;
  },
};
