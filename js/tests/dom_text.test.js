// @vitest-environment jsdom
import { describe, it, expect, beforeEach } from "vitest";
import widget from "../src/widgets/text_interactions.js";
import { encode } from "../src/lib/codec.js";
import { textCSV } from "../src/views/text/export.js";
import { createTextState } from "../src/views/text/state.js";
import { flush, byTestId, allByTestId, mountWidget, mockModel } from "./helpers.js";

const HOSTILE = "<img src=x onerror=alert(1)>";

beforeEach(() => {
  document.body.replaceChildren();
  HTMLCanvasElement.prototype.getContext = () => null;
  globalThis.ResizeObserver = class { constructor() { this.disconnect = () => {}; } observe() {} };
});

// B = 2, T = 3; sentence 1 is padded to 2 tokens. Γ_01 = 2, Γ_02 = −1, Γ_12 = 0.5 in sentence 0.
function traits(extra = {}) {
  const G = [0, 2, -1, 2, 0, 0.5, -1, 0.5, 0, /* sentence 1 */ 0, 3, 0, 3, 0, 0, 0, 0, 0];
  const A = [1, 2.5, -0.5, 3, 3, 0];
  return {
    interactions: encode(G, [2, 3, 3]), attributions: encode(A, [2, 3]), tokens: [[HOSTILE, "not", "good"], ["very", "bad"]],
    title: "T", value_label: "Γ, Integrated Hessians", sentence: 0, selected: -1, top_k: 2, scheme: "RdBu", ...extra,
  };
}

describe("TextInteractions view", () => {
  it("renders tokens as text (a hostile token stays text), the legend and the arcs' pairs", async () => {
    const { el } = mountWidget(widget, traits());
    await flush();
    const toks = allByTestId(el, "tw-token-0").concat(allByTestId(el, "tw-token-1"), allByTestId(el, "tw-token-2"));
    expect(toks.map((t) => t.textContent)).toEqual([HOSTILE, "not", "good"]);
    expect(el.querySelector("img")).toBeNull();
    expect(byTestId(el, "tw-legend").dataset.quantity).toBe("attribution");
    expect(byTestId(el, "tw-legend").dataset.vmax).toBe("2.5");
    expect(byTestId(el, "tw-text").dataset.pairs).toBe("0-1,0-2");
    expect(byTestId(el, "tw-sample").options.length).toBe(2);
    expect(byTestId(el, "tw-sample").options[0].textContent).toContain(HOSTILE);
  });
  it("a click selects a token (again: clears), the legend switches to its row of Γ", async () => {
    const { el, model } = mountWidget(widget, traits());
    await flush();
    const area = byTestId(el, "tw-text");
    const b = byTestId(el, "tw-token-1");
    const x = parseFloat(b.style.left) + 2, y = parseFloat(b.style.top) + 2;
    area.dispatchEvent(new MouseEvent("click", { clientX: x, clientY: y, bubbles: true }));
    await flush();
    expect(model.get("selected")).toBe(1);
    expect(model.saves).toBe(1);
    expect(byTestId(el, "tw-legend").dataset.quantity).toBe("interaction");
    expect(byTestId(el, "tw-legend").textContent).toContain("“not”");
    expect(byTestId(el, "tw-token-0").dataset.value).toBe("2");
    expect(byTestId(el, "tw-text-info").textContent).toContain(HOSTILE);
    area.dispatchEvent(new MouseEvent("click", { clientX: x, clientY: y, bubbles: true }));
    expect(model.get("selected")).toBe(-1);
  });
  it("hover previews a token's row without touching the model", async () => {
    const { el, model } = mountWidget(widget, traits());
    await flush();
    const b = byTestId(el, "tw-token-2");
    byTestId(el, "tw-text").dispatchEvent(new MouseEvent("mousemove", { clientX: parseFloat(b.style.left) + 1, clientY: parseFloat(b.style.top) + 1 }));
    await flush();
    expect(byTestId(el, "tw-legend").dataset.quantity).toBe("interaction");
    expect(model.saves).toBe(0);
    expect(model.get("selected")).toBe(-1);
  });
  it("arrow keys move the selection, Escape clears it", async () => {
    const { el, model } = mountWidget(widget, traits());
    await flush();
    const area = byTestId(el, "tw-text");
    const key = (k) => area.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    key("ArrowRight");
    expect(model.get("selected")).toBe(0);
    key("ArrowRight"); key("ArrowRight"); key("ArrowRight");
    expect(model.get("selected")).toBe(2);
    key("Escape");
    expect(model.get("selected")).toBe(-1);
  });
  it("the sentence picker switches sentence and clears the selection; padding is not drawn", async () => {
    const { el, model } = mountWidget(widget, traits({ selected: 1 }));
    await flush();
    const sel = byTestId(el, "tw-sample");
    sel.value = "1";
    sel.dispatchEvent(new Event("change"));
    await flush();
    expect(model.get("sentence")).toBe(1);
    expect(model.get("selected")).toBe(-1);
    expect(byTestId(el, "tw-token-2")).toBeNull();
    expect(byTestId(el, "tw-token-1").textContent).toBe("bad");
    expect(byTestId(el, "tw-text").dataset.pairs).toBe("0-1");
  });
  it("top-k and scheme commit; CSV holds the sentence shown", async () => {
    const { el, model } = mountWidget(widget, traits());
    await flush();
    const k = byTestId(el, "tw-text-topk");
    k.value = "1"; k.dispatchEvent(new Event("change"));
    await flush();
    expect(byTestId(el, "tw-text").dataset.pairs).toBe("0-1");
    k.value = "-4"; k.dispatchEvent(new Event("change"));
    expect(model.get("top_k")).toBe(1);
    const csv = textCSV(createTextState(mockModel(traits({ selected: 0 }))).derive());
    expect(csv).toContain(`0,${HOSTILE},1,0`);
    expect(csv).toContain("1,not,2.5,2");
  });
});
