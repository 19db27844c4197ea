// CAM viewer controls: mode, alpha, threshold, colour map, top-k, PNG export. Native inputs,
// so all are keyboard reachable.
import { CAM_COLORMAP_NAMES } from "../../lib/cam_overlay.js";
import { h } from "../shared/dom.js";

const MODES = [["gradcam", "Grad-CAM"], ["taylorcam", "Taylor-CAM pairs"], ["partners", "partners of a cell"]];

export function buildControls({ model, set, onExport }) {
  const el = h("div", { class: "tw-controls" });
  const labelled = (text, input) => { const l = h("label", {}, text); l.appendChild(input); el.appendChild(l); return input; };
  const select = (id, options) => {
    const s = h("select", { "data-testid": id });
    s.append(...options.map(([value, text]) => h("option", { value }, text)));
    return s;
  };
  const range = (id) => h("input", { type: "range", min: "0", max: "1", step: "0.05", "data-testid": id });
  const mode = labelled("view", select("tw-cam-mode", MODES));
  const cmap = labelled("colours", select("tw-cam-colormap", CAM_COLORMAP_NAMES.map((n) => [n, n])));
  const alpha = labelled("alpha", range("tw-cam-alpha"));
  const threshold = labelled("threshold", range("tw-cam-threshold"));
  const topk = h("input", { type: "number", min: "0", max: "100", step: "1", "data-testid": "tw-cam-topk" });
  topk.style.width = "4em";
  labelled("top-k pairs", topk);
  const png = h("button", { type: "button", title: "download the current view as PNG", "data-testid": "tw-export-png" }, "PNG");
  el.appendChild(png);

  mode.addEventListener("change", () => set("mode", mode.value));
  cmap.addEventListener("change", () => set("colormap", cmap.value));
  // While dragging, repaint locally (model.set fires the change handler); send to the kernel once,
  // on release ("change"), so a drag is one message instead of dozens.
  for (const [input, key] of [[alpha, "alpha"], [threshold, "threshold"]]) {
    input.addEventListener("input", () => model.set(key, Number(input.value)));
    input.addEventListener("change", () => set(key, Number(input.value)));
  }
  topk.addEventListener("change", () => {
    const k = Math.round(Number(topk.value));
    if (Number.isFinite(k) && k >= 0 && k <= 100) set("top_k", k); else topk.value = String(model.get("top_k"));
  });
  png.addEventListener("click", () => onExport());

  return {
    el,
    update(v) {
      for (const o of mode.options) o.disabled = o.value !== "gradcam" && !v.hasPairs;
      mode.value = v.mode;
      cmap.value = v.colormap;
      if (document.activeElement !== alpha) alpha.value = String(v.alpha);
      if (document.activeElement !== threshold) threshold.value = String(v.threshold);
      if (document.activeElement !== topk) topk.value = String(v.topK);
      topk.disabled = !v.hasPairs;
    },
  };
}
