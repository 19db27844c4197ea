// Traits of AllocationView → what its panels draw, for the current sample. DOM-free. Decoding is no-copy
// and memoised on the trait objects, so a click (method/feature) re-slices nothing.
import { memo } from "../../lib/memo.js";
import { stackAll } from "../../lib/stacking.js";
import { rowScales } from "../../lib/scales.js";
import { subsetOrder } from "../../lib/allocation.js";
import { traitCache } from "../shared/trait_cache.js";

export function createAllocationState(model) {
  const arr = traitCache(model);
  const slice = (A, b, per) => A.data.subarray(b * per, (b + 1) * per);
  const stacksOf = memo((seg, M, n) => stackAll(seg, M, n));
  const orderOf = memo((n) => subsetOrder(n));
  // Each bar's extent, max(up, −down): what a row's scale has to hold.
  const extentsOf = memo((stacks) => stacks.map((row) => row.map((s) => Math.max(s.pos, -s.neg))));
  const scalesOf = memo((ext, mode, robust) => rowScales(ext, mode, robust));

  function derive() {
    const alloc = arr("allocation"), attrA = arr("attributions"), segA = arr("segments");
    const divA = arr("dividends"), expA = arr("expected_dividends");
    const methods = model.get("methods") || [];
    if (alloc.size === 0 || alloc.shape.length !== 4) return { empty: true, methods, title: model.get("title") || "" };
    const [B, M, n, K] = alloc.shape;
    const b = Math.min(Math.max(0, model.get("sample") | 0), B - 1);
    const namesRaw = model.get("feature_names") || [];
    const names = Array.from({ length: n }, (_, i) => (namesRaw[i] != null ? String(namesRaw[i]) : `x${i}`));
    const seg = slice(segA, b, M * n * 8);
    const stacks = stacksOf(seg, M, n);
    const marks = model.get("marks") || [];
    const method = model.get("method") || "";
    const m = methods.indexOf(method);
    const feature = model.get("feature");
    const dividendsFor = (k) => {
      const bg = marks[k] && marks[k].game === "background" && expA.size > 0;
      return slice(bg ? expA : divA, b, K);
    };
    const barScale = model.get("bar_scale") === "shared" ? "shared" : "row", robust = model.get("robust") === true;
    const extents = extentsOf(stacks);
    const scales = scalesOf(extents, barScale, robust);
    return {
      empty: false, B, M, n, K, sample: b, methods, names, stacks, seg,
      // One value scale per method row ("row") or one for all ("shared"); robust: the 99th percentile.
      barScale, robust, scales, extents, vmax: Math.max(...scales),
      attr: slice(attrA, b, M * n), marks, tol: +model.get("tol"), skipped: model.get("skipped") || {},
      title: model.get("title") || "", method, m, feature: feature >= 0 && feature < n ? feature : -1,
      order: orderOf(n),
      allocationOf: (k) => alloc.data.subarray(((b * M) + k) * n * K, ((b * M) + k + 1) * n * K),
      dividendsFor,
    };
  }
  return { derive };
}
