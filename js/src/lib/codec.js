// Mirror of taylor_widgets/widgets/_serialize.py: {dtype: "float32", shape, view}.
// The view may be a DataView into a larger buffer (ipywidgets slices one message
// buffer), so byteOffset must be honoured or we would read a neighbour's bytes.

const EMPTY = Object.freeze({ data: new Float32Array(0), shape: [0], size: 0, absmax: null, pairStats: null });

/** A `Type` array over the bytes of an ArrayBuffer or ArrayBuffer view, without copying when they
 * are aligned (a typed array cannot start at an unaligned offset: those bytes are copied out). */
function over(Type, view) {
  const size = Type.BYTES_PER_ELEMENT, n = Math.floor(view.byteLength / size);
  if (view instanceof ArrayBuffer) return new Type(view, 0, n);
  if (view.byteOffset % size !== 0) return new Type(view.buffer.slice(view.byteOffset, view.byteOffset + n * size));
  return new Type(view.buffer, view.byteOffset, n);
}
const isBytes = (view) => view instanceof ArrayBuffer || ArrayBuffer.isView(view);

/** Float32Array over `view` (DataView | ArrayBuffer | TypedArray), without copying when aligned. */
export function toFloat32(view) {
  if (view == null) return new Float32Array(0);
  if (view instanceof Float32Array) return view;
  if (isBytes(view)) return over(Float32Array, view);
  if (Array.isArray(view)) return Float32Array.from(view);
  throw new TypeError("codec: unsupported array view");
}

/** Float64Array over `view` (DataView | ArrayBuffer | Float64Array), or null for anything else. */
const toFloat64 = (view) => (view instanceof Float64Array ? view : isBytes(view) ? over(Float64Array, view) : null);

/** Decode one array trait; anything missing or empty decodes to shape [0]. */
export function decode(trait) {
  if (!trait || trait.view == null) return EMPTY;
  if (trait.dtype && trait.dtype !== "float32") throw new TypeError(`codec: dtype ${trait.dtype} is not float32`);
  const data = toFloat32(trait.view);
  const shape = Array.isArray(trait.shape) ? trait.shape.map(Number) : [data.length];
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) return EMPTY;
  if (size !== data.length) throw new RangeError(`codec: shape ${shape} needs ${size} values, got ${data.length}`);
  // Python sends max |finite value| per trailing 2-d slice with (r, c) and (B, r, c) arrays.
  const n = shape.length === 3 ? shape[0] : 1;
  const absmax = Array.isArray(trait.absmax) && trait.absmax.length === n && shape.length >= 2 ? trait.absmax.map(Number) : null;
  return { data, shape, size, absmax, pairStats: decodePairStats(trait.pairstats, shape) };
}

/**
 * A (B ≥ 2, d, d) batch's mean |Γ_ij| and mean Γ_ij as Python sent them (float64, 2·d·d values:
 * the same numbers as lib/dataset.js pairStats), or null when absent or of the wrong size.
 */
function decodePairStats(view, shape) {
  if (view == null || shape.length !== 3 || shape[0] < 2 || shape[1] !== shape[2]) return null;
  const f = toFloat64(view), dd = shape[1] * shape[2];
  return f && f.length === 2 * dd ? { meanAbs: f.subarray(0, dd), mean: f.subarray(dd) } : null;
}

/** Encode a (d,) or shaped float array in the trait form; JS → Python goes through model.set. */
export function encode(values, shape = [values.length]) {
  const f32 = values instanceof Float32Array ? values.slice() : Float32Array.from(values);
  return { dtype: "float32", shape: [...shape], view: new DataView(f32.buffer) };
}

export const isEmpty = (arr) => !arr || arr.size === 0;

/** Number of leading "rows" (B) of a (B, ...) array, 0 when empty. */
export const batchSize = (arr) => (isEmpty(arr) ? 0 : arr.shape[0]);

/** The b-th (d, d) slice of a (B, d, d) array as a no-copy subarray. */
export function matrixSlice(arr, b) {
  if (isEmpty(arr) || arr.shape.length !== 3) return null;
  const [B, d, d2] = arr.shape;
  if (d !== d2) throw new RangeError("codec: matrix slices must be square");
  const k = Math.min(Math.max(0, b | 0), B - 1);
  return arr.data.subarray(k * d * d, (k + 1) * d * d);
}

/** The b-th row of a (B, d) array (or the whole (d,) array), null when empty. */
export function rowSlice(arr, b) {
  if (isEmpty(arr)) return null;
  if (arr.shape.length === 1) return arr.data;
  const [B, d] = arr.shape;
  const k = Math.min(Math.max(0, b | 0), B - 1);
  return arr.data.subarray(k * d, (k + 1) * d);
}

/** Γ_ij of a row-major (d, d) slice. */
export const at = (m, d, i, j) => m[i * d + j];
