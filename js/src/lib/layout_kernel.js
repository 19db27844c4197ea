// The network layout's iterations (network.js `forceLayout`) as a small WebAssembly module,
// written as an instruction list (lib/wasm_asm.js assembles it). Why: a first draw runs
// JavaScript cold, in V8's interpreter, where 100 iterations over 60 nodes (177,000 pairs) take
// about 15 ms; compiled, they take about one. The same IEEE 754 operations in the same order as
// the JavaScript loop (nothing fused or reordered), so the positions are the same to the bit, and
// so the Python picture's (widgets/snapshots/layouts.py); js/tests/dataset_lib.test.js compares.
// Where WebAssembly cannot run, `layoutKernel` returns null and network.js runs its loop.
//
// Memory, for n nodes and E edges, from byte 0: POS, DISP (f64 × 2n each: x, y of each node),
// EC (f64 × E: each edge's attraction factor), EA, EB (i32 × E: its two nodes).
// layout(n, E, iterations, K, K2) moves POS in place.
import { I32, F64, VOID, OP as O, get, set, f64, i32, loadF64, storeF64, loadI32, forLoop, moduleBytes, lazyKernel } from "./wasm_asm.js";

const n = 0, nE = 1, iters = 2, K = 3, K2 = 4; // parameters
const it = 5, a = 6, b = 7, e = 8, dispB = 9, ecB = 10, eaB = 11, ebB = 12, ia = 13, ib = 14, k = 15, n2 = 16; // i32
const temp = 17, ax = 18, ay = 19, sx = 20, sy = 21, dx = 22, dy = 23, d2 = 24, f = 25, fx = 26, fy = 27, dist = 28, len = 29, step = 30; // f64

const xOf = (node) => [...get(node), ...i32(1), O.I32_SHL]; //                 2·node
const yOf = (node) => [...get(node), ...i32(1), O.I32_SHL, ...i32(1), O.I32_ADD]; // 2·node + 1
const POS = (at) => loadF64(null, at), DISP = (at) => loadF64(dispB, at);
const setPOS = (at, v) => storeF64(null, at, v), setDISP = (at, v) => storeF64(dispB, at, v);
const add = (x, y) => [...x, ...y, O.F64_ADD], sub = (x, y) => [...x, ...y, O.F64_SUB];
const mul = (x, y) => [...x, ...y, O.F64_MUL], div = (x, y) => [...x, ...y, O.F64_DIV];
const hypot2 = (u, v) => add(mul(get(u), get(u)), mul(get(v), get(v))); //   u·u + v·v

const LAYOUT = [
  ...get(n), ...i32(1), O.I32_SHL, ...set(n2),
  ...get(n), ...i32(4), O.I32_SHL, ...set(dispB), //            DISP at 16n
  ...get(n), ...i32(5), O.I32_SHL, ...set(ecB), //              EC at 32n
  ...get(ecB), ...get(nE), ...i32(3), O.I32_SHL, O.I32_ADD, ...set(eaB),
  ...get(eaB), ...get(nE), ...i32(2), O.I32_SHL, O.I32_ADD, ...set(ebB),
  ...forLoop(it, i32(0), iters, [
    // temp = 0.1 · (1 − it / iterations)
    ...mul(f64(0.1), sub(f64(1), div([...get(it), O.F64_CONVERT_I32_S], [...get(iters), O.F64_CONVERT_I32_S]))), ...set(temp),
    ...forLoop(k, i32(0), n2, setDISP(k, f64(0))), //            disp.fill(0)
    ...forLoop(a, i32(0), n, [ //                                repulsion K²/dist between every pair
      ...POS(xOf(a)), ...set(ax), ...POS(yOf(a)), ...set(ay), ...f64(0), ...set(sx), ...f64(0), ...set(sy),
      ...forLoop(b, [...get(a), ...i32(1), O.I32_ADD], n, [
        ...sub(get(ax), POS(xOf(b))), ...set(dx), ...sub(get(ay), POS(yOf(b))), ...set(dy),
        ...hypot2(dx, dy), ...set(d2),
        ...get(d2), ...f64(1e-12), O.F64_LT, O.IF, VOID, //        coinciding nodes: a fixed tiny push
        ...mul(f64(1e-6), [...get(a), ...get(b), O.I32_SUB, O.F64_CONVERT_I32_S]), ...set(dx),
        ...f64(1e-6), ...set(dy), ...hypot2(dx, dy), ...set(d2), O.END,
        ...div(get(K2), get(d2)), ...set(f),
        ...mul(get(dx), get(f)), ...set(fx), ...mul(get(dy), get(f)), ...set(fy),
        ...add(get(sx), get(fx)), ...set(sx), ...add(get(sy), get(fy)), ...set(sy),
        ...setDISP(xOf(b), sub(DISP(xOf(b)), get(fx))), ...setDISP(yOf(b), sub(DISP(yOf(b)), get(fy))),
      ]),
      ...setDISP(xOf(a), add(DISP(xOf(a)), get(sx))), ...setDISP(yOf(a), add(DISP(yOf(a)), get(sy))),
    ]),
    ...forLoop(e, i32(0), nE, [ //                               attraction dist²/K along each edge
      ...loadI32(eaB, e), ...set(ia), ...loadI32(ebB, e), ...set(ib),
      ...sub(POS(xOf(ia)), POS(xOf(ib))), ...set(dx), ...sub(POS(yOf(ia)), POS(yOf(ib))), ...set(dy),
      ...hypot2(dx, dy), O.F64_SQRT, ...set(dist),
      ...mul(div(get(dist), get(K)), loadF64(ecB, e)), ...set(f),
      ...setDISP(xOf(ia), sub(DISP(xOf(ia)), mul(get(dx), get(f)))), ...setDISP(yOf(ia), sub(DISP(yOf(ia)), mul(get(dy), get(f)))),
      ...setDISP(xOf(ib), add(DISP(xOf(ib)), mul(get(dx), get(f)))), ...setDISP(yOf(ib), add(DISP(yOf(ib)), mul(get(dy), get(f)))),
    ]),
    ...forLoop(a, i32(0), n, [ //                                a pull to the centre, then a step of at most temp
      ...add(DISP(xOf(a)), mul(sub(f64(0.5), POS(xOf(a))), div(f64(0.1), get(K)))), ...set(dx),
      ...add(DISP(yOf(a)), mul(sub(f64(0.5), POS(yOf(a))), div(f64(0.1), get(K)))), ...set(dy),
      ...hypot2(dx, dy), O.F64_SQRT, ...set(len),
      ...get(len), ...f64(0), O.F64_GT, O.IF, VOID,
      ...get(len), ...get(temp), ...get(len), ...get(temp), O.F64_LT, O.SELECT, ...set(step), // len < temp ? len : temp
      ...setPOS(xOf(a), add(POS(xOf(a)), mul(div(get(dx), get(len)), get(step)))),
      ...setPOS(yOf(a), add(POS(yOf(a)), mul(div(get(dy), get(len)), get(step)))),
      O.END,
    ]),
  ]),
];

/** The module's bytes: layout (i32, i32, i32, f64, f64) → () over `mem`. */
export const kernelBytes = () => moduleBytes([
  { name: "layout", params: [I32, I32, I32, F64, F64], results: [], locals: [[12, I32], [14, F64]], body: LAYOUT },
]);

/** The kernel's exports (layout, mem) with memory for n nodes and E edges, or null where WebAssembly cannot run. */
const kernel = lazyKernel(kernelBytes);
export const layoutKernel = (nodes, edges) => kernel(32 * nodes + 16 * edges);
