// The beeswarm's placement loop as a small WebAssembly module, written as an instruction list
// (lib/wasm_asm.js assembles it). Why: a first draw runs JavaScript cold, in V8's interpreter,
// where this loop costs about 2 µs per dot (10 ms for 20 rows of 200); WebAssembly is compiled
// before it runs and places the same dots in well under a millisecond. It does the same IEEE 754
// operations in the same order as the JavaScript loop in beeswarm.js (−, ×, sqrt, comparisons;
// nothing fused or reordered), so the offsets are the same to the bit; js/tests/dataset_lib.test.js
// checks both against the plain rule. Where WebAssembly cannot run, `placeKernel` returns null and
// beeswarm.js runs its JavaScript loop.
//
// Memory, for n dots, from byte 0: PX, PY, LO, HI, RAW (f64 × n each), RANK, NEXT (i32 × n each).
// The caller writes the finite x values in index order to RAW and the same values sorted to PX
// (a typed array's own sort: native, exact). rank(n) gives each dot its place in that order,
// ties by index (RANK; NEXT is scratch), which is the order beeswarm.js places dots in.
// place(n, D, D2) then writes each placed dot's offset to PY (LO and HI are scratch: the
// neighbours' forbidden intervals) and returns the largest |offset|.
import { I32, F64, VOID, OP as O, get, set, f64, i32, loadF64, storeF64, loadI32, storeI32, inc, choose, forLoop, moduleBytes, lazyKernel } from "./wasm_asm.js";

export const BYTES_PER_DOT = 48;

// place(n, D, D2): locals (the parameters, then i32s, then f64s)
const n = 0, D = 1, D2 = 2;
const t = 3, start = 4, q = 5, m = 6, a = 7, grown = 8, pyB = 9, loB = 10, hiB = 11;
const x = 12, dx = 13, h2 = 14, h = 15, lo = 16, hi = 17, runLo = 18, runHi = 19, best = 20, top = 21, py = 22;

const PLACE = [
  ...get(n), ...i32(3), O.I32_SHL, ...set(pyB), //             PY starts at 8n
  ...get(n), ...i32(4), O.I32_SHL, ...set(loB), //             LO at 16n
  ...get(pyB), ...get(loB), O.I32_ADD, ...set(hiB), //         HI at 24n
  ...forLoop(t, i32(0), n, [ //                                for (t = 0; t < n; t++) {
    ...loadF64(null, t), ...set(x), //                           x = PX[t]
    O.BLOCK, VOID, O.LOOP, VOID, //                              while (start < t && x − PX[start] ≥ D) start++
    ...get(start), ...get(t), O.I32_GE_S, O.BR_IF, 1,
    ...get(x), ...loadF64(null, start), O.F64_SUB, ...get(D), O.F64_GE, O.I32_EQZ, O.BR_IF, 1,
    ...inc(start), O.BR, 0, O.END, O.END,
    ...i32(0), ...set(m), ...f64(0), ...set(runLo), ...f64(0), ...set(runHi),
    ...forLoop(q, get(start), t, [ //                            for (q = start; q < t; q++) {
      ...get(x), ...loadF64(null, q), O.F64_SUB, ...set(dx), //    dx = x − PX[q]
      ...get(D2), ...get(dx), ...get(dx), O.F64_MUL, O.F64_SUB, ...set(h2), // h2 = D2 − dx·dx
      ...get(h2), ...f64(0), O.F64_GT, O.IF, VOID, //              if (h2 > 0) {
      ...get(h2), O.F64_SQRT, ...set(h),
      ...loadF64(pyB, q), ...set(py),
      ...get(py), ...get(h), O.F64_SUB, ...set(lo), ...get(py), ...get(h), O.F64_ADD, ...set(hi),
      ...storeF64(loB, m, get(lo)), ...storeF64(hiB, m, get(hi)), ...inc(m),
      ...get(lo), ...f64(0), O.F64_LT, ...f64(0), ...get(hi), O.F64_LT, O.I32_AND, O.IF, VOID, // if (lo < 0 && 0 < hi)
      ...choose(runLo, get(lo), get(runLo), [...get(lo), ...get(runLo), O.F64_LT]),
      ...choose(runHi, get(hi), get(runHi), [...get(hi), ...get(runHi), O.F64_GT]),
      O.END, O.END,
    ]),
    ...f64(0), ...set(best),
    ...get(runHi), ...f64(0), O.F64_GT, O.IF, VOID, //          if (runHi > 0) {  (some interval covers 0)
    O.LOOP, VOID, //                                              grow the run to a fixed point
    ...i32(0), ...set(grown),
    ...forLoop(a, i32(0), m, [
      ...loadF64(loB, a), ...set(lo), ...loadF64(hiB, a), ...set(hi),
      ...get(lo), ...get(runHi), O.F64_LT, ...get(hi), ...get(runHi), O.F64_GT, O.I32_AND, O.IF, VOID,
      ...get(hi), ...set(runHi), ...i32(1), ...set(grown), O.END,
      ...get(hi), ...get(runLo), O.F64_GT, ...get(lo), ...get(runLo), O.F64_LT, O.I32_AND, O.IF, VOID,
      ...get(lo), ...set(runLo), ...i32(1), ...set(grown), O.END,
    ]),
    ...get(grown), O.BR_IF, 0, O.END,
    ...choose(best, get(runHi), get(runLo), [...get(runHi), ...get(runLo), O.F64_NEG, O.F64_LE]), // runHi ≤ −runLo ? runHi : runLo
    O.END, //                                                    }
    ...storeF64(pyB, t, get(best)), //                           PY[t] = best
    ...choose(top, [...get(best), O.F64_ABS], get(top), [...get(best), O.F64_ABS, ...get(top), O.F64_GT]),
  ]), //                                                       }
  ...get(top),
];

