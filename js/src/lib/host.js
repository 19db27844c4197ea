// Is a live kernel behind this view? Pure reads of the model and the view's element.
//   - An offline page (tw.export_html, tw.export_notebook) says so through the model:
//     get(OFFLINE_KEY) is the one-line reason (js/src/offline/model.js).
//   - In JupyterLab, Notebook 7 and Voilà, a view whose model has no comm to Python (a saved
//     notebook opened without running its cells, or a kernel that restarted or died) sits in an
//     element with the class "jupyter-widgets-disconnected" (set by @jupyter-widgets/base before
//     render and whenever the comm closes). Such a model never becomes live again: running the
//     cell makes a new one.
//   - Anything else may be live; a request that gets no answer within NO_ANSWER_MS says so.

export const OFFLINE_KEY = "_tw_offline";
export const DISCONNECTED_CLASS = "jupyter-widgets-disconnected";
/** How long a request waits before the view says that no kernel has answered yet. */
export const NO_ANSWER_MS = 1000;

/**
 * @returns {{live: false, reason: string, offline: boolean} | {live: true}}
 *   live: false when it is known that nothing can answer (offline: true in an exported file).
 */
export function kernelState(model, el) {
  const reason = model.get(OFFLINE_KEY);
  if (typeof reason === "string" && reason) return { live: false, offline: true, reason };
  if (el && typeof el.closest === "function" && el.closest(`.${DISCONNECTED_CLASS}`)) {
    return { live: false, offline: false, reason: "this view is not connected to Python (a saved output, or the kernel restarted); run the cell to recompute" };
  }
  return { live: true };
}
