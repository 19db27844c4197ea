// Pointer → cell under the current ordering, and cell → rectangle for overlays.
// The canvas may be shown at a different size than its layout (CSS zoom, a transform,
// a notebook scaled by the browser), so positions are measured against the rect the
// browser reports, not against the layout's numbers.

/** (row, col) in the visible order for a point (x, y) inside a square of `size` px, else null. */
export function cellAt(x, y, n, size) {
  if (!(n > 0) || !(size > 0) || x < 0 || y < 0 || x >= size || y >= size) return null;
  const cell = size / n;
  return { row: Math.min(n - 1, Math.floor(y / cell)), col: Math.min(n - 1, Math.floor(x / cell)) };
}

/**
 * Feature pair under a client-space pointer.
 * @param {number} clientX
 * @param {number} clientY
 * @param {{left:number, top:number, width:number, height:number}} rect canvas bounding rect
 * @param {ArrayLike<number>} order visible feature indices, row/col k shows feature order[k]
 */
export function hitCell(clientX, clientY, rect, order) {
  const n = order.length;
  if (!rect || !(rect.width > 0) || !(rect.height > 0)) return null;
  // Normalise each axis separately so a non-square display still maps correctly.
  const x = ((clientX - rect.left) / rect.width) * n;
  const y = ((clientY - rect.top) / rect.height) * n;
  const hit = cellAt(x, y, n, n);
  return hit && { ...hit, i: order[hit.row], j: order[hit.col] };
}

/** Rectangle (CSS px within the plot) of cell (row, col); inverse of cellAt. */
export function cellRect(row, col, n, size) {
  const c = size / n;
  return { x: col * c, y: row * c, w: c, h: c };
}

/** Position of feature i in the visible order, or -1 when filtered out. */
export function positionOf(order, i) {
  for (let k = 0; k < order.length; k++) if (order[k] === i) return k;
  return -1;
}

/**
 * Keyboard navigation on the grid: arrow keys move the focused cell, clamped to the grid.
 * Returns the new {row, col}; unknown keys return null.
 */
export function stepCell(pos, key, n) {
  if (!(n > 0)) return null;
  const r = pos ? pos.row : 0, c = pos ? pos.col : 0;
  const clamp = (v) => Math.max(0, Math.min(n - 1, v));
  if (!pos && key.startsWith("Arrow")) return { row: 0, col: 0 };
  switch (key) {
    case "ArrowUp": return { row: clamp(r - 1), col: c };
    case "ArrowDown": return { row: clamp(r + 1), col: c };
    case "ArrowLeft": return { row: r, col: clamp(c - 1) };
    case "ArrowRight": return { row: r, col: clamp(c + 1) };
    case "Home": return { row: 0, col: 0 };
    case "End": return { row: n - 1, col: n - 1 };
    default: return null;
  }
}
