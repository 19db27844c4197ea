// Thumbnails of every image (one small canvas each, drawn once); a click selects the image.
import { composite } from "../../lib/cam_overlay.js";
import { h } from "../shared/dom.js";

export function buildGallery({ set }) {
  const el = h("div", { class: "tw-cam-gallery" });
  let built = null, buttons = [];
  return {
    el,
    update(v) {
      if (built !== v.images) {
        built = v.images;
        buttons = [];
        el.replaceChildren();
        if (v.B > 1) for (let b = 0; b < v.B; b++) buttons.push(thumb(v, b, set, el));
      }
      buttons.forEach((btn, b) => { btn.classList.toggle("tw-sel", b === v.b); btn.setAttribute("aria-pressed", String(b === v.b)); });
    },
  };
}

function thumb(v, b, set, el) {
  const cap = v.labels[b] != null ? String(v.labels[b]) : `image ${b}`;
  const btn = h("button", { type: "button", class: "tw-cam-thumb", "data-testid": `tw-cam-gallery-${b}`, title: cap, "aria-label": cap });
  const c = h("canvas");
  c.width = v.W; c.height = v.H;
  const ctx = c.getContext && c.getContext("2d");
  if (ctx) {
    const img = ctx.createImageData(v.W, v.H);
    composite(img.data, { image: v.images.data.subarray(b * v.H * v.W * 3, (b + 1) * v.H * v.W * 3), H: v.H, W: v.W });
    ctx.putImageData(img, 0, 0);
  }
  btn.appendChild(c);
  btn.addEventListener("click", () => set("image_index", b));
  el.appendChild(btn);
  return btn;
}
