// The beeswarm's placement loop as a small WebAssembly function, assembled here from the
// instruction list below (no toolchain, no binary file). Why: a first draw runs JavaScript cold,
// in V8's interpreter, where this loop costs about 2 µs per dot (10 ms for 20 rows of 200);
// WebAssembly is compiled before it runs (Liftoff, microseconds for this module) and places the
// same dots in well under a millisecond. It does the same IEEE 754 operations in the same order
// as the JavaScript loop in beeswarm.js (−, ×, sqrt, comparisons, no fused or reordered maths),
// so the offsets are the same to the bit; js/tests/dataset_lib.test.js checks both against the
// plain rule. Where WebAssembly is missing or refused (a Content-Security-Policy without
// 'wasm-unsafe-eval'), `placeKernel` returns null and beeswarm.js runs its JavaScript loop.
//
// Memory, for n dots, from byte 0: PX, PY, LO, HI, RAW (f64 × n each), RANK, NEXT (i32 × n each).
// The caller writes the finite x values in index order to RAW and the same values sorted to PX
// (a typed array's own sort: native, exact). rank(n) gives each dot its place in that order,
// ties by index (RANK; NEXT is scratch), which is the order beeswarm.js places dots in.
// place(n, D, D2) then writes each placed dot's offset to PY (LO and HI are scratch: the
// neighbours' forbidden intervals) and returns the largest |offset|.

const I32 = 0x7f, F64 = 0x7c, VOID = 0x40;
export const BYTES_PER_DOT = 48;
// opcodes (https://webassembly.github.io/spec/core/binary/instructions.html)
const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, SELECT = 0x1b;
const GET = 0x20, SET = 0x21, I32_CONST = 0x41, F64_CONST = 0x44, F64_LOAD = 0x2b, F64_STORE = 0x39;
const I32_LOAD = 0x28, I32_STORE = 0x36, I32_LT_S = 0x48;
const I32_EQZ = 0x45, I32_GE_S = 0x4e, I32_ADD = 0x6a, I32_MUL = 0x6c, I32_AND = 0x71, I32_SHL = 0x74, I32_SHR_U = 0x76;
const F64_LT = 0x63, F64_GT = 0x64, F64_LE = 0x65, F64_GE = 0x66;
const F64_ABS = 0x99, F64_NEG = 0x9a, F64_SQRT = 0x9f, F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2;

// locals: the parameters, then the i32s, then the f64s
const n = 0, D = 1, D2 = 2;
const t = 3, start = 4, q = 5, m = 6, a = 7, grown = 8, pyB = 9, loB = 10, hiB = 11;
const x = 12, dx = 13, h2 = 14, h = 15, lo = 16, hi = 17, runLo = 18, runHi = 19, best = 20, top = 21, py = 22;
const LOCALS = [[9, I32], [11, F64]];

const get = (k) => [GET, k], set = (k) => [SET, k];
const f64 = (v) => [F64_CONST, ...new Uint8Array(new Float64Array([v]).buffer)];
const i32 = (v) => { if (!(v >= 0 && v < 64)) throw new RangeError("i32 constant"); return [I32_CONST, v]; }; // one LEB128 byte
const load = (base, index) => [...(base === null ? [] : get(base)), ...get(index), ...i32(3), I32_SHL, ...(base === null ? [] : [I32_ADD]), F64_LOAD, 3, 0];
const store = (base, index, value) => [...get(base), ...get(index), ...i32(3), I32_SHL, I32_ADD, ...value, F64_STORE, 3, 0];
const inc = (k) => [...get(k), ...i32(1), I32_ADD, ...set(k)];
// k = (cond) ? yes : no, as JavaScript's `if (cond) k = yes` when no is k itself
const choose = (k, yes, no, cond) => [...yes, ...no, ...cond, SELECT, ...set(k)];

