import { describe, it, expect } from "vitest";
import { localPage, passes, pairLabel, nextSort, pageInfo } from "../src/lib/dataset_rows.js";

// [example, prediction, error, i, j, value]
const ROWS = [
  [0, 0.5, 0.01, 0, 1, -2.0],
  [1, -1.0, -0.3, 1, 2, 0.5],
  [2, 2.0, null, 2, 0, 3.0],
  [3, 0.5, 0.2, 0, 2, -0.5],
];

describe("dataset rows without a kernel", () => {
  it("filters by a feature of the strongest pair, by an exact pair in either order, by |error| and prediction", () => {
    expect(ROWS.filter((r) => passes(r, { pair: [0] })).map((r) => r[0])).toEqual([0, 2, 3]);
    expect(ROWS.filter((r) => passes(r, { pair: [2, 0] })).map((r) => r[0])).toEqual([2, 3]);
    // a missing error (null) is not filtered out by an error bound, as in Python
    expect(ROWS.filter((r) => passes(r, { min_abs_error: 0.2 })).map((r) => r[0])).toEqual([1, 2, 3]);
    expect(ROWS.filter((r) => passes(r, { prediction: [0, 1] })).map((r) => r[0])).toEqual([0, 3]);
    expect(ROWS.filter((r) => passes(r, { prediction: [null, 0] })).map((r) => r[0])).toEqual([1]);
  });

  it("sorts by |value| and prediction, ties in example order both ways", () => {
    const ids = (o) => localPage(ROWS, o).rows.map((r) => r[0]);
    expect(ids({ sortBy: "abs_value", descending: true })).toEqual([2, 0, 1, 3]);
    expect(ids({ sortBy: "prediction" })).toEqual([1, 0, 3, 2]);
    expect(ids({ sortBy: "prediction", descending: true })).toEqual([2, 0, 3, 1]);
    expect(ids({ sortBy: "example", descending: true })).toEqual([3, 2, 1, 0]);
  });

  it("pages and clamps the page to the last one", () => {
    expect(localPage(ROWS, { pageSize: 3, page: 1 })).toEqual({ total: 4, page: 1, rows: [ROWS[3]] });
    expect(localPage(ROWS, { pageSize: 3, page: 9 }).page).toBe(1);
    expect(localPage(ROWS, { pageSize: 3, filter: { pair: [1, 1] } })).toEqual({ total: 0, page: 0, rows: [] });
    expect(pageInfo(4, 1, 3)).toBe("rows 4–4 of 4");
    expect(pageInfo(0, 0, 3)).toBe("no rows");
  });

  it("names pairs and single features, and flips the sort on the same column", () => {
    expect(pairLabel(["a", "<b>"], 0, 1)).toBe("a × <b>");
    expect(pairLabel(["a"], 0, -1)).toBe("a");
    expect(nextSort("abs_value", true, "abs_value")).toEqual({ sort_by: "abs_value", descending: false });
    expect(nextSort("example", false, "prediction")).toEqual({ sort_by: "prediction", descending: true });
  });
});
