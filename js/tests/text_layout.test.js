import { describe, it, expect } from "vitest";
import { layoutTokens, topPairs, arcGeometry, arcWidth, tokenValues, tokenColors, stepToken, tokenAt, textRows, pairValue, TEXT_LAYOUT }
  from "../src/lib/text_layout.js";
import { toCSV } from "../src/lib/csv.js";

const L = TEXT_LAYOUT;

describe("layoutTokens", () => {
  it("places tokens left to right with the gap, each box its text width plus padding", () => {
    const { boxes, lines, height } = layoutTokens([10, 20, 30], 1000);
    expect(lines).toBe(1);
    expect(boxes.map((b) => b.x)).toEqual([L.pad, L.pad + 10 + L.tokenPad + L.gap, L.pad + 10 + 20 + 2 * (L.tokenPad + L.gap)]);
    expect(boxes.map((b) => b.w)).toEqual([10 + L.tokenPad, 20 + L.tokenPad, 30 + L.tokenPad]);
    expect(boxes.every((b) => b.y === L.pad + L.arcSpace && b.h === L.tokenHeight)).toBe(true);
    expect(height).toBe(2 * L.pad + L.arcSpace + L.tokenHeight + L.lineGap);
  });
  it("wraps at the width, keeping an arc band above each line, and never wraps before the first token", () => {
    const w = 100 - L.tokenPad; // each box 100 px: a second needs 8 + 100 + 6 + 100 + 8 = 222 > 220
    const { boxes, lines } = layoutTokens([w, w, w], 220);
    expect(lines).toBe(3);
    const step = L.arcSpace + L.tokenHeight + L.lineGap;
    expect(boxes.map((b) => [b.x, b.y, b.line])).toEqual([[L.pad, L.pad + L.arcSpace, 0], [L.pad, L.pad + L.arcSpace + step, 1],
      [L.pad, L.pad + L.arcSpace + 2 * step, 2]]);
    const two = layoutTokens([w, w, w], 2 * 100 + L.gap + 2 * L.pad);
    expect(two.boxes.map((b) => b.line)).toEqual([0, 0, 1]);
    const long = layoutTokens([5000], 300); // an over-long token stays on line 0 and widens the layout
    expect(long.boxes[0].line).toBe(0);
    expect(long.width).toBe(L.pad + 5000 + L.tokenPad + L.pad);
    expect(layoutTokens([], 300)).toMatchObject({ boxes: [], lines: 0 });
  });
  it("tokenAt finds the box under a point, −1 in gaps", () => {
    const { boxes } = layoutTokens([10, 10], 500);
    expect(tokenAt(boxes, boxes[1].x + 1, boxes[1].y + 1)).toBe(1);
    expect(tokenAt(boxes, boxes[0].x + boxes[0].w + 1, boxes[0].y + 1)).toBe(-1);
    expect(tokenAt(boxes, boxes[0].x + 1, boxes[0].y - 1)).toBe(-1);
  });
});

// T = 4 with a padded sentence of n = 3: Γ_01 = 1, Γ_02 = −3, Γ_12 = 2, and a huge pair with the pad (index 3).
const T = 4;
const m = new Float32Array(T * T);
const put = (i, j, v) => { m[i * T + j] = v; m[j * T + i] = v; };
put(0, 1, 1); put(0, 2, -3); put(1, 2, 2); put(0, 3, 100); put(0, 0, 50);

describe("topPairs", () => {
  it("ranks pairs i < j < n by |Γ|, strongest first, leaves out the diagonal and the padding", () => {
    expect(topPairs(m, T, 3, 2)).toEqual([{ i: 0, j: 2, value: -3 }, { i: 1, j: 2, value: 2 }]);
    expect(topPairs(m, T, 3, 10).length).toBe(3);
    expect(topPairs(m, T, 3, 0)).toEqual([]);
  });
  it("symmetrises an asymmetric matrix and drops zero pairs; ties go by (i, j)", () => {
    const a = new Float32Array([0, 2, 0, 0, 0, 1, 1, 0, 0]);
    expect(pairValue(a, 3, 0, 1)).toBe(1);
    expect(topPairs(a, 3, 3, 5)).toEqual([{ i: 0, j: 1, value: 1 }, { i: 0, j: 2, value: 0.5 }, { i: 1, j: 2, value: 0.5 }]);
    expect(topPairs(new Float32Array(9), 3, 3, 5)).toEqual([]);
    const tie = new Float32Array([0, 1, 1, 1, 0, 1, 1, 1, 0]);
    expect(topPairs(tie, 3, 3, 3).map((p) => [p.i, p.j])).toEqual([[0, 1], [0, 2], [1, 2]]);
  });
});