/** The body of place(n, D, D2), instruction by instruction; the JavaScript it mirrors is beside it. */
const BODY = [
  ...get(n), ...i32(3), I32_SHL, ...set(pyB), //               PY starts at 8n
  ...get(n), ...i32(4), I32_SHL, ...set(loB), //               LO at 16n
  ...get(pyB), ...get(loB), I32_ADD, ...set(hiB), //           HI at 24n
  BLOCK, VOID, LOOP, VOID, //                                  for (t = 0; t < n; t++) {
  ...get(t), ...get(n), I32_GE_S, BR_IF, 1,
  ...load(null, t), ...set(x), //                                x = PX[t]
  BLOCK, VOID, LOOP, VOID, //                                    while (start < t && x - PX[start] >= D) start++
  ...get(start), ...get(t), I32_GE_S, BR_IF, 1,
  ...get(x), ...load(null, start), F64_SUB, ...get(D), F64_GE, I32_EQZ, BR_IF, 1,
  ...inc(start), BR, 0, END, END,
  ...i32(0), ...set(m), ...f64(0), ...set(runLo), ...f64(0), ...set(runHi),
  ...get(start), ...set(q),
  BLOCK, VOID, LOOP, VOID, //                                    for (q = start; q < t; q++) {
  ...get(q), ...get(t), I32_GE_S, BR_IF, 1,
  ...get(x), ...load(null, q), F64_SUB, ...set(dx), //             dx = x − PX[q]
  ...get(D2), ...get(dx), ...get(dx), F64_MUL, F64_SUB, ...set(h2), // h2 = D2 − dx·dx
  ...get(h2), ...f64(0), F64_GT, IF, VOID, //                      if (h2 > 0) {
  ...get(h2), F64_SQRT, ...set(h),
  ...load(pyB, q), ...set(py),
  ...get(py), ...get(h), F64_SUB, ...set(lo), ...get(py), ...get(h), F64_ADD, ...set(hi),
  ...store(loB, m, get(lo)), ...store(hiB, m, get(hi)), ...inc(m),
  ...get(lo), ...f64(0), F64_LT, ...f64(0), ...get(hi), F64_LT, I32_AND, IF, VOID, // if (lo < 0 && 0 < hi)
  ...choose(runLo, get(lo), get(runLo), [...get(lo), ...get(runLo), F64_LT]),
  ...choose(runHi, get(hi), get(runHi), [...get(hi), ...get(runHi), F64_GT]),
  END, END,
  ...inc(q), BR, 0, END, END, //                                 }
  ...f64(0), ...set(best),
  ...get(runHi), ...f64(0), F64_GT, IF, VOID, //                 if (runHi > 0) {  (some interval covers 0)
  LOOP, VOID, //                                                   grow the run to a fixed point
  ...i32(0), ...set(grown), ...i32(0), ...set(a),
  BLOCK, VOID, LOOP, VOID,
  ...get(a), ...get(m), I32_GE_S, BR_IF, 1,
  ...load(loB, a), ...set(lo), ...load(hiB, a), ...set(hi),
  ...get(lo), ...get(runHi), F64_LT, ...get(hi), ...get(runHi), F64_GT, I32_AND, IF, VOID,
  ...get(hi), ...set(runHi), ...i32(1), ...set(grown), END,
  ...get(hi), ...get(runLo), F64_GT, ...get(lo), ...get(runLo), F64_LT, I32_AND, IF, VOID,
  ...get(lo), ...set(runLo), ...i32(1), ...set(grown), END,
  ...inc(a), BR, 0, END, END,
  ...get(grown), BR_IF, 0, END,
  ...choose(best, get(runHi), get(runLo), [...get(runHi), ...get(runLo), F64_NEG, F64_LE]), // runHi ≤ −runLo ? runHi : runLo
  END, //                                                          }
  ...store(pyB, t, get(best)), //                                PY[t] = best
  ...choose(top, [...get(best), F64_ABS], get(top), [...get(best), F64_ABS, ...get(top), F64_GT]),
  ...inc(t), BR, 0, END, END, //                               }
  ...get(top), END,
];

