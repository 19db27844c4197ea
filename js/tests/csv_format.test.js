import { describe, it, expect } from "vitest";
import { csvCell, toCSV, matrixRows, viewCSV } from "../src/lib/csv.js";
import { fmt, niceStep, niceTicks, fmtTick } from "../src/lib/format.js";

describe("csv", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(" padded")).toBe('" padded"');
  });
  it("defuses formula injection in text but not in numbers", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvCell(NaN)).toBe("NaN");
    expect(csvCell(null)).toBe("");
  });
  it("writes the visible matrix in the current order", () => {
    const m = new Float32Array([1, 2, 3, 4]);
    expect(matrixRows(m, 2, [1, 0], ["a", "b"])).toEqual([["feature", "b", "a"], ["b", 4, 3], ["a", 2, 1]]);
    expect(toCSV([["x", 1], ["y", 2]])).toBe("x,1\r\ny,2\r\n");
  });
  it("adds meta rows and the partner table when a feature is selected", () => {
    const m = new Float32Array([1, 0.5, 0.5, 2]);
    const text = viewCSV({ m, d: 2, order: [0, 1], names: ["=a", "b,c"], meta: [["sample", 0]], selected: 0,
      partnerList: [{ j: 1, value: 0.5 }], inputs: [1, 2], baselines: [0, 0] });
    expect(text).toBe([
      "# sample,0", "feature,'=a,\"b,c\"", "'=a,1,0.5", "\"b,c\",0.5,2", "",
      "feature,partner,gamma_ij,partner_input,partner_baseline", "'=a,\"b,c\",0.5,2,0", "",
    ].join("\r\n"));
  });
});

describe("format", () => {
  it("formats compactly", () => {
    expect(fmt(0.123456)).toBe("0.123");
    expect(fmt(1.5)).toBe("1.5");
    expect(fmt(-2)).toBe("−2");
    expect(fmt(123456)).toBe("1.23e+5");
    expect(fmt(0.00001234)).toBe("1.23e-5");
    expect(fmt(NaN)).toBe("–");
    expect(fmt(0)).toBe("0");
  });
  it("picks nice steps and ticks", () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 4)).toBe(0.25);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.3, 0.3, 3)).toEqual([-0.2, 0, 0.2]);
    expect(fmtTick(0.2)).toBe("0.2");
    expect(fmtTick(-0.5)).toBe("−0.5");
  });
});
