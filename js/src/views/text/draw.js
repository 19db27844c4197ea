// Drawing of the text view on a canvas: token boxes in their colours, the selected token's
// outline and the arcs of the top pairs. The same function draws the PNG export (with text).
import { arcGeometry, arcWidth, tokenColors } from "../../lib/text_layout.js";

export const FONT = "14px sans-serif";
/** Fill of the focused token while the others show its row of Γ (colorscale.js HIDDEN_RGBA). */
export const SELF = { fill: "rgb(224,224,224)", text: "#111" };
const ARC_POS = "rgba(33,102,172,0.85)", ARC_NEG = "rgba(178,24,43,0.85)";

/** Text widths of the tokens (canvas measureText; 8 px a character where there is no canvas). */
export function measure(ctx, tokens) {
  if (!ctx || typeof ctx.measureText !== "function") return tokens.map((t) => 8 * t.length);
  ctx.font = FONT;
  return tokens.map((t) => ctx.measureText(t).width);
}

/** Paint boxes and arcs (and, with withText, the tokens themselves) into ctx at layout coordinates. */
export function paintText(ctx, v, layout, { withText = false } = {}) {
  const { boxes } = layout;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, layout.width, layout.height);
  boxes.forEach((b, i) => {
    // the focused token itself: its Γ_ii is left out of the scale, so it is drawn neutral, not saturated
    const self = i === v.focus && v.quantity === "interaction";
    const c = self ? SELF : tokenColors(v.values[i], v.vmax, v.scheme);
    ctx.fillStyle = c.fill;
    roundRect(ctx, b.x, b.y, b.w, b.h, 4);
    ctx.fill();
    if (i === v.focus) {
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = "#111";
      roundRect(ctx, b.x - 1.5, b.y - 1.5, b.w + 3, b.h + 3, 5);
      ctx.stroke();
    }
    if (withText) {
      ctx.fillStyle = c.text;
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      ctx.textAlign = "center";
      ctx.fillText(v.tokens[i], b.x + b.w / 2, b.y + b.h / 2);
    }
  });
  for (const p of v.pairs) {
    const g = arcGeometry(boxes[p.i], boxes[p.j]);
    const touches = v.focus < 0 || p.i === v.focus || p.j === v.focus;
    ctx.globalAlpha = touches ? 1 : 0.3;
    ctx.strokeStyle = p.value > 0 ? ARC_POS : ARC_NEG;
    ctx.lineWidth = arcWidth(p.value, v.pairMax);
    ctx.beginPath();
    ctx.moveTo(g.x0, g.y0);
    ctx.quadraticCurveTo(g.cx, g.cy, g.x1, g.y1);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
}

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
