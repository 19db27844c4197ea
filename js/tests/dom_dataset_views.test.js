// @vitest-environment jsdom
// The standalone dataset views' text: tick labels, axis title, colour-bar labels and node names
// are DOM over the canvases (the canvases draw no text on screen), inserted as text only.
import { describe, it, expect, beforeEach, vi } from "vitest";
import summaryWidget from "../src/widgets/interaction_summary.js";
import networkWidget from "../src/widgets/interaction_network.js";
import { encode } from "../src/lib/codec.js";
import { traits, gamma, byTestId, mountWidget, flush, mockModel } from "./helpers.js";
import { createSummary } from "../src/views/dataset/summary.js";
import { createNetwork } from "../src/views/dataset/network.js";
import { createState } from "../src/views/matrix/state.js";

const HOSTILE = '<img src=x onerror="globalThis.__pwned=1">';
const B = 6, d = 5;
const batch = (extra = {}) => traits(d, {
  matrix: gamma(d, B), inputs: encode(Float32Array.from({ length: B * d }, (_, k) => (k * 7) % 11), [B, d]),
  attributions: encode(Float32Array.from({ length: B * d }, (_, k) => (k % d) + 1), [B, d]),
  feature_names: ["f0", HOSTILE, "f2", "f3", "a very long feature name that cannot fit beside its node"],
  top_pairs: 4, network_edges: 5, layout_seed: 0, ...extra,
});

beforeEach(() => {
  document.body.replaceChildren();
  HTMLCanvasElement.prototype.getContext = () => null;
  globalThis.ResizeObserver = class { constructor() { this.disconnect = vi.fn(); } observe() {} };
});

describe("interaction summary text", () => {
  it("puts the ticks, the axis title and the colour bar's labels in the DOM, as text", () => {
    const { el } = mountWidget(summaryWidget, batch({ value_label: `Γ ${HOSTILE}` }));
    const axis = byTestId(el, "tw-summary-axis");
    const texts = [...axis.children].map((s) => s.textContent);
    expect(texts.length).toBeGreaterThanOrEqual(3); // ticks and the title
    expect(texts).toContain("0");
    expect(texts[texts.length - 1]).toBe(`Γ_ij of each sample (Γ ${HOSTILE})`);
    // ticks sit under the plot, left to right
    const lefts = [...axis.children].slice(0, -1).map((s) => parseFloat(s.style.left));
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    const bar = [...el.querySelectorAll(".tw-summary-bartext span")].map((s) => s.textContent);
    expect(bar).toEqual(["high", "low", "feature value"]);
    expect(el.querySelector("img")).toBeNull();
    expect(globalThis.__pwned).toBeUndefined();
  });
});

describe("interaction network names", () => {
  it("labels every drawn node in the DOM, as text, and marks the selected one", async () => {
    const { el, model } = mountWidget(networkWidget, batch());
    const canvas = byTestId(el, "tw-network-canvas");
    const names = [...byTestId(el, "tw-network-names").children];
    expect(names.length).toBe(Number(canvas.dataset.nodes));
    expect(names.map((s) => s.textContent)).toContain(HOSTILE);
    expect(el.querySelector("img")).toBeNull();
    // each name starts right of its node's centre, at the node's height
    const layout = JSON.parse(canvas.dataset.layout);
    names.forEach((s, k) => {
      expect(parseFloat(s.style.left)).toBeGreaterThan(layout[k][1]);
      expect(parseFloat(s.style.top)).toBeCloseTo(layout[k][2], 0);
      expect(s.style.maxWidth).toBe("104px");
    });
    model.set("selected", 3);
    await flush();
    const sel = [...byTestId(el, "tw-network-names").children].filter((s) => s.classList.contains("tw-sel"));
    expect(sel.map((s) => s.textContent)).toEqual(["f3"]);
  });
});

/** A 2D context that records the text it is asked to draw (jsdom has no canvas). */
function recordingContext() {
  const texts = [];
  const ctx = new Proxy({ texts }, {
    get(t, k) {
      if (k === "texts") return texts;
      if (k === "fillText") return (s) => texts.push(String(s));
      if (k === "measureText") return (s) => ({ width: String(s).length * 6 });
      if (k in t) return t[k];
      return typeof k === "string" && /^[a-z]/.test(k) ? () => ({ addColorStop() {} }) : undefined;
    },
    set(t, k, v) { t[k] = v; return true; },
  });
  return ctx;
}

describe("dataset views' PNG painters", () => {
  it("paint on screen no text, and in the export the ticks, axis title and node names", () => {
    const model = mockModel(batch());
    const v = createState(model, ["summary", "network"]).derive();
    const summary = createSummary({ model });
    summary.update(v, 900);
    const snap = summary.snapshot();
    const screen = recordingContext();
    snap.paint(screen, false);
    expect(screen.texts).toEqual([]);
    const png = recordingContext();
    snap.paint(png);
    expect(png.texts).toContain("0");
    expect(png.texts).toContain("Γ_ij of each sample (Γ)");
    const network = createNetwork({ model });
    network.update(v, 700);
    const nsnap = network.snapshot();
    const nscreen = recordingContext();
    nsnap.paint(nscreen, "#222", false);
    expect(nscreen.texts).toEqual([]);
    const npng = recordingContext();
    nsnap.paint(npng);
    expect(npng.texts).toContain("f3");
    expect(npng.texts.length).toBe(Number(network.el.querySelector("canvas").dataset.nodes));
  });
});
