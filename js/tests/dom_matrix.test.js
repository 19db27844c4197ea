// @vitest-environment jsdom
import { describe, it, expect, beforeEach, vi } from "vitest";
import widget from "../src/widgets/interaction_matrix.js";
import { mountMatrix } from "../src/views/matrix/mount.js";
import { encode } from "../src/lib/codec.js";
import { mockModel, traits, flush, byTestId, allByTestId, mountWidget } from "./helpers.js";

let observers;
beforeEach(() => {
  document.body.replaceChildren();
  // jsdom has neither a 2D canvas nor ResizeObserver; the view must cope with both missing.
  HTMLCanvasElement.prototype.getContext = () => null;
  observers = [];
  globalThis.ResizeObserver = class { constructor(cb) { this.cb = cb; this.disconnect = vi.fn(); observers.push(this); } observe() {} };
});

function mount(t = traits()) {
  return mountWidget(widget, t);
}

describe("InteractionMatrix view", () => {
  it("renders the contract's hooks", () => {
    const { el } = mount();
    for (const id of ["tw-heatmap", "tw-legend", "tw-drill", "tw-status", "tw-export-png", "tw-export-csv", "tw-order", "tw-topn", "tw-search", "tw-sample"]) {
      expect(byTestId(el, id), id).not.toBe(null);
    }
    expect(byTestId(el, "tw-heatmap").getAttribute("tabindex")).toBe("0");
    expect(el.querySelector(".tw-root").getAttribute("data-lm-suppress-shortcuts")).toBe("true");
    expect(allByTestId(el, "tw-label-0").length).toBe(1);
    expect(el.querySelectorAll(".tw-tick").length).toBeGreaterThan(2);
  });

  it("legend runs from −vmax for signed Γ and from 0 for a non-negative matrix", () => {
    const { el } = mount();
    expect(byTestId(el, "tw-legend").dataset.low).not.toBe("0"); // gamma() has negative entries
    const abs = encode(Float32Array.from({ length: 16 }, (_, k) => (k % 5) * 0.25), [1, 4, 4]);
    const { el: el2 } = mount(traits(4, { matrix: abs }));
    const legend = byTestId(el2, "tw-legend");
    expect(legend.dataset.low).toBe("0");
    expect(legend.getAttribute("aria-label")).toMatch(/from 0 to 1/);
    expect([...legend.querySelectorAll(".tw-tick")].some((t) => t.textContent.startsWith("−") || t.textContent.startsWith("-"))).toBe(false);
  });

  it("renders untrusted feature names as text only", () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const t = traits(3, { feature_names: [evil, "a,b", "=1+1"], title: "<b>t</b>" });
    const { el, model } = mount(t);
    expect(el.querySelector("img")).toBe(null);
    expect(el.querySelector("b")).toBe(null);
    expect(byTestId(el, "tw-label-0").textContent).toBe(evil);
    model.set("selected", 1);
    return flush().then(() => {
      expect(el.querySelector("img")).toBe(null);
      expect(byTestId(el, "tw-drill").textContent).toContain(evil);
    });
  });

  it("a label click only sets model state; the change handler repaints the drill panel", async () => {
    const { el, model } = mount();
    byTestId(el, "tw-label-2").click();
    expect(model.get("selected")).toBe(2);
    expect(model.get("selected_pair")).toEqual([]);
    expect(model.saves).toBe(1);
    await flush();
    const rows = allByTestId(el, "tw-partner");
    // |Γ_2j| = 3(j + 1)/10: partners by size are 3, 1, 0.
    expect(rows.map((r) => r.dataset.feature)).toEqual(["3", "1", "0"]);
    expect(byTestId(el, "tw-drill").textContent).toContain("f2");
  });

  it("cell click selects the row feature and the pair, honouring the current order", async () => {
    const { el, model } = mount(traits(4, { order: "attribution" })); // φ = 1..4 → order 3,2,1,0
    const canvas = byTestId(el, "tw-heatmap");
    canvas.getBoundingClientRect = () => ({ left: 10, top: 20, width: 200, height: 200, right: 210, bottom: 220 });
    canvas.dispatchEvent(new MouseEvent("click", { clientX: 10 + 160, clientY: 20 + 10, bubbles: true }));
    expect(model.get("selected")).toBe(3);
    expect(model.get("selected_pair")).toEqual([3, 0]);
  });

  it("keyboard: arrows move the selection, Escape clears", async () => {
    const { el, model } = mount();
    const canvas = byTestId(el, "tw-heatmap");
    const key = (k) => canvas.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    key("ArrowDown");
    expect(model.get("selected_pair")).toEqual([0, 0]);
    await flush();
    key("ArrowRight");
    await flush();
    key("ArrowDown");
    expect(model.get("selected_pair")).toEqual([1, 1]);
    expect(model.get("selected")).toBe(1);
    await flush();
    key("Escape");
    expect(model.get("selected")).toBe(-1);
    expect(model.get("selected_pair")).toEqual([]);
  });

  it("search filters labels locally; no match is reported in tw-status", async () => {
    const { el, model } = mount(traits(5, { feature_names: ["Age", "income", "age2", "zip", "x"] }));
    const search = byTestId(el, "tw-search");
    search.value = "AGE";
    search.dispatchEvent(new Event("input"));
    await flush();
    expect(el.querySelectorAll(".tw-rowlabel").length).toBe(2);
    search.value = "nothing";
    search.dispatchEvent(new Event("input"));
    await flush();
    expect(byTestId(el, "tw-status").textContent).toContain("No feature matches");
    expect(model.saves).toBe(0); // search is view state, not a trait
  });

  it("controls write traits: top-N, order, sample, scheme, vmax", async () => {
    const t = traits(4);
    t.matrix = encode(new Float32Array(2 * 16).map((_, k) => k % 5), [2, 4, 4]);
    const { el, model } = mount(t);
    const set = (id, v) => { const e = byTestId(el, id); e.value = v; e.dispatchEvent(new Event("change")); };
    set("tw-topn", "2");
    expect(model.get("top_n")).toBe(2);
    set("tw-order", "cluster");
    expect(model.get("order")).toBe("cluster");
    expect(byTestId(el, "tw-sample").closest("label").classList.contains("tw-hidden")).toBe(false);
    set("tw-sample", "1");
    expect(model.get("sample")).toBe(1);
    const [scheme, vmax] = [byTestId(el, "tw-scheme"), byTestId(el, "tw-vmax")];
    scheme.value = "PiYG"; scheme.dispatchEvent(new Event("change"));
    expect(model.get("color_scale")).toEqual({ vmax: null, scheme: "PiYG" });
    vmax.value = "0.5"; vmax.dispatchEvent(new Event("change"));
    expect(model.get("color_scale")).toEqual({ vmax: 0.5, scheme: "PiYG" });
    await flush();
    expect(el.querySelectorAll(".tw-rowlabel").length).toBe(2);
  });

  it("lists higher-order sets for the selected pair; clicking one highlights it", async () => {
    const sets = [{ members: [0, 1, 2], score: 0.3 }, { members: [1, 2, 3], score: -0.9 }, { members: [0, 2, 3], score: 1 }];
    const { el, model } = mount(traits(4, { higher_order: sets, selected: 1, selected_pair: [1, 2] }));
    const buttons = [...byTestId(el, "tw-drill").querySelectorAll(".tw-sets button")];
    expect(buttons.map((b) => b.textContent)).toEqual(["{f1, f2, f3}  −0.9", "{f0, f1, f2}  0.3"]);
    buttons[0].click();
    await flush();
    expect(byTestId(el, "tw-drill").querySelector(".tw-sets button").getAttribute("aria-pressed")).toBe("true");
    model.set("selected_pair", [0, 3]);
    await flush();
    expect(byTestId(el, "tw-drill").textContent).toContain("{f0, f2, f3}");
  });

  it("CSV export holds the numbers of the current view", async () => {
    const { model, el } = mount(traits(3, { selected: 0, feature_names: ["a", "b", "c"] }));
    let blob = null;
    URL.createObjectURL = (b) => { blob = b; return "blob:x"; };
    URL.revokeObjectURL = () => {};
    const clicked = [];
    HTMLAnchorElement.prototype.click = function () { clicked.push(this.download); };
    byTestId(el, "tw-export-csv").click();
    expect(clicked).toEqual(["T.csv"]);
    const text = await new Promise((res) => { const r = new FileReader(); r.onload = () => res(r.result); r.readAsText(blob); });
    expect(text).toContain("feature,a,b,c\r\n");
    expect(text).toContain("feature,partner,gamma_ij,partner_input,partner_baseline");
    expect(model.saves).toBe(0);
  });

  it("cleanup disconnects the ResizeObserver and stops repainting", async () => {
    const model = mockModel(traits());
    const el = document.createElement("div");
    const { cleanup } = mountMatrix({ model, el });
    expect(observers.length).toBe(1);
    cleanup();
    expect(observers[0].disconnect).toHaveBeenCalled();
    const before = el.innerHTML;
    model.set("selected", 2);
    await flush();
    expect(el.innerHTML).toBe(before);
  });
});

