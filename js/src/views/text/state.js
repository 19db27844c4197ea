// Traits of TextInteractions → what the view draws for the sentence shown. DOM-free: vitest
// drives it with a mock model. Every interaction of every sentence is in the traits, so each
// hover and click is answered without a kernel.
import { traitCache } from "../shared/trait_cache.js";
import { topPairs, tokenValues, absMax } from "../../lib/text_layout.js";

export function createTextState(model) {
  const arr = traitCache(model);
  /** @param {number} hover  the token under the pointer (−1 none): it previews a selection */
  function derive(hover = -1) {
    const G = arr("interactions"), A = arr("attributions");
    const allTokens = model.get("tokens") || [];
    const title = model.get("title") || "";
    if (G.size === 0 || G.shape.length !== 3) return { empty: true, title };
    const [B, T] = G.shape;
    const sentence = Math.min(Math.max(0, model.get("sentence") | 0), B - 1);
    const tokens = (allTokens[sentence] || []).slice(0, T).map(String);
    const n = tokens.length;
    const m = G.data.subarray(sentence * T * T, (sentence + 1) * T * T);
    const attr = A.size ? A.data.subarray(sentence * T, (sentence + 1) * T) : new Float32Array(T);
    const selRaw = model.get("selected");
    const selected = Number.isInteger(selRaw) && selRaw >= 0 && selRaw < n ? selRaw : -1;
    const focus = hover >= 0 && hover < n ? hover : selected;
    const k = Math.max(0, model.get("top_k") | 0);
    const pairs = topPairs(m, T, n, k);
    const colour = tokenValues({ m, attr, T, n, selected: focus });
    return {
      empty: false, title, B, T, n, sentence, tokens, allTokens, m, attr, selected, focus, hover, k, pairs,
      pairMax: pairs.length ? absMax(pairs.map((p) => p.value)) : 1,
      values: colour.values, vmax: colour.vmax, quantity: colour.quantity,
      scheme: model.get("scheme") || "RdBu", valueLabel: model.get("value_label") || "Γ",
    };
  }
  return { derive };
}

/** The legend's words for what colours the tokens. */
export function quantityText(v) {
  if (v.quantity === "interaction") return `interaction with “${v.tokens[v.focus]}” (${v.valueLabel}, row ${v.focus})`;
  return `attribution φ_i = Σ_j Γ_ij (${v.valueLabel})`;
}
