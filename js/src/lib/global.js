// Global over data: which matrix the view draws, one sample of `matrix` or `global_matrix`.
// Pure; the widget's Python side computes the aggregate (see CONTRACT.md).

export const VIEWS = ["sample", "global"];

/**
 * The view actually drawn. "global" when it is asked for and a global matrix exists, or when
 * there are no per-sample matrices at all (B = 0, a GlobalInteractions); "sample" otherwise.
 */
export function resolveView(requested, B, hasGlobal) {
  if (hasGlobal && (requested === "global" || !(B > 0))) return "global";
  return "sample";
}

/** The (d, d) global matrix as a flat array, or null when the decoded trait is not d × d. */
export function globalSlice(arr, d) {
  if (!arr || !arr.size || arr.shape.length !== 2 || arr.shape[0] !== d || arr.shape[1] !== d) return null;
  return arr.data;
}

/** d from whichever trait knows it: matrix (B, d, d), else global_matrix (d, d), else the names. */
export function featureCount(M, G, names) {
  if (M && M.size && M.shape.length === 3) return M.shape[1];
  if (G && G.size && G.shape.length === 2) return G.shape[0];
  return names ? names.length : 0;
}

/** Whether the sample ↔ global toggle has a choice to offer. */
export const canToggle = (B, hasGlobal) => hasGlobal && B > 0;
