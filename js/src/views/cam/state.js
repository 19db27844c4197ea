// CAMViewer traits → everything one repaint needs. DOM-free; the arrays are decoded once per
// trait value (the shared trait cache), so a click re-slices but decodes nothing.
import { cellCount } from "../../lib/cam_geometry.js";
import { mapMax, partnerRow, topPairs } from "../../lib/cam_overlay.js";
import { traitCache } from "../shared/trait_cache.js";

export const CAM_TRAITS = ["images", "gradcam", "strength", "pair_scores", "grid", "labels", "title", "map_labels",
  "image_index", "selected_cell", "mode", "alpha", "threshold", "colormap", "top_k"];
const QUANTITY = { gradcam: "Grad-CAM", taylorcam: "Taylor-CAM strength Σⱼ TC(i, j)", partners: "TC(i, ·)" };

/** A deriver of the view state from `model`; `camState(model)` is the one-off form. */
export function createCamState(model) {
  const arr = traitCache(model);
  return () => {
    const images = arr("images");
    const [B, H, W] = images.size ? images.shape : [0, 0, 0];
    const grid = model.get("grid") || [0, 0];
    const N = cellCount(grid);
    const b = Math.min(Math.max(0, model.get("image_index") | 0), Math.max(0, B - 1));
    const slice = (a, per) => (a.size ? a.data.subarray(b * per, (b + 1) * per) : null);
    const pairs = slice(arr("pair_scores"), N * N);
    const mode = pairs ? model.get("mode") : "gradcam";
    const cell = model.get("selected_cell");
    let map = null;
    if (mode === "gradcam") map = slice(arr("gradcam"), N);
    else if (mode === "taylorcam") map = slice(arr("strength"), N);
    else if (cell >= 0 && cell < N) map = partnerRow(pairs, N, cell);
    return {
      B, H, W, grid, N, b, images, image: images.size ? images.data.subarray(b * H * W * 3, (b + 1) * H * W * 3) : null,
      pairs, hasPairs: !!pairs, mode, cell, map, vmax: map ? mapMax(map) : 0,
      alpha: model.get("alpha"), threshold: model.get("threshold"), colormap: model.get("colormap"),
      topK: model.get("top_k"), labels: model.get("labels") || [], title: model.get("title") || "",
      lines: mode === "taylorcam" && pairs ? topPairs(pairs, N, model.get("top_k")) : [],
      quantity: (model.get("map_labels") || {})[mode] || QUANTITY[mode] || mode,
    };
  };
}

/** Everything one repaint needs, derived from the traits. */
export const camState = (model) => createCamState(model)();
