import { describe, it, expect } from "vitest";
import { computeLayout, backingSize, legendY, MAX_LABELLED } from "../src/lib/layout.js";
import { cellAt, hitCell, cellRect, positionOf, stepCell } from "../src/lib/hittest.js";

describe("layout", () => {
  it("uses whole-pixel cells and labels for small d", () => {
    const l = computeLayout({ n: 10, width: 800, maxNameLength: 10 });
    expect(l.showLabels).toBe(true);
    expect(Number.isInteger(l.cell)).toBe(true);
    expect(l.cell).toBe(32); // capped at maxCell
    expect(l.plot).toBe(320);
    expect(l.width).toBe(l.labelW + l.plot + l.legendW);
  });
  it("drops labels past MAX_LABELLED features or when rows get too thin", () => {
    expect(computeLayout({ n: MAX_LABELLED + 1, width: 2000 }).showLabels).toBe(false);
    expect(computeLayout({ n: 60, width: 300 }).showLabels).toBe(false);
    expect(computeLayout({ n: 60, width: 900 }).showLabels).toBe(true);
  });
  it("gives d = 1000 a sub-pixel cell in a bounded plot", () => {
    const l = computeLayout({ n: 1000, width: 900 });
    expect(l.cell).toBeLessThan(1);
    expect(l.plot).toBeLessThanOrEqual(720);
    expect(l.cell * 1000).toBeCloseTo(l.plot);
  });
  it("keeps a minimum plot size in a narrow container", () => {
    expect(computeLayout({ n: 5, width: 50 }).plot).toBeGreaterThanOrEqual(160 - 5);
  });
  it("computes the backing store size and legend positions", () => {
    expect(backingSize(300, 2)).toBe(600);
    expect(backingSize(3000, 3)).toBe(4096);
    expect(legendY(1, 200)).toBe(0);
    expect(legendY(0.5, 200)).toBe(100);
  });
});

describe("hittest", () => {
  it("maps points to cells and rejects points outside", () => {
    expect(cellAt(0, 0, 4, 100)).toEqual({ row: 0, col: 0 });
    expect(cellAt(99.9, 26, 4, 100)).toEqual({ row: 1, col: 3 });
    expect(cellAt(100, 5, 4, 100)).toBe(null);
    expect(cellAt(-1, 5, 4, 100)).toBe(null);
  });
  it("accounts for a canvas displayed at a different (scaled) size and offset", () => {
    const order = [3, 1, 0, 2];
    // Layout says 100 px, but the browser shows it at 200×200 starting at (50, 10).
    const rect = { left: 50, top: 10, width: 200, height: 200 };
    expect(hitCell(50 + 150, 10 + 60, rect, order)).toEqual({ row: 1, col: 3, i: 1, j: 2 });
    expect(hitCell(49, 20, rect, order)).toBe(null);
  });
  it("returns feature indices under a reordering", () => {
    const rect = { left: 0, top: 0, width: 30, height: 30 };
    expect(hitCell(25, 5, rect, [2, 0, 1])).toMatchObject({ i: 2, j: 1 });
  });
  it("handles sub-pixel cells (d = 1000 in 700 px)", () => {
    const order = Array.from({ length: 1000 }, (_, k) => 999 - k);
    const rect = { left: 0, top: 0, width: 700, height: 700 };
    const h = hitCell(0.7 * 500 + 0.1, 699.9, rect, order);
    expect(h).toEqual({ row: 999, col: 500, i: 0, j: 499 });
  });
  it("cellRect is the inverse of cellAt", () => {
    const r = cellRect(2, 3, 5, 100);
    expect(r).toEqual({ x: 60, y: 40, w: 20, h: 20 });
    expect(cellAt(r.x + 1, r.y + 1, 5, 100)).toEqual({ row: 2, col: 3 });
  });
  it("finds positions and steps with arrow keys, clamped", () => {
    expect(positionOf([4, 2, 7], 7)).toBe(2);
    expect(positionOf([4, 2, 7], 5)).toBe(-1);
    expect(stepCell(null, "ArrowDown", 3)).toEqual({ row: 0, col: 0 });
    expect(stepCell({ row: 0, col: 0 }, "ArrowUp", 3)).toEqual({ row: 0, col: 0 });
    expect(stepCell({ row: 1, col: 2 }, "ArrowRight", 3)).toEqual({ row: 1, col: 2 });
    expect(stepCell({ row: 1, col: 1 }, "ArrowLeft", 3)).toEqual({ row: 1, col: 0 });
    expect(stepCell({ row: 1, col: 1 }, "End", 3)).toEqual({ row: 2, col: 2 });
    expect(stepCell({ row: 1, col: 1 }, "x", 3)).toBe(null);
  });
});
