// @vitest-environment jsdom
import { describe, it, expect, beforeEach } from "vitest";
import widget from "../src/widgets/allocation_view.js";
import { encode } from "../src/lib/codec.js";
import { flush, byTestId, allByTestId, mountWidget } from "./helpers.js";

beforeEach(() => {
  document.body.replaceChildren();
  HTMLCanvasElement.prototype.getContext = () => null;
  globalThis.ResizeObserver = class { constructor() { this.disconnect = () => {}; } observe() {} };
});

// n = 2 players, K = 4 effects, M = 2 methods, B = 1: "fair" (Shapley-like) and "greedy" (takes the pair and y's effect).
function traits(extra = {}) {
  const I = [0, 1, 2, 3];
  const fair = [0, 1, 0, 1.5, 0, 0, 2, 1.5], greedy = [0, 1, 2, 3, 0, 0, 0, 0];
  const seg = (E) => {
    const out = [];
    for (let i = 0; i < 2; i++) {
      const row = E.slice(i * 4, i * 4 + 4), own = row[1 << i], inter = row[3], others = row[i ? 1 : 2], base = row[0];
      for (const x of [own, inter, others, base]) out.push(Math.max(x, 0), Math.min(x, 0));
    }
    return out;
  };
  const mark = (name, bad) => ({ method: name, game: "baseline", P1: [0], P2_leak: [bad], P2_amount: [bad], P3_leak: [bad], P3_amount: [0] });
  return {
    methods: ["fair", "greedy"], feature_names: ["<img src=x>", "y"],
    allocation: encode([...fair, ...greedy], [1, 2, 2, 4]), attributions: encode([2.5, 3.5, 6, 0], [1, 2, 2]),
    segments: encode([...seg(fair), ...seg(greedy)], [1, 2, 2, 8]), dividends: encode(I, [1, 4]), expected_dividends: encode([], [0]),
    marks: [mark("fair", 0), mark("greedy", 0.5)], tol: 0.01, skipped: { grad_cam: "no conv" }, title: "T",
    method: "", feature: -1, sample: 0, ...extra,
  };
}

function mount(t = traits()) {
  return mountWidget(widget, t);
}

describe("AllocationView view", () => {
  it("renders rows, features, marks, legend and export hooks; names as text", () => {
    const { el } = mount();
    for (const id of ["tw-alloc-row-fair", "tw-alloc-row-greedy", "tw-alloc-feature-0", "tw-alloc-feature-1", "tw-legend", "tw-export-csv", "tw-export-png"]) {
      expect(byTestId(el, id), id).not.toBe(null);
    }
    expect(el.querySelector("img")).toBe(null);
    expect(byTestId(el, "tw-alloc-feature-0").textContent).toBe("<img src=x>");
    const marks = allByTestId(el, "tw-alloc-marks");
    expect(marks.map((m) => m.textContent.includes("✗"))).toEqual([false, true]);
    expect(marks[1].querySelector("[data-principle=P2]").title).toContain("fails");
    expect(el.textContent).toContain("grad_cam");
  });

  it("a method click sets `method` and opens its matrix; a second click closes it", async () => {
    const { el, model } = mount();
    expect(byTestId(el, "tw-alloc-matrix-panel").classList.contains("tw-hidden")).toBe(true);
    byTestId(el, "tw-alloc-row-greedy").click();
    expect(model.get("method")).toBe("greedy");
    expect(model.saves).toBe(1);
    await flush();
    expect(byTestId(el, "tw-alloc-matrix-panel").classList.contains("tw-hidden")).toBe(false);
    expect(byTestId(el, "tw-alloc-matrix").width).toBeGreaterThan(0);
    byTestId(el, "tw-alloc-row-greedy").click();
    expect(model.get("method")).toBe("");
  });

  it("a feature click lists the interactions it received, per method or for the open method", async () => {
    const { el, model } = mount();
    byTestId(el, "tw-alloc-feature-0").click();
    expect(model.get("feature")).toBe(0);
    await flush();
    const rows = allByTestId(el, "tw-alloc-effect");
    expect(rows.length).toBe(1);
    expect(rows[0].textContent).toContain("{<img src=x>, y}");
    model.set("method", "greedy");
    await flush();
    const panel = byTestId(el, "tw-alloc-received");
    expect(panel.textContent).toContain("greedy");
    expect(allByTestId(el, "tw-alloc-taken").length).toBe(1); // greedy takes y's own effect
    expect(el.querySelector("img")).toBe(null);
  });

  it("arrow keys on the bars move the method and the player", async () => {
    const { el, model } = mount();
    const bars = byTestId(el, "tw-alloc-bars");
    expect(bars.getAttribute("tabindex")).toBe("0");
    const key = (k) => bars.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    key("ArrowDown");
    expect([model.get("method"), model.get("feature")]).toEqual(["fair", 0]);
    await flush();
    key("ArrowDown");
    await flush();
    key("ArrowRight");
    expect([model.get("method"), model.get("feature")]).toEqual(["greedy", 1]);
  });

  it("Escape clears the selection; CSV export holds the segments", async () => {
    const { el, model } = mount(traits({ method: "fair", feature: 1 }));
    el.querySelector(".tw-root").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(model.get("method")).toBe("");
    expect(model.get("feature")).toBe(-1);
    URL.createObjectURL = () => "blob:x"; URL.revokeObjectURL = () => {};
    const { allocationCSV } = await import("../src/views/allocation/export.js");
    const { createAllocationState } = await import("../src/views/allocation/state.js");
    model.set("method", "fair");
    const csv = allocationCSV(createAllocationState(model).derive());
    expect(csv).toContain("fair,y,3.5");
    expect(csv).toContain("# allocation matrix of fair");
  });
});
