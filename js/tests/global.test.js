import { describe, it, expect } from "vitest";
import { resolveView, globalSlice, featureCount, canToggle } from "../src/lib/global.js";
import { setsForPair, keepHighlight } from "../src/lib/topk.js";
import { globalPartnerRows, setRows, matrixViewCSV } from "../src/lib/csv_view.js";
import { decode, encode } from "../src/lib/codec.js";

describe("global view logic", () => {
  it("resolves the drawn view from the request, B and the global matrix", () => {
    expect(resolveView("global", 4, true)).toBe("global");
    expect(resolveView("sample", 4, true)).toBe("sample");
    expect(resolveView("global", 4, false)).toBe("sample"); // nothing to show globally
    expect(resolveView("sample", 0, true)).toBe("global"); // a GlobalInteractions has no samples
    expect(resolveView(undefined, 0, true)).toBe("global");
    expect(resolveView("bogus", 2, true)).toBe("sample");
  });
  it("offers the toggle only when both views exist", () => {
    expect(canToggle(3, true)).toBe(true);
    expect(canToggle(0, true)).toBe(false);
    expect(canToggle(3, false)).toBe(false);
  });
  it("reads d and the global slice from whichever trait holds them", () => {
    const M = decode(encode(new Float32Array(2 * 9), [2, 3, 3]));
    const G = decode(encode(Float32Array.from({ length: 9 }, (_, k) => k), [3, 3]));
    expect(featureCount(M, G, [])).toBe(3);
    expect(featureCount(decode(null), G, [])).toBe(3);
    expect(featureCount(decode(null), decode(null), ["a", "b"])).toBe(2);
    expect(Array.from(globalSlice(G, 3))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(globalSlice(G, 4)).toBe(null); // a d mismatch is not drawn
    expect(globalSlice(decode(null), 3)).toBe(null);
  });
});

describe("higher-order sets for a pair", () => {
  const sets = [
    { members: [0, 1, 2], score: 0.2 }, { members: [0, 1, 2, 3], score: 5 }, { members: [0, 1, 4], score: -0.7 },
    { members: [1, 2, 3], score: 9 }, { members: [0, 1, 3], score: 0.1 }, { members: [0, 1, 3, 4], score: 1 },
  ];
  it("groups by size, smallest first, each strongest |score| first", () => {
    const g = setsForPair(sets, 1, 0);
    expect(g.map((x) => x.order)).toEqual([3, 4]);
    expect(g[0].sets.map((s) => s.members)).toEqual([[0, 1, 4], [0, 1, 2], [0, 1, 3]]);
    expect(g[1].sets.map((s) => s.score)).toEqual([5, 1]);
    expect(g.map((x) => x.more)).toEqual([0, 0]);
  });
  it("caps each group and counts the rest", () => {
    const g = setsForPair(sets, 0, 1, 2);
    expect(g[0].sets.length).toBe(2);
    expect(g[0].more).toBe(1);
    expect(setsForPair(sets, 2, 4)).toEqual([]);
  });
  it("keeps a highlight only for a pair inside it", () => {
    expect(keepHighlight([0, 1, 2], [2, 0])).toEqual([0, 1, 2]);
    expect(keepHighlight([0, 1, 2], [0, 3])).toEqual([]);
    expect(keepHighlight([0, 1, 2], [])).toEqual([]);
    expect(keepHighlight(undefined, [0, 1])).toEqual([]);
  });
});

describe("CSV of the global view", () => {
  it("partner rows drop the per-sample columns and name the value global_ij", () => {
    expect(globalPartnerRows([{ j: 1, value: 0.5 }], 0, ["a", "b"])).toEqual([["feature", "partner", "global_ij"], ["a", "b", 0.5]]);
  });
  it("set rows name the members and mark the outlined set", () => {
    const groups = setsForPair([{ members: [0, 1, 2], score: 0.3 }, { members: [0, 1, 3], score: 0.9 }], 0, 1);
    expect(setRows(groups, ["a", "b", "=c", "d"], [0, 1, 2])).toEqual([
      ["set", "size", "score", "highlighted"], ["a × b × d", 3, 0.9, 0], ["a × b × =c", 3, 0.3, 1],
    ]);
    const text = matrixViewCSV({ m: new Float32Array(16), d: 4, order: [0, 1], names: ["a", "b", "=c", "d"], global: true,
      selected: 0, partnerList: [{ j: 1, value: 0 }], setGroups: groups });
    expect(text).toContain("feature,partner,global_ij\r\na,b,0\r\n");
    expect(text).toContain("set,size,score,highlighted\r\na × b × d,3,0.9,0\r\n");
  });
});
