// The one state cache of the views: array traits decoded without a copy and memoised on the
// trait object, so a click that changes one small trait decodes nothing again. DOM-free.
import { memo } from "../../lib/memo.js";
import { decode } from "../../lib/codec.js";

/**
 * @param {{get: (k: string) => any}} model
 * @returns {(name: string) => {data: Float32Array, shape: number[], size: number, absmax?: number[]}}
 *   the decoded trait; a trait that cannot be decoded reads as empty (and warns once per value).
 */
export function traitCache(model) {
  const decoders = new Map();
  return (name) => {
    if (!decoders.has(name)) decoders.set(name, memo(decode));
    try {
      return decoders.get(name)(model.get(name));
    } catch (err) {
      console.warn(`taylor_widgets: cannot decode ${name}`, err);
      return decoders.get(name)(null);
    }
  };
}

/** Set model state from a user action and send it: the one way a click touches the model. */
export function commit(model, patch) {
  for (const [k, v] of Object.entries(patch)) model.set(k, v);
  model.save_changes();
}
