// TextInteractions on the shared frame: a sentence picker, top-k, scheme and exports; the sentence
// as inline tokens (text as textContent) over a canvas with their colours and the arcs of the top
// pairs; a legend. Hover previews a token's row of Γ; a click or the arrow keys commit `selected`.
import { mountFrame } from "../shared/frame.js";
import { h, labelled } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";
import { lut, LUT_SIZE, SCHEME_NAMES } from "../../lib/colorscale.js";
import { fmt } from "../../lib/format.js";
import { layoutTokens, stepToken, tokenColors, tokenAt } from "../../lib/text_layout.js";
import { createTextState, quantityText } from "./state.js";
import { measure, paintText, FONT, SELF } from "./draw.js";
import { exportTextCSV, exportTextPNG } from "./export.js";

export const TEXT_TRAITS = ["tokens", "attributions", "interactions", "title", "value_label", "sentence", "selected",
  "top_k", "scheme"];

const CSS = `
.tw-text-area { position: relative; outline: none; margin: 4px 0; overflow-x: auto; overflow-y: hidden; }
.tw-text-area:focus-visible { box-shadow: 0 0 0 2px var(--jp-brand-color1, #1976d2); }
.tw-text-canvas { position: absolute; left: 0; top: 0; pointer-events: none; }
.tw-token { position: absolute; display: flex; align-items: center; justify-content: center; font: ${FONT};
  cursor: pointer; white-space: pre; user-select: none; overflow: hidden; }
.tw-text-legend { display: flex; align-items: center; gap: 8px; font-size: 12px; }
.tw-text-legend canvas { width: 160px; height: 10px; }
.tw-text-info { font-size: 12px; min-height: 1.2em; color: var(--jp-ui-font-color2, #555); }
`;

