import { describe, it, expect } from "vitest";
import { rowScales } from "../src/lib/scales.js";
import { stack, stackAll, barGrid, hitBar, valueY, segmentRects, stepSelection } from "../src/lib/stacking.js";
import { popcount, members, subsetOrder, received, principleMarks, rasterAllocation, hitMatrix, matrixVmax, segmentRows, matrixRows, setLabel } from "../src/lib/allocation.js";

describe("stacking", () => {
  it("stacks positives up and negatives down; the net is the attribution", () => {
    const s = stack([1, -0.5, 2, 0, 0, -1, 0, 0]);
    expect(s.pos).toBe(3);
    expect(s.neg).toBe(-1.5);
    expect(s.net).toBe(1.5);
    expect(s.segs.map((x) => [x.kind, x.from, x.to])).toEqual([["own", 0, 1], ["own", 0, -0.5], ["interaction", 1, 3], ["others", -0.5, -1.5]]);
  });
  it("segments of every bar sum to the row of attributions; extent is the largest reach", () => {
    const flat = Float32Array.from({ length: 2 * 3 * 8 }, (_, k) => (k % 2 ? -(k % 5) / 4 : (k % 7) / 3));
    const st = stackAll(flat, 2, 3);
    for (let m = 0; m < 2; m++) for (let i = 0; i < 3; i++) {
      let sum = 0;
      for (let k = 0; k < 8; k++) sum += flat[(m * 3 + i) * 8 + k];
      expect(st[m][i].net).toBeCloseTo(sum, 6);
    }
    const reach = st.map((row) => row.map((s) => Math.max(s.pos, -s.neg)));
    expect(rowScales(reach, "shared")[0]).toBe(Math.max(...reach.flat()));
    expect(rowScales([[0]], "shared")).toEqual([1]);
  });
  it("hit-tests rows, columns and the segment under the pointer", () => {
    const stacks = [[stack([1, 0, 0, 0, 0, -1, 0, 0]), stack([0, 0, 1, 0, 0, 0, 0, 0])]];
    const L = barGrid({ M: 1, n: 2, width: 100, rowH: 48 });
    expect(L.colW).toBe(50);
    const yUp = valueY(L, 0, 0.5, 1), yDown = valueY(L, 0, -0.5, 1);
    expect(yUp).toBeLessThan(valueY(L, 0, 0, 1));
    expect(hitBar(L, 25, yUp, stacks, 1).seg.kind).toBe("own");
    expect(hitBar(L, 25, yDown, stacks, 1).seg.kind).toBe("others");
    expect(hitBar(L, 75, yUp, stacks, 1)).toMatchObject({ row: 0, col: 1 });
    expect(hitBar(L, 75, yUp, stacks, 1).seg.kind).toBe("interaction");
    expect(hitBar(L, 2, yUp, stacks, 1).seg).toBe(null); // beside the bar
    expect(hitBar(L, 120, yUp, stacks, 1)).toBe(null);
    const r = segmentRects(L, 0, 0, stacks[0][0], 1);
    expect(r[0].h).toBeCloseTo(r[1].h, 6);
  });
});

describe("keyboard steps", () => {
  it("moves within the grid, clamps at the edges, starts where nothing is selected", () => {
    expect(stepSelection("ArrowDown", 0, 0, 3, 4)).toEqual({ row: 1, col: 0 });
    expect(stepSelection("ArrowLeft", 0, 0, 3, 4)).toEqual({ row: 0, col: 0 });
    expect(stepSelection("ArrowRight", 2, 3, 3, 4)).toEqual({ row: 2, col: 3 });
    expect(stepSelection("ArrowUp", 0, 0, 3, 4, true)).toEqual({ row: 0, col: 0 });
    expect(stepSelection("Enter", 0, 0, 3, 4)).toBe(null);
  });
});

