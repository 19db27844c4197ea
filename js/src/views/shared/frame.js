// One frame for every widget view: the root (theme, Lumino's shortcut guard), the styles, a
// title and a status line, one repaint per burst of trait changes (one kernel message sets many
// traits; they are coalesced into a single repaint on the next microtask), width tracking, and
// the cleanup that render() returns. A widget supplies only `build`: its parts and `update`.
import { h } from "./dom.js";
import { injectStyles } from "./styles.js";
import { observeWidth } from "./resize.js";

/**
 * @param {object} o
 * @param {any} o.model  the anywidget model
 * @param {HTMLElement} o.el  where the view goes
 * @param {string[]} o.traits  the traits whose change repaints
 * @param {(frame: Frame) => {nodes: HTMLElement[], update: (width: number) => void, cleanup?: () => void}} o.build
 *   makes the widget's parts once (placing frame.title and frame.status.el among `nodes`);
 *   `update` repaints from the model, `cleanup` stops the parts' own timers and requests.
 * @param {string} [o.className]  extra class of the root
 * @param {string} [o.css]  the widget's own stylesheet, added after the shared one
 * @param {string} [o.statusId]  data-testid of the status line
 * @param {number} [o.width]  width to lay out for while `el` has none
 * @returns {{root: HTMLElement, frame: Frame, flush: () => void, cleanup: () => void}}
 *
 * @typedef {{model: any, root: HTMLElement, title: HTMLElement, status: Status, invalidate: () => void, width: number}} Frame
 */
export function mountFrame({ model, el, traits, build, className = "", css = "", statusId = "tw-status", width = 720 }) {
  // Lumino stops looking for JupyterLab shortcuts at this attribute: without it, arrow keys on
  // a canvas would also move the notebook's active cell and Enter would edit the cell.
  const root = h("div", { class: `tw-root ${className}`.trim(), "data-lm-suppress-shortcuts": "true" });
  injectStyles(root, css);
  let scheduled = false, disposed = false, w = el.clientWidth || width;
  const frame = {
    model, root, title: h("div", { class: "tw-title" }), status: createStatus(statusId), invalidate,
    get width() { return w; },
  };
  const body = build(frame);
  root.append(...body.nodes);
  el.appendChild(root);

  function invalidate() {
    if (scheduled || disposed) return;
    scheduled = true;
    queueMicrotask(flush);
  }
  function flush() {
    scheduled = false;
    if (disposed) return;
    try {
      body.update(w);
    } catch (err) {
      // Bad data must not leave a blank cell: say what broke, keep the controls alive.
      console.error("taylor_widgets view:", err);
      frame.status.show({ state: "error", text: `Cannot draw this view: ${err && err.message ? err.message : err}` });
    }
  }

  for (const t of traits) model.on(`change:${t}`, invalidate);
  const stopResize = observeWidth(el, () => w, (nw) => { w = nw; invalidate(); });
  flush();

  // The host removes model listeners too; we own the observer and the parts' timers.
  const cleanup = () => {
    disposed = true;
    stopResize();
    for (const t of traits) model.off?.(`change:${t}`, invalidate);
    if (body.cleanup) body.cleanup();
  };
  return { root, frame, flush, cleanup };
}

/**
 * The status line: a message, its state ("idle" | "computing" | "error") and, while computing,
 * a progress bar.
 * @typedef {{el: HTMLElement, show: (s: {state?: string, text?: string, progress?: number|null}) => void}} Status
 * @returns {Status}
 */
export function createStatus(testid = "tw-status") {
  const el = h("div", { class: "tw-status", "data-testid": testid, role: "status" });
  function show({ state = "idle", text = "", progress = null } = {}) {
    el.dataset.state = state;
    el.replaceChildren(document.createTextNode(text || ""));
    if (progress != null && state === "computing") {
      const bar = h("progress", { class: "tw-progress" });
      bar.max = 1;
      bar.value = Math.max(0, Math.min(1, progress));
      el.appendChild(bar);
    }
  }
  show();
  return { el, show };
}