export function mountText({ model, el }) {
  const state = createTextState(model);
  return mountFrame({
    model, el, traits: TEXT_TRAITS, css: CSS, width: 720,
    build(frame) {
      const { root, title, status } = frame;
      const sentenceSel = h("select", { "data-testid": "tw-sample", "aria-label": "sentence" });
      const sentenceLabel = labelled("sentence", sentenceSel);
      const topk = h("input", { type: "number", min: "0", max: "50", step: "1", "data-testid": "tw-text-topk",
        "aria-label": "arcs: the sentence's k strongest pairs" });
      const scheme = h("select", { "data-testid": "tw-scheme", "aria-label": "colour scheme" });
      scheme.append(...SCHEME_NAMES.map((s) => h("option", { value: s }, s)));
      const csvBtn = h("button", { type: "button", "data-testid": "tw-export-csv" }, "CSV");
      const pngBtn = h("button", { type: "button", "data-testid": "tw-export-png" }, "PNG");
      const controls = h("div", { class: "tw-controls" });
      controls.append(sentenceLabel, labelled("arcs (top k)", topk), labelled("colours", scheme), csvBtn, pngBtn);

      const area = h("div", { class: "tw-text-area", tabindex: "0", role: "listbox", "data-testid": "tw-text",
        "aria-label": "tokens: arrow keys select, Escape clears" });
      const canvas = h("canvas", { class: "tw-text-canvas", "data-testid": "tw-text-canvas" });
      const measureCtx = canvas.getContext ? canvas.getContext("2d") : null;
      const legend = h("div", { class: "tw-text-legend", "data-testid": "tw-legend" });
      const legendBar = h("canvas");
      legendBar.width = 160; legendBar.height = 1;
      const lo = h("span"), hi = h("span"), quantity = h("span", { class: "tw-text-quantity" });
      legend.append(lo, legendBar, hi, quantity);
      const info = h("div", { class: "tw-text-info", "data-testid": "tw-text-info" });

      let v = null, layout = null, hover = -1, spans = [], spanKey = null, legendScheme = "";

      sentenceSel.addEventListener("change", () => commit(model, { sentence: +sentenceSel.value, selected: -1 }));
      topk.addEventListener("change", () => {
        const k = Math.round(+topk.value);
        if (Number.isFinite(k) && k >= 0 && k <= 50) commit(model, { top_k: k });
        else topk.value = String(model.get("top_k"));
      });
      scheme.addEventListener("change", () => commit(model, { scheme: scheme.value }));
      csvBtn.addEventListener("click", () => v && exportTextCSV(v, root));
      pngBtn.addEventListener("click", () => v && layout && exportTextPNG(v, layout, root));
      area.addEventListener("click", (e) => {
        if (!layout) return;
        const r = area.getBoundingClientRect();
        const i = tokenAt(layout.boxes, e.clientX - r.left, e.clientY - r.top);
        if (i < 0) return;
        area.focus();
        commit(model, { selected: i === model.get("selected") ? -1 : i });
      });
      area.addEventListener("mousemove", (e) => {
        if (!layout) return;
        const r = area.getBoundingClientRect();
        const i = tokenAt(layout.boxes, e.clientX - r.left, e.clientY - r.top);
        if (i !== hover) { hover = i; frame.invalidate(); }
      });
      area.addEventListener("mouseleave", () => { if (hover !== -1) { hover = -1; frame.invalidate(); } });
      area.addEventListener("keydown", (e) => {
        if (!layout) return;
        if (e.key === "Escape") { commit(model, { selected: -1 }); e.preventDefault(); return; }
        const next = stepToken(model.get("selected"), e.key, layout.boxes);
        if (next == null) return;
        e.preventDefault();
        hover = -1;
        commit(model, { selected: next });
      });

      function update(width) {
        v = state.derive(hover);
        title.textContent = v.title;
        if (v.empty) { status.show({ text: "Nothing to show: no interactions." }); return; }
        if (sentenceSel.options.length !== v.B) {
          sentenceSel.replaceChildren(...Array.from({ length: v.B }, (_, b) => {
            const words = (v.allTokens[b] || []).slice(0, 6).join(" ");
            return h("option", { value: String(b) }, `${b}: ${words}${(v.allTokens[b] || []).length > 6 ? " …" : ""}`);
          }));
        }
        sentenceLabel.classList.toggle("tw-hidden", v.B < 2);
        sentenceSel.value = String(v.sentence);
        if (document.activeElement !== topk) topk.value = String(v.k);
        scheme.value = v.scheme;

        // the area's own width (the root pads the cell); the frame's width before it is laid out
        const avail = Math.max(200, Math.floor(area.clientWidth || width - 24));
        const key = `${v.sentence}|${avail}|${v.tokens.join("\u0000")}`;
        if (key !== spanKey) {
          spanKey = key;
          layout = layoutTokens(measure(measureCtx, v.tokens), avail);
          spans = v.tokens.map((t, i) => {
            const b = layout.boxes[i];
            const s = h("span", { class: "tw-token", role: "option", "data-testid": `tw-token-${i}`,
              "data-index": String(i) }, t); // untrusted: textContent only
            Object.assign(s.style, { left: `${b.x}px`, top: `${b.y}px`, width: `${b.w}px`, height: `${b.h}px` });
            return s;
          });
          area.replaceChildren(canvas, ...spans);
          area.style.height = `${layout.height}px`; // its width follows the cell: setting it would feed the width tracking
        }
        const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
        canvas.width = Math.round(layout.width * dpr);
        canvas.height = Math.round(layout.height * dpr);
        canvas.style.width = `${layout.width}px`;
        canvas.style.height = `${layout.height}px`;
        const ctx = canvas.getContext ? canvas.getContext("2d") : null;
        if (ctx) {
          ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
          paintText(ctx, v, layout);
        }
        spans.forEach((s, i) => {
          const c = i === v.focus && v.quantity === "interaction" ? SELF : tokenColors(v.values[i], v.vmax, v.scheme);
          s.style.color = c.text;
          s.setAttribute("aria-selected", i === v.selected ? "true" : "false");
          s.setAttribute("title", `${v.tokens[i]} (${i}): ${v.quantity === "interaction" ? "Γ" : "φ"} = ${fmt(v.values[i])}`);
          s.dataset.value = String(v.values[i]);
        });
        area.dataset.selected = String(v.selected);
        area.dataset.pairs = v.pairs.map((p) => `${p.i}-${p.j}`).join(",");

        if (legendScheme !== v.scheme) {
          legendScheme = v.scheme;
          const lctx = legendBar.getContext ? legendBar.getContext("2d") : null;
          if (lctx) {
            const img = lctx.createImageData(160, 1), t = lut(v.scheme);
            for (let k = 0; k < 160; k++) {
              const q = Math.round((k / 159) * (LUT_SIZE - 1)) * 4;
              img.data.set([t[q], t[q + 1], t[q + 2], 255], k * 4);
            }
            lctx.putImageData(img, 0, 0);
          }
        }
        lo.textContent = fmt(-v.vmax);
        hi.textContent = fmt(v.vmax);
        quantity.textContent = quantityText(v);
        legend.dataset.quantity = v.quantity;
        legend.dataset.vmax = String(v.vmax);
        legend.setAttribute("aria-label", `${quantityText(v)}: ${fmt(-v.vmax)} to ${fmt(v.vmax)}`);

        if (v.focus >= 0) {
          let best = -1;
          for (let j = 0; j < v.n; j++) if (j !== v.focus && (best < 0 || Math.abs(v.values[j]) > Math.abs(v.values[best]))) best = j;
          info.textContent = best >= 0
            ? `“${v.tokens[v.focus]}” (${v.focus}): strongest partner “${v.tokens[best]}” (${best}), Γ = ${fmt(v.values[best])}; φ = ${fmt(v.attr[v.focus])}`
            : `“${v.tokens[v.focus]}” (${v.focus})`;
        } else {
          info.textContent = v.pairs.length
            ? `strongest pair: “${v.tokens[v.pairs[0].i]}” ↔ “${v.tokens[v.pairs[0].j]}”, Γ = ${fmt(v.pairs[0].value)}. Hover or click a token for its interactions.`
            : "Hover or click a token for its interactions.";
        }
        status.show({ text: "" });
      }
      return { nodes: [title, controls, status.el, legend, area, info], update };
    },
  });
}
