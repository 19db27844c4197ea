// @vitest-environment jsdom
import { describe, it, expect, beforeEach } from "vitest";
import widget from "../src/widgets/cam_viewer.js";
import { camState } from "../src/views/cam/state.js";
import { encode } from "../src/lib/codec.js";
import { mockModel, flush, byTestId, mountWidget } from "./helpers.js";

beforeEach(() => {
  document.body.replaceChildren();
  HTMLCanvasElement.prototype.getContext = () => null;
});

function camTraits(extra = {}) {
  const B = 2, H = 8, W = 8, N = 4;
  const pairs = new Float32Array(B * N * N);
  for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) pairs[b * N * N + i * N + j] = (i + 1) * (j + 1) + b;
  return {
    images: encode(new Float32Array(B * H * W * 3).fill(0.5), [B, H, W, 3]),
    gradcam: encode(Float32Array.from({ length: B * N }, (_, k) => k), [B, 2, 2]),
    strength: encode(Float32Array.from({ length: B * N }, (_, k) => 10 - k), [B, 2, 2]),
    pair_scores: encode(pairs, [B, N, N]), grid: [2, 2], labels: ['<img src=x onerror="window.__pwned=1">', "b"], title: "T",
    image_index: 0, selected_cell: -1, mode: "taylorcam", alpha: 0.5, threshold: 0, colormap: "jet", top_k: 2,
    ...extra,
  };
}

function mount(t = camTraits()) {
  return mountWidget(widget, t);
}

describe("CAMViewer view", () => {
  it("renders the contract's hooks and keeps labels as text", async () => {
    const { el } = mount();
    await flush();
    for (const id of ["tw-cam-canvas", "tw-cam-mode", "tw-cam-alpha", "tw-cam-threshold", "tw-cam-gallery-0", "tw-cam-gallery-1", "tw-export-png", "tw-legend"]) {
      expect(byTestId(el, id), id).not.toBe(null);
    }
    expect(byTestId(el, "tw-cam-canvas").getAttribute("tabindex")).toBe("0");
    expect(el.querySelector("img")).toBe(null);
    expect(byTestId(el, "tw-cam-info").textContent).toContain("<img src=x");
    expect(window.__pwned).toBeUndefined();
  });

  it("derives the map of each mode and the top pairs", () => {
    const model = mockModel(camTraits());
    let v = camState(model);
    expect(v.mode).toBe("taylorcam");
    expect([...v.map]).toEqual([10, 9, 8, 7]);
    expect(v.lines.map((p) => [p.i, p.j])).toEqual([[2, 3], [1, 3]]);
    model.set("mode", "partners");
    expect(camState(model).map).toBe(null);
    model.set("selected_cell", 1);
    model.set("image_index", 1);
    v = camState(model);
    expect([...v.map]).toEqual([3, 0, 7, 9]);
    model.set("mode", "gradcam");
    expect([...camState(model).map]).toEqual([4, 5, 6, 7]);
  });

  it("controls and the gallery only set model state", async () => {
    const { el, model } = mount();
    await flush();
    byTestId(el, "tw-cam-gallery-1").click();
    expect(model.get("image_index")).toBe(1);
    const mode = byTestId(el, "tw-cam-mode");
    mode.value = "gradcam";
    mode.dispatchEvent(new Event("change"));
    expect(model.get("mode")).toBe("gradcam");
    const alpha = byTestId(el, "tw-cam-alpha");
    alpha.value = "0.8";
    alpha.dispatchEvent(new Event("input"));
    expect(model.get("alpha")).toBe(0.8);
    expect(model.saves).toBe(2); // dragging repaints locally, no kernel message yet
    alpha.dispatchEvent(new Event("change"));
    expect(model.saves).toBe(3);
    await flush();
    expect(byTestId(el, "tw-cam-gallery-1").classList.contains("tw-sel")).toBe(true);
  });

  it("arrow keys on the canvas select cells and switch to partners", async () => {
    const { el, model } = mount();
    await flush();
    const canvas = byTestId(el, "tw-cam-canvas");
    canvas.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    expect([model.get("selected_cell"), model.get("mode")]).toEqual([0, "partners"]);
    canvas.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown" }));
    expect(model.get("selected_cell")).toBe(2);
    canvas.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(model.get("selected_cell")).toBe(-1);
  });

  it("without pair scores only Grad-CAM is offered", async () => {
    const { el } = mount(camTraits({ pair_scores: encode([], [0]), strength: encode([], [0]), mode: "gradcam" }));
    await flush();
    const opts = [...byTestId(el, "tw-cam-mode").options];
    expect(opts.filter((o) => !o.disabled).map((o) => o.value)).toEqual(["gradcam"]);
  });
});