// rank(n): locals n, then k, p, lo, hi, mid, rawB, rankB, nextB (i32) and v (f64)
const R = { n: 0, k: 1, p: 2, lo: 3, hi: 4, mid: 5, rawB: 6, rankB: 7, nextB: 8, v: 9 };
const RANK_LOCALS = [[8, I32], [1, F64]];
const i32at = (base, index) => [...get(base), ...get(index), ...i32(2), I32_SHL, I32_ADD];
const RANK_BODY = [
  ...get(R.n), ...i32(32), I32_MUL, ...set(R.rawB), //          RAW at 32n
  ...get(R.n), ...i32(40), I32_MUL, ...set(R.rankB), //         RANK at 40n
  ...get(R.n), ...i32(44), I32_MUL, ...set(R.nextB), //         NEXT at 44n
  BLOCK, VOID, LOOP, VOID, //                                   for (p = 0; p < n; p++) NEXT[p] = 0
  ...get(R.p), ...get(R.n), I32_GE_S, BR_IF, 1,
  ...i32at(R.nextB, R.p), ...i32(0), I32_STORE, 2, 0,
  ...inc(R.p), BR, 0, END, END,
  BLOCK, VOID, LOOP, VOID, //                                   for (k = 0; k < n; k++) {
  ...get(R.k), ...get(R.n), I32_GE_S, BR_IF, 1,
  ...get(R.rawB), ...get(R.k), ...i32(3), I32_SHL, I32_ADD, F64_LOAD, 3, 0, ...set(R.v), // v = RAW[k]
  ...i32(0), ...set(R.lo), ...get(R.n), ...set(R.hi), //          the first p with PX[p] ≥ v
  BLOCK, VOID, LOOP, VOID,
  ...get(R.lo), ...get(R.hi), I32_GE_S, BR_IF, 1,
  ...get(R.lo), ...get(R.hi), I32_ADD, ...i32(1), I32_SHR_U, ...set(R.mid),
  ...load(null, R.mid), ...get(R.v), F64_LT, IF, VOID,
  ...get(R.mid), ...i32(1), I32_ADD, ...set(R.lo), 0x05, // else
  ...get(R.mid), ...set(R.hi), END,
  BR, 0, END, END,
  ...i32at(R.rankB, R.k), ...i32at(R.nextB, R.lo), I32_LOAD, 2, 0, ...get(R.lo), I32_ADD, I32_STORE, 2, 0, // RANK[k] = lo + NEXT[lo]
  ...i32at(R.nextB, R.lo), ...i32at(R.nextB, R.lo), I32_LOAD, 2, 0, ...i32(1), I32_ADD, I32_STORE, 2, 0, // NEXT[lo]++
  ...inc(R.k), BR, 0, END, END, //                              }
  END,
];

const uleb = (v) => { const out = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; out.push(b); } while (v); return out; };
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const name = (s) => vec([...new TextEncoder().encode(s)]);

const code = (localDecls, instructions) => {
  const body = [...vec(localDecls.map(([count, type]) => [...uleb(count), type])), ...instructions];
  return [...uleb(body.length), ...body];
};

/** The module's bytes: `place` (i32, f64, f64) → f64, `rank` (i32) → () and their memory `mem`. */
export function kernelBytes() {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec([I32, F64, F64]), ...vec([F64])], [0x60, ...vec([I32]), ...vec([])]])), // types 0, 1
    ...section(3, vec([[0], [1]])), // place has type 0, rank type 1
    ...section(5, vec([[0x00, 1]])), // one memory, at least 1 page, growable
    ...section(7, vec([[...name("place"), 0x00, 0], [...name("rank"), 0x00, 1], [...name("mem"), 0x02, 0]])),
    ...section(10, vec([code(LOCALS, BODY), code(RANK_LOCALS, RANK_BODY)])),
  ]);
}

let kernel; // undefined: not tried yet; null: unavailable here

/**
 * The compiled kernel ({place, memory}), with memory for n dots; null where WebAssembly cannot
 * run (then the caller uses its JavaScript loop).
 */
export function placeKernel(nDots) {
  if (kernel === undefined) {
    try {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes()), {});
      kernel = { place: inst.exports.place, rank: inst.exports.rank, memory: inst.exports.mem };
    } catch {
      kernel = null;
    }
  }
  if (!kernel) return null;
  const need = BYTES_PER_DOT * nDots, have = kernel.memory.buffer.byteLength;
  if (need > have) kernel.memory.grow(Math.ceil((need - have) / 65536));
  return kernel;
}
