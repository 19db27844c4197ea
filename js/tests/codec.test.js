import { describe, it, expect } from "vitest";
import { toFloat32, decode, encode, matrixSlice, rowSlice, batchSize, at, isEmpty } from "../src/lib/codec.js";

// A (2, 2, 2) array placed 8 bytes into a larger buffer, after two "foreign" floats.
function offsetTrait() {
  const buf = new ArrayBuffer(4 * 12);
  const all = new Float32Array(buf);
  all.set([99, 98, 1, 2, 3, 4, 5, 6, 7, 8, 97, 96]);
  return { dtype: "float32", shape: [2, 2, 2], view: new DataView(buf, 8, 32) };
}

describe("codec", () => {
  it("honours a non-zero byteOffset", () => {
    const a = decode(offsetTrait());
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a.shape).toEqual([2, 2, 2]);
    expect(a.data.byteOffset).toBe(8); // no copy
  });
  it("copies when the offset is not 4-aligned", () => {
    const bytes = new Uint8Array(4 * 2 + 1);
    new DataView(bytes.buffer).setFloat32(1, 2.5, true);
    new DataView(bytes.buffer).setFloat32(5, -1, true);
    expect(Array.from(toFloat32(new DataView(bytes.buffer, 1, 8)))).toEqual([2.5, -1]);
  });
  it("accepts ArrayBuffer, typed arrays and arrays", () => {
    expect(Array.from(toFloat32(new Float32Array([1, 2]).buffer))).toEqual([1, 2]);
    expect(Array.from(toFloat32(new Float32Array([3])))).toEqual([3]);
    expect(Array.from(toFloat32([4, 5]))).toEqual([4, 5]);
  });
  it("decodes empty and missing arrays to shape [0]", () => {
    expect(decode({ dtype: "float32", shape: [0], view: new DataView(new ArrayBuffer(0)) }).size).toBe(0);
    expect(isEmpty(decode(null))).toBe(true);
    expect(batchSize(decode(undefined))).toBe(0);
  });
  it("rejects a shape that does not match the bytes, and other dtypes", () => {
    expect(() => decode({ dtype: "float32", shape: [3], view: new Float32Array([1, 2]) })).toThrow(RangeError);
    expect(() => decode({ dtype: "float64", shape: [1], view: new Float64Array([1]) })).toThrow(TypeError);
  });
  it("keeps Python's per-slice absmax when it has one value per slice, else null", () => {
    const t = { ...encode([1, -2, 3, -4, 5, -6, 7, -8], [2, 2, 2]), absmax: [4, 8] };
    expect(decode(t).absmax).toEqual([4, 8]);
    expect(decode({ ...t, absmax: [4] }).absmax).toBe(null); // wrong length: ignored
    expect(decode({ ...encode([1, -2, 3, -4], [2, 2]), absmax: [4] }).absmax).toEqual([4]);
    expect(decode(encode([1, 2])).absmax).toBe(null);
  });
  it("keeps Python's float64 pair statistics of a (B ≥ 2, d, d) batch, at any byte offset", () => {
    const stats = Float64Array.from({ length: 8 }, (_, k) => k / 3); // 2 × (2 × 2)
    const t = { ...encode([1, -2, 3, -4, 5, -6, 7, -8], [2, 2, 2]), pairstats: new DataView(stats.buffer) };
    const ps = decode(t).pairStats;
    expect(Array.from(ps.meanAbs)).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(Array.from(ps.mean)).toEqual([4 / 3, 5 / 3, 2, 7 / 3]);
    // inside a larger message buffer, 4 bytes in (not 8-aligned): copied out, same values
    const big = new Uint8Array(4 + 64);
    big.set(new Uint8Array(stats.buffer), 4);
    const moved = decode({ ...t, pairstats: new DataView(big.buffer, 4, 64) }).pairStats;
    expect(Array.from(moved.mean)).toEqual(Array.from(ps.mean));
    expect(decode({ ...t, pairstats: new DataView(stats.buffer, 0, 56) }).pairStats).toBe(null); // wrong size
    expect(decode({ ...encode([1, 2, 3, 4], [1, 2, 2]), pairstats: new DataView(stats.buffer, 0, 32) }).pairStats).toBe(null); // B = 1
    expect(decode(encode([1, -2, 3, -4, 5, -6, 7, -8], [2, 2, 2])).pairStats).toBe(null); // none sent
  });
  it("slices (B, d, d) and (B, d) arrays by sample", () => {
    const a = decode(offsetTrait());
    expect(Array.from(matrixSlice(a, 1))).toEqual([5, 6, 7, 8]);
    expect(at(matrixSlice(a, 1), 2, 1, 0)).toBe(7);
    expect(Array.from(matrixSlice(a, 9))).toEqual([5, 6, 7, 8]); // clamped to B - 1
    const r = decode({ dtype: "float32", shape: [2, 3], view: new Float32Array([1, 2, 3, 4, 5, 6]) });
    expect(Array.from(rowSlice(r, 1))).toEqual([4, 5, 6]);
    expect(batchSize(r)).toBe(2);
  });
  it("encodes a round-trippable (d,) payload without aliasing the input", () => {
    const src = new Float32Array([1.5, -2]);
    const t = encode(src);
    src[0] = 0;
    expect(t.dtype).toBe("float32");
    expect(t.shape).toEqual([2]);
    expect(t.view).toBeInstanceOf(DataView);
    expect(Array.from(decode(t).data)).toEqual([1.5, -2]);
  });
});
