// Sizes of the heatmap block for n visible features and an available width.
// Cells are whole pixels while they fit (crisp edges); beyond that (n = 1000 in a
// 700 px cell area) a cell is a fraction of a pixel and the n×n image is scaled down.

export const MAX_LABELLED = 60; // more rows than this cannot be read as text
export const MIN_LABEL_CELL = 9; // px: below this a row label overlaps its neighbours
const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

/**
 * @param {{n:number, width:number, maxNameLength?:number, legendW?:number,
 *          maxCell?:number, minPlot?:number, maxPlot?:number}} o
 */
export function computeLayout({ n, width, maxNameLength = 12, legendW = 72, maxCell = 32, minPlot = 160, maxPlot = 720 }) {
  const fit = (labelW) => {
    const avail = clamp(Math.floor((width || 0) - labelW - legendW - 12), minPlot, maxPlot);
    if (n <= 0) return { cell: 0, plot: avail };
    const raw = avail / n;
    if (raw < 1) return { cell: raw, plot: avail };
    const cell = Math.min(maxCell, Math.floor(raw));
    return { cell, plot: cell * n };
  };
  let labelW = n > 0 && n <= MAX_LABELLED ? clamp(Math.ceil(maxNameLength * 7.5) + 14, 36, 170) : 0;
  let { cell, plot } = fit(labelW);
  if (labelW && cell < MIN_LABEL_CELL) {
    labelW = 0;
    ({ cell, plot } = fit(0));
  }
  const showLabels = labelW > 0;
  return {
    n, cell, plot, showLabels, legendW,
    labelW, labelH: labelW, // column labels are the same text turned vertical
    fontSize: showLabels ? clamp(Math.floor(cell * 0.75), 9, 13) : 0,
    width: labelW + plot + legendW,
    height: labelW + plot,
  };
}

/** Backing-store size of the heatmap canvas: CSS pixels × devicePixelRatio, capped. */
export function backingSize(plot, dpr = 1) {
  return Math.max(1, Math.min(4096, Math.round(plot * Math.max(1, Math.min(dpr || 1, 3)))));
}

/** Where a legend tick at position t (0 = −vmax, 1 = +vmax) sits, top = +vmax. */
export const legendY = (t, height) => (1 - t) * height;
