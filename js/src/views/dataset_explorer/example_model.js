// The model the matrix view of DatasetExplorer draws from: the widget's own model, except that
// matrix, attributions, inputs and baselines hold ONE example (B = 1, sample 0), either a slice
// of the kept examples or one fetched from the kernel. Every other trait, and every set(), goes
// to the widget's model, so clicks on the heatmap land in the real state.
import { decode } from "../../lib/codec.js";
import { memo } from "../../lib/memo.js";

export const OWN = ["matrix", "attributions", "inputs", "baselines"];
const EMPTY = { dtype: "float32", shape: [0], view: new DataView(new ArrayBuffer(0)) };

/**
 * @param {any} model  the widget's model
 * @returns {object} a model for mountMatrix, plus show(arrays, index), kept(index) and shown()
 */
export function createExampleModel(model) {
  const own = new Map(OWN.map((k) => [k, EMPTY]));
  const listeners = new Map();
  let shownIndex = null;
  const decoded = Object.fromEntries(OWN.map((k) => [k, memo(decode)]));

  /** Example `index`'s arrays from the kept traits, or null when it is not kept. */
  function kept(index) {
    const k = (model.get("kept") || []).indexOf(index);
    if (k < 0) return null;
    const out = {};
    for (const name of OWN) {
      const a = decoded[name](model.get(name));
      if (!a.size) continue;
      const per = a.size / a.shape[0];
      out[name] = { dtype: "float32", shape: [1, ...a.shape.slice(1)], view: a.data.subarray(k * per, (k + 1) * per),
        ...(a.absmax ? { absmax: [a.absmax[k]] } : {}) };
    }
    return out;
  }

  function show(arrays, index) {
    shownIndex = index;
    for (const k of OWN) own.set(k, arrays[k] || EMPTY);
    for (const k of [...OWN, "title"]) for (const cb of listeners.get(`change:${k}`) || []) cb();
  }

  const isOwn = (ev) => ev.startsWith("change:") && (OWN.includes(ev.slice(7)) || ev === "change:title" || ev === "change:sample");
  return {
    get(k) {
      if (OWN.includes(k)) return own.get(k);
      if (k === "sample") return 0;
      if (k === "title") {
        const t = model.get("title") || "";
        return model.get("view") === "sample" && shownIndex != null ? `${t} · example ${shownIndex}` : t;
      }
      return model.get(k);
    },
    set(k, v) { if (!OWN.includes(k) && k !== "sample") model.set(k, v); },
    save_changes: () => model.save_changes(),
    send: (...a) => model.send(...a),
    on(ev, cb) {
      for (const e of ev.split(" ")) {
        if (isOwn(e)) { if (!listeners.has(e)) listeners.set(e, new Set()); listeners.get(e).add(cb); }
        if (!isOwn(e) || e === "change:title") model.on(e, cb);
      }
    },
    off(ev, cb) {
      for (const e of (ev || "").split(" ")) { listeners.get(e)?.delete(cb); model.off?.(e, cb); }
    },
    show, kept, shown: () => shownIndex,
  };
}

/** The arrays of a "fetch_example" answer: its specs ({name, shape, absmax}) over its buffers. */
export function fromBuffers(specs, buffers) {
  const out = {};
  specs.forEach((s, k) => { out[s.name] = { dtype: "float32", shape: s.shape, view: buffers[k], ...(s.absmax ? { absmax: s.absmax } : {}) }; });
  return out;
}
