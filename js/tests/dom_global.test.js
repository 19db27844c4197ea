// @vitest-environment jsdom
// The global-over-data view and higher-order sets, as the user drives them in the DOM.
import { describe, it, expect, beforeEach } from "vitest";
import widget from "../src/widgets/interaction_matrix.js";
import explorer from "../src/widgets/explorer.js";
import { encode } from "../src/lib/codec.js";
import { traits, flush, byTestId, allByTestId, mountWidget } from "./helpers.js";

beforeEach(() => {
  document.body.replaceChildren();
  HTMLCanvasElement.prototype.getContext = () => null;
  globalThis.ResizeObserver = class { observe() {} disconnect() {} };
});

function mount(t, w = widget) {
  return mountWidget(w, t);
}

// Two samples whose rankings differ from the global one: sample 0 ranks feature 0's partners
// 1, 2, 3; the global matrix ranks them 3, 2, 1.
const d = 4;
function sampleMatrices() {
  const a = new Float32Array(2 * d * d);
  for (let b = 0; b < 2; b++) for (let j = 1; j < d; j++) { a[b * 16 + j] = a[b * 16 + j * d] = (4 - j) * (b + 1); }
  return encode(a, [2, d, d]);
}
const globalMatrix = () => {
  const g = new Float32Array(d * d);
  for (let j = 1; j < d; j++) g[j] = g[j * d] = j / 10;
  return encode(g, [d, d]);
};
const SETS = [{ members: [0, 1, 2], score: 0.4 }, { members: [0, 1, 3], score: 0.9 }, { members: [0, 1, 2, 3], score: 0.05 }, { members: [1, 2, 3], score: 2 }];
const withGlobal = (extra = {}) => traits(d, {
  matrix: sampleMatrices(), attributions: encode(new Float32Array(2 * d).fill(1), [2, d]),
  inputs: encode(new Float32Array(2 * d).fill(7), [2, d]), baselines: encode(new Float32Array(2 * d), [2, d]),
  global_matrix: globalMatrix(), global_label: "mean |Γ| over 2 samples", view: "sample", highlighted_set: [], ...extra,
});
const partnerOrder = (el) => allByTestId(el, "tw-partner").map((r) => r.dataset.feature);

describe("sample ↔ global toggle", () => {
  it("is shown with both views; switching commits `view` and redraws from the global matrix", async () => {
    const { el, model } = mount(withGlobal({ selected: 0 }));
    const toggle = byTestId(el, "tw-view");
    expect(toggle.closest("label").classList.contains("tw-hidden")).toBe(false);
    expect(toggle.value).toBe("sample");
    expect(partnerOrder(el)).toEqual(["1", "2", "3"]);
    expect(byTestId(el, "tw-drill").textContent).toContain("input");
    toggle.value = "global";
    toggle.dispatchEvent(new Event("change"));
    expect(model.get("view")).toBe("global");
    expect(model.saves).toBe(1);
    await flush();
    expect(partnerOrder(el)).toEqual(["3", "2", "1"]); // ranked by the global values
    const drill = byTestId(el, "tw-drill");
    expect([...drill.querySelectorAll("th")].map((t) => t.textContent)).toEqual(["partner", "global", ""]);
    expect(drill.textContent).not.toContain("φ_i");
    expect(drill.textContent).toContain("ranked by");
    expect(el.querySelector(".tw-title").textContent).toBe("T — mean |Γ| over 2 samples");
    expect(byTestId(el, "tw-legend").getAttribute("aria-label")).toMatch(/^mean \|Γ\| over 2 samples: colour scale from 0 to 0\.3/);
    expect(byTestId(el, "tw-heatmap").dataset.view).toBe("global");
    // the sample picker only means something for one sample
    expect(byTestId(el, "tw-sample").closest("label").classList.contains("tw-hidden")).toBe(true);
    model.set("view", "sample");
    await flush();
    expect(byTestId(el, "tw-sample").closest("label").classList.contains("tw-hidden")).toBe(false);
    expect(partnerOrder(el)).toEqual(["1", "2", "3"]);
  });

  it("is hidden without a global matrix, and for a global-only widget (B = 0), which draws the global matrix", async () => {
    const { el } = mount(traits(d, { view: "sample" }));
    expect(byTestId(el, "tw-view").closest("label").classList.contains("tw-hidden")).toBe(true);
    const only = mount(traits(d, {
      matrix: encode([], [0]), attributions: encode([], [0]), inputs: encode([], [0]), baselines: encode([], [0]),
      global_matrix: globalMatrix(), global_label: "mean |∂²f| over 500 samples", view: "global", selected: 0,
    }));
    expect(byTestId(only.el, "tw-view").closest("label").classList.contains("tw-hidden")).toBe(true);
    expect(only.el.querySelectorAll(".tw-rowlabel").length).toBe(d);
    expect(partnerOrder(only.el)).toEqual(["3", "2", "1"]);
    expect(only.el.querySelector(".tw-title").textContent).toContain("mean |∂²f| over 500 samples");
  });

  it("CSV exports the global view: its label, the global values and the listed sets", async () => {
    const { el } = mount(withGlobal({ view: "global", selected: 0, selected_pair: [0, 1], higher_order: SETS, highlighted_set: [0, 1, 3] }));
    let blob = null;
    URL.createObjectURL = (b) => { blob = b; return "blob:x"; };
    URL.revokeObjectURL = () => {};
    HTMLAnchorElement.prototype.click = () => {};
    byTestId(el, "tw-export-csv").click();
    const text = await new Promise((res) => { const r = new FileReader(); r.onload = () => res(r.result); r.readAsText(blob); });
    expect(text).toContain("# value,mean |Γ| over 2 samples\r\n# view,global\r\n# samples,2\r\n");
    expect(text).toContain("f0,0,0.10000000149011612,0.20000000298023224,0.30000001192092896\r\n");
    expect(text).toContain("feature,partner,global_ij\r\nf0,f3,0.30000001192092896\r\n");
    expect(text).toContain("set,size,score,highlighted\r\nf0 × f1 × f3,3,0.9,1\r\nf0 × f1 × f2,3,0.4,0\r\nf0 × f1 × f2 × f3,4,0.05,0\r\n");
  });
});

