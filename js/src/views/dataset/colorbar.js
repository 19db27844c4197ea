// The feature-value colour bar shared by the summary and the dependence plot: low → high on
// the dataset views' value scale (js/src/lib/dataset.js), drawn on a canvas context.
import { VALUE_STOPS } from "../../lib/dataset.js";
import { fmt } from "../../lib/format.js";
import { ellipsize, canvasMeasure } from "../../lib/ellipsis.js";

/**
 * Draw a vertical bar at (x, y), w × hgt, high on top, with end labels and a caption turned
 * along its side. ends: [low, high] texts; text: false draws the bar alone (the caller shows
 * the labels as DOM).
 */
export function drawValueBar(ctx, x, y, w, hgt, caption, ends = ["low", "high"], fg = "#444", text = true) {
  // The value LUT is linear in RGB between its stops, as a canvas gradient is: one fill draws
  // the same colours as one fillRect per pixel row (which a first draw paid for in calls).
  const g = ctx.createLinearGradient(0, y + hgt, 0, y);
  VALUE_STOPS.forEach((c, k) => g.addColorStop(k / (VALUE_STOPS.length - 1), c));
  ctx.fillStyle = g;
  ctx.fillRect(x, y, w, hgt);
  if (!text) return;
  ctx.save();
  ctx.fillStyle = fg;
  ctx.font = "10px sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(ends[1], x + w + 3, y);
  ctx.textBaseline = "bottom";
  ctx.fillText(ends[0], x + w + 3, y + hgt);
  ctx.translate(x + w + 14, y + hgt / 2);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(ellipsize(caption, hgt - 40, canvasMeasure(ctx)), 0, 0);
  ctx.restore();
}

/** The end labels of a numeric range: its low and high values, formatted. */
export const rangeEnds = (r) => [fmt(r.lo), fmt(r.hi)];
