// The in-page model of an offline page (tw.export_html, tw.export_notebook, nbconvert --to
// taylor_html): the part of the anywidget model API the views use, over a widget's saved state.
// No kernel is behind it: `send` throws at once, so a request fails fast instead of waiting out
// its timeout, and `get(OFFLINE_KEY)` gives the one-line reason that the views show on their
// recompute controls from the start (js/src/lib/host.js reads it).
import { OFFLINE_KEY } from "../lib/host.js";

/** ArrayBuffer of a base64 string (the browser's native decoder where it has one: no binary
 * string and no per-byte loop, which for a large batch left megabytes of garbage behind). */
export function b64ToBuffer(s) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(s).buffer;
  const bin = atob(s);
  const u = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
  return u.buffer;
}

/**
 * Put each saved binary buffer back at its path in `state` as a DataView (what ipywidgets hands
 * a view), in place. buffers: [{path: [key, ...], data: base64}] (the notebook's widget-state
 * format, also what the exports write). A path that does not lead into the state is skipped.
 */
export function restoreBuffers(state, buffers = []) {
  for (const { path, data } of buffers) {
    if (!Array.isArray(path) || path.length === 0 || typeof data !== "string") continue;
    let o = state;
    for (const k of path.slice(0, -1)) o = o == null ? undefined : o[k];
    if (o != null && typeof o === "object") o[path[path.length - 1]] = new DataView(b64ToBuffer(data));
  }
  return state;
}

/**
 * A model over `state` (trait name → value). `offlineReason` is what `get(OFFLINE_KEY)` answers.
 * set() emits `change:<key>` and `change` like Backbone; listeners are called in order.
 */
export function createModel(state, offlineReason) {
  const listeners = new Map();
  const emit = (ev, ...a) => (listeners.get(ev) || []).slice().forEach((cb) => cb(...a));
  return {
    get: (k) => (k === OFFLINE_KEY ? offlineReason : state[k]),
    set(k, v) {
      const old = state[k];
      state[k] = v;
      if (old !== v) { emit(`change:${k}`, v); emit("change", v); }
    },
    on(ev, cb) {
      for (const e of String(ev).split(" ")) {
        if (!listeners.has(e)) listeners.set(e, []);
        listeners.get(e).push(cb);
      }
    },
    off(ev, cb) {
      for (const e of ev ? String(ev).split(" ") : [...listeners.keys()]) {
        listeners.set(e, cb ? (listeners.get(e) || []).filter((f) => f !== cb) : []);
      }
    },
    save_changes() {},
    send() { throw new Error(`live kernel needed: ${offlineReason}`); },
    widget_manager: { get_model: () => Promise.reject(new Error("live kernel needed")) },
  };
}
