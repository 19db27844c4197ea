import { describe, it, expect } from "vitest";
import { topN, searchFilter, visibleFeatures, partners, setsContainingPair } from "../src/lib/topk.js";

const names = ["Age", "income", "AGE_sq", "zip, code", "<b>x</b>"];

describe("topk", () => {
  it("top-N keeps the n best-scored features in the current order", () => {
    const order = [4, 3, 2, 1, 0], scores = [5, 1, 4, 0, 3];
    expect(topN(order, scores, 3)).toEqual([4, 2, 0]);
    expect(topN(order, scores, 0)).toEqual(order);
    expect(topN(order, scores, 99)).toEqual(order);
  });
  it("search is a case-insensitive substring filter", () => {
    expect(searchFilter([0, 1, 2, 3, 4], names, "age")).toEqual([0, 2]);
    expect(searchFilter([2, 0], names, " AGE ")).toEqual([2, 0]);
    expect(searchFilter([0, 1], names, "")).toEqual([0, 1]);
    expect(searchFilter([3, 4], names, "<b>")).toEqual([4]);
    expect(searchFilter([0, 1], names, "zzz")).toEqual([]);
  });
  it("visibleFeatures composes order, top-N and search", () => {
    expect(visibleFeatures({ order: [0, 1, 2, 3, 4], scores: [5, 1, 4, 0, 3], top_n: 2, names, query: "age" })).toEqual([0, 2]);
  });
  it("partners rank by |Γ_ij|, signed values kept, i excluded", () => {
    const m = new Float32Array([9, -3, 1, 2, -3, 5, 0, 1, 1, 0, 7, 0, 2, 1, 0, 4]);
    expect(partners(m, 4, 0)).toEqual([{ j: 1, value: -3 }, { j: 3, value: 2 }, { j: 2, value: 1 }]);
    expect(partners(m, 4, 1, 2)).toEqual([{ j: 0, value: -3 }, { j: 3, value: 1 }]);
    expect(partners(m, 4, 2).map((p) => p.j)).toEqual([0, 1, 3]); // ties at 1 then 0s by index
    expect(partners(m, 4, -1)).toEqual([]);
  });
  it("finds the higher-order sets containing a pair, strongest first", () => {
    const sets = [{ members: [0, 1, 2], score: 0.1 }, { members: [1, 2, 3], score: -0.5 }, { members: [0, 2, 3], score: 1 }];
    expect(setsContainingPair(sets, 2, 1).map((s) => s.index)).toEqual([1, 0]);
    expect(setsContainingPair(sets, 0, 3).map((s) => s.score)).toEqual([1]);
    expect(setsContainingPair(sets, 1, 1)).toEqual([]);
    expect(setsContainingPair([], 0, 1)).toEqual([]);
  });
});
