// A very small WebAssembly assembler: opcodes, a few instruction helpers and the module layout,
// enough for the numeric kernels of the views (beeswarm_kernel.js, layout_kernel.js), which are
// written as instruction lists in JavaScript: no toolchain, no binary file in the repository.
// Reference: https://webassembly.github.io/spec/core/binary/ (module, instructions).

export const I32 = 0x7f, F64 = 0x7c, VOID = 0x40;
export const OP = {
  BLOCK: 0x02, LOOP: 0x03, IF: 0x04, ELSE: 0x05, END: 0x0b, BR: 0x0c, BR_IF: 0x0d, SELECT: 0x1b,
  GET: 0x20, SET: 0x21, I32_CONST: 0x41, F64_CONST: 0x44,
  I32_LOAD: 0x28, F64_LOAD: 0x2b, I32_STORE: 0x36, F64_STORE: 0x39,
  I32_EQZ: 0x45, I32_LT_S: 0x48, I32_GE_S: 0x4e,
  I32_ADD: 0x6a, I32_SUB: 0x6b, I32_MUL: 0x6c, I32_AND: 0x71, I32_SHL: 0x74, I32_SHR_U: 0x76,
  F64_LT: 0x63, F64_GT: 0x64, F64_LE: 0x65, F64_GE: 0x66,
  F64_ABS: 0x99, F64_NEG: 0x9a, F64_SQRT: 0x9f, F64_ADD: 0xa0, F64_SUB: 0xa1, F64_MUL: 0xa2, F64_DIV: 0xa3,
  F64_CONVERT_I32_S: 0xb7,
};
const O = OP;

export const get = (k) => [O.GET, k];
export const set = (k) => [O.SET, k];
/** An f64 constant (its 8 bytes, little-endian). */
export const f64 = (v) => [O.F64_CONST, ...new Uint8Array(new Float64Array([v]).buffer)];
/** A small i32 constant, 0 ≤ v < 64 (one signed LEB128 byte). */
export const i32 = (v) => { if (!(Number.isInteger(v) && v >= 0 && v < 64)) throw new RangeError(`i32 constant ${v}`); return [O.I32_CONST, v]; };
/** The address of element `index` of an array of 2^shift-byte values starting at byte `base` (a local, or null for 0). */
const addr = (base, index, shift) => [...(base === null ? [] : get(base)), ...index, ...i32(shift), O.I32_SHL, ...(base === null ? [] : [O.I32_ADD])];
/** f64 at [base + 8·index]; index: a local, or instructions that leave an i32. */
export const loadF64 = (base, index) => [...addr(base, typeof index === "number" ? get(index) : index, 3), O.F64_LOAD, 3, 0];
export const storeF64 = (base, index, value) => [...addr(base, typeof index === "number" ? get(index) : index, 3), ...value, O.F64_STORE, 3, 0];
export const loadI32 = (base, index) => [...addr(base, typeof index === "number" ? get(index) : index, 2), O.I32_LOAD, 2, 0];
export const storeI32 = (base, index, value) => [...addr(base, typeof index === "number" ? get(index) : index, 2), ...value, O.I32_STORE, 2, 0];
/** k += 1 (an i32 local). */
export const inc = (k) => [...get(k), ...i32(1), O.I32_ADD, ...set(k)];
/** k = cond ? yes : no; with no = k it is JavaScript's `if (cond) k = yes`. */
export const choose = (k, yes, no, cond) => [...yes, ...no, ...cond, O.SELECT, ...set(k)];
/** for (k = from; k < to; k++) { body }, k, to: i32 locals; from: instructions leaving an i32. */
export const forLoop = (k, from, to, body) => [
  ...from, ...set(k), O.BLOCK, VOID, O.LOOP, VOID,
  ...get(k), ...get(to), O.I32_GE_S, O.BR_IF, 1,
  ...body, ...inc(k), O.BR, 0, O.END, O.END,
];

const uleb = (v) => { const out = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; out.push(b); } while (v); return out; };
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const name = (s) => vec([...new TextEncoder().encode(s)]);

/**
 * A module of functions over one growable memory exported as "mem".
 * @param {Array<{name: string, params: number[], results: number[], locals: Array<[number, number]>, body: number[]}>} fns
 *   locals: [count, type] runs after the parameters; body: instructions, without the final end.
 * @returns {Uint8Array}
 */
export function moduleBytes(fns) {
  const code = (f) => {
    const body = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, O.END];
    return [...uleb(body.length), ...body];
  };
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec(fns.map((f) => [0x60, ...vec(f.params), ...vec(f.results)]))), // one type per function
    ...section(3, vec(fns.map((_, k) => [k]))),
    ...section(5, vec([[0x00, 1]])), // one memory, at least one 64 KiB page, growable
    ...section(7, vec([...fns.map((f, k) => [...name(f.name), 0x00, k]), [...name("mem"), 0x02, 0]])),
    ...section(10, vec(fns.map(code))),
  ]);
}

/**
 * The module compiled and instantiated at once: its exports, or null where WebAssembly cannot
 * run (missing, or refused by a Content-Security-Policy without 'wasm-unsafe-eval').
 */
export function instantiate(bytes) {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  } catch {
    return null;
  }
}

/**
 * A kernel compiled on first use and kept: kernel(bytes) returns its exports (functions and
 * `mem`, grown to hold at least `bytes`), or null where WebAssembly cannot run.
 */
export function lazyKernel(makeBytes) {
  let exports; // undefined: not tried yet; null: unavailable here
  return (bytes) => {
    if (exports === undefined) exports = instantiate(makeBytes());
    if (exports) {
      const have = exports.mem.buffer.byteLength;
      if (bytes > have) exports.mem.grow(Math.ceil((bytes - have) / 65536));
    }
    return exports;
  };
}