describe("allocation logic", () => {
  it("orders subsets by size then mask", () => {
    expect(Array.from(subsetOrder(3))).toEqual([0, 1, 2, 4, 3, 5, 6, 7]);
    expect(popcount(7)).toBe(3);
    expect(members(5, 3)).toEqual([0, 2]);
    expect(setLabel(6, 3, ["a", "b", "<c>"])).toBe("{b, <c>}");
  });
  it("lists what a player received: own, interactions it is in, effects taken from others", () => {
    // n = 2, K = 4: I = [0, 1, 2, 3]; player 0 gets its own effect, half the pair, and 0.4 of player 1's own effect.
    const I = Float64Array.from([0, 1, 2, 3]);
    const E = Float64Array.from([0, 1, 0.4, 1.5, 0, 0, 1.6, 1.5]);
    const r = received(E, I, 0, 2);
    expect(r.own).toMatchObject({ mask: 1, E: 1, share: 1 });
    expect(r.interactions.map((e) => [e.mask, e.share])).toEqual([[3, 0.5]]);
    expect(r.others.map((e) => [e.mask, e.E])).toEqual([[2, 0.4]]);
    expect(received(E, I, 1, 2).others).toEqual([]);
    expect(received(E, Float64Array.from([0, 1, 2, 0]), 0, 2).interactions[0].share).toBe(null);
  });
  it("marks P1/P2/P3 from the measured numbers (P2, P3: the larger of leak and amount)", () => {
    const mk = { method: "m", game: "baseline", P1: [0.001, 0.5], P2_leak: [0, 0.2], P2_amount: [0.02, 0], P3_leak: [0, 0], P3_amount: [0, 0] };
    const a = principleMarks(mk, 0, 0.01);
    expect([a.P1.ok, a.P2.ok, a.P3.ok]).toEqual([true, false, true]);
    expect(a.P2.value).toBe(0.02);
    expect(principleMarks(mk, 1, 0.01).P1).toMatchObject({ ok: false, value: 0.5 });
  });
  it("rasterizes I(S) on top and E below, in column order, centred at 0", () => {
    const I = Float64Array.from([0, 1, -1, 0]), E = Float64Array.from([0, 1, 0, 0, 0, 0, -1, 0]);
    const order = subsetOrder(2), out = new Uint8ClampedArray(3 * 4 * 4);
    rasterAllocation(out, E, I, 2, order, matrixVmax(E, I));
    const px = (r, c) => Array.from(out.slice((r * 4 + c) * 4, (r * 4 + c) * 4 + 4));
    expect(px(0, 0)).toEqual([247, 247, 247, 255]); // 0 → centre colour
    expect(px(0, 1)[2]).toBeGreaterThan(px(0, 1)[0]); // +1 blue
    expect(px(0, 2)[0]).toBeGreaterThan(px(0, 2)[2]); // −1 red
    expect(px(2, 2)).toEqual(px(0, 2));
    expect(hitMatrix(5, 20, 4, 16, 2, order)).toEqual({ row: 0, col: 1, mask: 1 });
    expect(hitMatrix(5, 3, 4, 16, 2, order).row).toBe(-1);
    expect(hitMatrix(5, 60, 4, 16, 2, order)).toBe(null);
  });
  it("CSV rows carry every segment and the matrix", () => {
    const seg = Float32Array.from({ length: 16 }, (_, k) => k);
    const rows = segmentRows(["a"], ["x", "y"], seg, Float32Array.from([1, 2]), 2);
    expect(rows.length).toBe(3);
    expect(rows[2].slice(0, 4)).toEqual(["a", "y", 2, 8]);
    const mr = matrixRows(Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]), Float64Array.from([0, 1, 2, 3]), 2, ["x", "y"], subsetOrder(2));
    expect(mr[0]).toEqual(["effect S", "{}", "{x}", "{y}", "{x, y}"]);
    expect(mr[3]).toEqual(["y", 4, 5, 6, 7]);
  });
});