// rank(n): locals n, then k, p, lo, hi, mid, rawB, rankB, nextB (i32) and v (f64)
const R = { n: 0, k: 1, p: 2, lo: 3, hi: 4, mid: 5, rawB: 6, rankB: 7, nextB: 8, v: 9 };
const RANK = [
  ...get(R.n), ...i32(32), O.I32_MUL, ...set(R.rawB), //        RAW at 32n
  ...get(R.n), ...i32(40), O.I32_MUL, ...set(R.rankB), //       RANK at 40n
  ...get(R.n), ...i32(44), O.I32_MUL, ...set(R.nextB), //       NEXT at 44n
  ...forLoop(R.p, i32(0), R.n, storeI32(R.nextB, R.p, i32(0))), // NEXT[p] = 0
  ...forLoop(R.k, i32(0), R.n, [ //                             for (k = 0; k < n; k++) {
    ...loadF64(R.rawB, R.k), ...set(R.v), //                      v = RAW[k]
    ...i32(0), ...set(R.lo), ...get(R.n), ...set(R.hi), //          lo = the first p with PX[p] ≥ v
    O.BLOCK, VOID, O.LOOP, VOID,
    ...get(R.lo), ...get(R.hi), O.I32_GE_S, O.BR_IF, 1,
    ...get(R.lo), ...get(R.hi), O.I32_ADD, ...i32(1), O.I32_SHR_U, ...set(R.mid),
    ...loadF64(null, R.mid), ...get(R.v), O.F64_LT, O.IF, VOID,
    ...get(R.mid), ...i32(1), O.I32_ADD, ...set(R.lo), O.ELSE,
    ...get(R.mid), ...set(R.hi), O.END,
    O.BR, 0, O.END, O.END,
    ...storeI32(R.rankB, R.k, [...loadI32(R.nextB, R.lo), ...get(R.lo), O.I32_ADD]), // RANK[k] = lo + NEXT[lo]
    ...storeI32(R.nextB, R.lo, [...loadI32(R.nextB, R.lo), ...i32(1), O.I32_ADD]), //  NEXT[lo]++
  ]), //                                                        }
];

/** The module's bytes: place (i32, f64, f64) → f64 and rank (i32) → (), over `mem`. */
export const kernelBytes = () => moduleBytes([
  { name: "place", params: [I32, F64, F64], results: [F64], locals: [[9, I32], [11, F64]], body: PLACE },
  { name: "rank", params: [I32], results: [], locals: [[8, I32], [1, F64]], body: RANK },
]);

/** The kernel's exports (place, rank, mem) with memory for n dots, or null where WebAssembly cannot run. */
const kernel = lazyKernel(kernelBytes);
export const placeKernel = (nDots) => kernel(BYTES_PER_DOT * nDots);
