// AllocationView on the shared frame: a sample picker and exports, the bars (one row per method),
// and the panels of the open method and player. Clicks only commit state; the frame repaints.
import { mountFrame } from "../shared/frame.js";
import { h, labelled } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { ALLOCATION_CSS } from "./styles.js";
import { createAllocationState } from "./state.js";
import { createBars } from "./bars.js";
import { createMatrixPanel, createReceivedPanel } from "./panels.js";
import { exportAllocationCSV, exportAllocationPNG } from "./export.js";

export const ALLOCATION_TRAITS = ["methods", "feature_names", "allocation", "attributions", "segments", "dividends",
  "expected_dividends", "marks", "tol", "skipped", "title", "method", "feature", "sample", "bar_scale", "robust"];

export function mountAllocation({ model, el }) {
  const state = createAllocationState(model);
  return mountFrame({
    model, el, traits: ALLOCATION_TRAITS, css: ALLOCATION_CSS, width: 900,
    build(frame) {
      const { root, title, status } = frame;
      const sampleSel = h("select", { "data-testid": "tw-sample", "aria-label": "input" });
      const sampleLabel = labelled("input", sampleSel);
      const csvBtn = h("button", { type: "button", "data-testid": "tw-export-csv" }, "CSV");
      const pngBtn = h("button", { type: "button", "data-testid": "tw-export-png" }, "PNG");
      const scaleSel = h("select", { "data-testid": "tw-alloc-scale-mode", "aria-label": "bar scale: one per method row, or shared by all rows" });
      scaleSel.append(h("option", { value: "row" }, "per method row"), h("option", { value: "shared" }, "shared by all rows"));
      const robust = h("input", { type: "checkbox", "data-testid": "tw-alloc-robust" });
      const robustLabel = labelled("robust (99th pct)", robust, { title: "scale by the 99th percentile of the bars instead of the longest, so that one bar cannot flatten the rest" });
      const controls = h("div", { class: "tw-controls" });
      controls.append(sampleLabel, labelled("scale", scaleSel), robustLabel, csvBtn, pngBtn);
      scaleSel.addEventListener("change", () => commit(model, { bar_scale: scaleSel.value }));
      robust.addEventListener("change", () => commit(model, { robust: robust.checked }));
      const skipped = h("div", { class: "tw-alloc-note" });
      const bars = createBars({ model, root });
      const matrix = createMatrixPanel({ model });
      const rec = createReceivedPanel();
      const panels = h("div", { class: "tw-alloc-panels" });
      panels.append(rec.el, matrix.el);

      let v = null, sampleKey = -1;
      sampleSel.addEventListener("change", () => commit(model, { sample: +sampleSel.value }));
      csvBtn.addEventListener("click", () => v && exportAllocationCSV(v, root));
      pngBtn.addEventListener("click", () => v && exportAllocationPNG(v, bars, matrix.canvas(), root));
      root.addEventListener("keydown", (e) => {
        if (e.key === "Escape") commit(model, { method: "", feature: -1 });
      });

      function update(width) {
        v = state.derive();
        title.textContent = v.title;
        if (v.empty) { status.show({ text: "Nothing to show: the audit holds no method results." }); return; }
        if (sampleKey !== v.B) {
          sampleKey = v.B;
          sampleSel.replaceChildren(...Array.from({ length: v.B }, (_, b) => h("option", { value: String(b) }, String(b))));
        }
        sampleLabel.classList.toggle("tw-hidden", v.B < 2);
        sampleSel.value = String(v.sample);
        scaleSel.value = v.barScale;
        robust.checked = v.robust;
        bars.update(v, width);
        matrix.update(v, width);
        rec.update(v);
        const sk = Object.entries(v.skipped);
        skipped.textContent = sk.length ? `not applicable: ${sk.map(([k, r]) => `${k} (${r})`).join("; ")}` : "";
        status.show({ text: "" });
      }
      return { nodes: [title, controls, status.el, bars.el, skipped, panels], update };
    },
  });
}