describe("drill-down panel", () => {
  it("partner click selects the pair; the clear button empties the selection", async () => {
    const { el, model } = mount(traits(4, { selected: 2 }));
    const first = byTestId(el, "tw-partner");
    expect(first.dataset.feature).toBe("3");
    first.querySelector("button").click();
    expect(model.get("selected_pair")).toEqual([2, 3]);
    await flush();
    expect(byTestId(el, "tw-partner").classList.contains("tw-sel")).toBe(true);
    byTestId(el, "tw-drill").querySelector('button[aria-label="clear selection"]').click();
    expect(model.get("selected")).toBe(-1);
    expect(model.get("selected_pair")).toEqual([]);
  });
  it("shows the stats and a sweep chart only for swept features", async () => {
    const d = 3, K = 4;
    const sweep = encode(Float32Array.from({ length: 1 * K * d }, (_, k) => k), [1, K, d]);
    const { el, model } = mount(traits(d, { selected: 1, sweep, sweep_features: [1], sweep_values: encode([0, 1, 2, 3], [1, K]) }));
    const drill = byTestId(el, "tw-drill");
    expect(drill.querySelector("figure figcaption").textContent).toContain("f1");
    expect(drill.textContent).toContain("Γ_ii (main effect)");
    expect(drill.querySelector("h4").textContent).toBe("f1");
    expect(drill.textContent).toContain("0.4"); // Γ_11 = 2·2/10
    model.set("selected", 0);
    await flush();
    expect(drill.querySelector("figure")).toBe(null);
  });
});

describe("sample picker", () => {
  it("switches to a number field for many samples and keeps one tw-sample hook", async () => {
    const t = traits(2);
    t.matrix = encode(new Float32Array(300 * 4), [300, 2, 2]);
    const { el, model } = mount(t);
    const hooks = allByTestId(el, "tw-sample");
    expect(hooks.length).toBe(1);
    expect(hooks[0].tagName).toBe("INPUT");
    hooks[0].value = "999";
    hooks[0].dispatchEvent(new Event("change"));
    expect(model.get("sample")).toBe(299); // clamped to B - 1
  });
  it("is hidden for a single sample", () => {
    const { el } = mount();
    expect(byTestId(el, "tw-sample").closest("label").classList.contains("tw-hidden")).toBe(true);
  });
});