describe("arcs", () => {
  it("rise above the higher token, a third of their distance high, capped by the band", () => {
    const a = { x: 0, y: 60, w: 20, h: 24 }, b = { x: 60, y: 60, w: 20, h: 24 };
    const g = arcGeometry(a, b);
    expect([g.x0, g.y0, g.x1, g.y1]).toEqual([10, 60, 70, 60]);
    expect(g.peak).toBe(60 - (6 + 60 / 3));
    // the quadratic's top point (t = ½) is the peak
    expect((g.y0 + 2 * g.cy + g.y1) / 4).toBeCloseTo(g.peak, 10);
    const far = arcGeometry(a, { ...b, x: 900 });
    expect(far.peak).toBe(60 - (L.arcSpace - 4));
    const twoLines = arcGeometry(a, { ...b, y: 136 });
    expect(twoLines.peak).toBeLessThan(60);
    expect(twoLines.y1).toBe(136);
  });
  it("width grows with |Γ| from 1 to 5 px", () => {
    expect(arcWidth(0, 2)).toBe(1);
    expect(arcWidth(-2, 2)).toBe(5);
    expect(arcWidth(1, 2)).toBe(3);
  });
});

describe("token colours", () => {
  const attr = new Float32Array([2, -1, 0.5, 9]);
  it("colour by attribution on ±max |φ| over the sentence (not the padding)", () => {
    const v = tokenValues({ m, attr, T, n: 3, selected: -1 });
    expect(v).toEqual({ values: [2, -1, 0.5], vmax: 2, quantity: "attribution" });
  });
  it("with a token selected, by its row of Γ; the scale leaves out Γ_ii", () => {
    const v = tokenValues({ m, attr, T, n: 3, selected: 0 });
    expect(v.quantity).toBe("interaction");
    expect(v.values).toEqual([50, 1, -3]);
    expect(v.vmax).toBe(3);
  });
  it("RdBu: positive blue, negative red, zero near white; strong values get white text", () => {
    const pos = tokenColors(3, 3).rgba, neg = tokenColors(-3, 3).rgba, zero = tokenColors(0, 3).rgba;
    expect(pos[2]).toBeGreaterThan(pos[0]);
    expect(neg[0]).toBeGreaterThan(neg[2]);
    expect(zero.slice(0, 3)).toEqual([247, 247, 247]);
    expect(tokenColors(3, 3).text).toBe("#fff");
    expect(tokenColors(0.1, 3).text).toBe("#111");
  });
});

describe("keyboard", () => {
  const { boxes } = layoutTokens([90, 90, 90, 90], 1000);
  it("arrows step along the sentence and clamp; Home/End; from none any arrow picks 0", () => {
    expect(stepToken(-1, "ArrowRight", boxes)).toBe(0);
    expect(stepToken(-1, "a", boxes)).toBe(null);
    expect(stepToken(0, "ArrowLeft", boxes)).toBe(0);
    expect(stepToken(1, "ArrowRight", boxes)).toBe(2);
    expect(stepToken(3, "ArrowRight", boxes)).toBe(3);
    expect(stepToken(2, "Home", boxes)).toBe(0);
    expect(stepToken(0, "End", boxes)).toBe(3);
    expect(stepToken(0, "Escape", boxes)).toBe(null);
  });
  it("up/down go to the nearest token of the next line", () => {
    const wide = layoutTokens([20, 20, 20, 20, 20, 20], 8 + 3 * (32 + 6) + 8).boxes; // three a line
    expect(wide.map((b) => b.line)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(stepToken(1, "ArrowDown", wide)).toBe(4);
    expect(stepToken(5, "ArrowUp", wide)).toBe(2);
    expect(stepToken(1, "ArrowUp", wide)).toBe(1); // no line above: stays
  });
});

describe("CSV", () => {
  it("holds tokens (defused), attributions, the selected row and the pairs", () => {
    const attr = new Float32Array([2, -1, 0.5, 0]);
    const tokens = ["=cmd()", "not", "good"];
    const csv = toCSV(textRows({ title: "t", sentence: 0, tokens, attr, m, T, selected: 2, pairs: topPairs(m, T, 3, 1), valueLabel: "Γ" }));
    expect(csv).toContain("0,'=cmd(),2,-3\r\n");
    expect(csv).toContain("1,not,-1,2\r\n");
    expect(csv).toContain("interaction with 2");
    expect(csv).toContain("0,2,'=cmd(),good,-3\r\n");
  });
});