describe("higher-order sets", () => {
  it("a pair lists its sets grouped by size; clicking one sets highlighted_set, clicking again clears it", async () => {
    const { el, model } = mount(withGlobal({ view: "global", higher_order: SETS, selected: 0, selected_pair: [0, 1] }));
    const groups = [...byTestId(el, "tw-drill").querySelectorAll(".tw-sets")];
    expect(groups.map((g) => g.dataset.order)).toEqual(["3", "4"]);
    const buttons = allByTestId(el, "tw-set");
    expect(buttons.map((b) => b.dataset.members)).toEqual(["0,1,3", "0,1,2", "0,1,2,3"]);
    expect(buttons[0].textContent).toBe("{f0, f1, f3}  0.9");
    buttons[0].click();
    expect(model.get("highlighted_set")).toEqual([0, 1, 3]);
    await flush();
    expect(byTestId(el, "tw-heatmap").dataset.highlight).toBe("0,1,3");
    expect(allByTestId(el, "tw-set")[0].getAttribute("aria-pressed")).toBe("true");
    allByTestId(el, "tw-set")[0].click();
    expect(model.get("highlighted_set")).toEqual([]);
  });

  it("a highlight set from Python is drawn; picking a pair outside it clears it, inside keeps it; Escape clears", async () => {
    const { el, model } = mount(withGlobal({ higher_order: SETS, selected: 0, highlighted_set: [0, 1, 3] }));
    expect(byTestId(el, "tw-heatmap").dataset.highlight).toBe("0,1,3");
    const partner = (j) => allByTestId(el, "tw-partner").find((r) => r.dataset.feature === String(j)).querySelector("button");
    partner(3).click();
    expect(model.get("selected_pair")).toEqual([0, 3]);
    expect(model.get("highlighted_set")).toEqual([0, 1, 3]);
    await flush();
    partner(2).click();
    expect(model.get("highlighted_set")).toEqual([]);
    model.set("highlighted_set", [1, 2, 3]);
    await flush();
    byTestId(el, "tw-heatmap").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(model.get("highlighted_set")).toEqual([]);
    expect(model.get("selected")).toBe(-1);
  });

  it("caps a long list per size and says how many more", async () => {
    const many = Array.from({ length: 12 }, (_, k) => ({ members: [0, 1, 2 + (k % 2)], score: k }));
    const { el } = mount(withGlobal({ higher_order: many, selected: 0, selected_pair: [0, 1] }));
    expect(allByTestId(el, "tw-set").length).toBe(8);
    expect(byTestId(el, "tw-drill").textContent).toContain("… 4 more of size 3");
  });
});

describe("Explorer in the global view", () => {
  it("marks the baseline editor as applying to every sample", async () => {
    const t = withGlobal({
      baseline: encode([0, 0, 0, 0]), baseline_kind: "zeros", baseline_sample: 0, data_range: encode([], [0]),
      kernel_hint: "", status: { state: "idle", message: "", progress: 1 },
    });
    const { el, model } = mount(t, explorer);
    const note = byTestId(el, "tw-global-note");
    expect(note.classList.contains("tw-hidden")).toBe(true);
    model.set("view", "global");
    await flush();
    expect(note.classList.contains("tw-hidden")).toBe(false);
    expect(note.textContent).toContain("applies to all 2 samples");
    expect(byTestId(el, "tw-baseline-input-0")).not.toBe(null); // still editable: one baseline for all samples
  });
});
