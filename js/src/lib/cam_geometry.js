// Cell ↔ pixel mapping for the CAM viewer. The layer's h×w grid splits the image evenly
// (cell i is row ⌊i / w⌋, column i mod w), the same convention as TaylorCAMResult.cell_boxes.

/** Integer display scale so the longer image side is about `target` px (never below 1). */
export function displayScale(H, W, target = 320) {
  const side = Math.max(H, W, 1);
  return Math.max(1, Math.floor(target / side));
}

/** Number of cells of a [h, w] grid. */
export const cellCount = (grid) => (grid && grid.length === 2 ? Math.max(0, grid[0] | 0) * Math.max(0, grid[1] | 0) : 0);

/** {x0, y0, x1, y1} of `cell` in a W×H pixel frame. */
export function cellRect(cell, grid, W, H) {
  const [h, w] = grid;
  const r = Math.floor(cell / w), c = cell % w;
  return { x0: (c * W) / w, y0: (r * H) / h, x1: ((c + 1) * W) / w, y1: ((r + 1) * H) / h };
}

/** [x, y] centre of `cell` in a W×H pixel frame. */
export function cellCenter(cell, grid, W, H) {
  const b = cellRect(cell, grid, W, H);
  return [(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2];
}

/** The cell under (x, y) of a W×H frame, −1 outside it. */
export function cellAt(x, y, grid, W, H) {
  const [h, w] = grid;
  if (!(h > 0 && w > 0) || !(x >= 0 && y >= 0 && x < W && y < H)) return -1;
  const c = Math.min(w - 1, Math.floor((x * w) / W));
  const r = Math.min(h - 1, Math.floor((y * h) / H));
  return r * w + c;
}

/** Cell reached from `cell` by an arrow key (stays inside the grid); −1 starts at cell 0. */
export function stepCell(cell, key, grid) {
  const [h, w] = grid;
  const n = h * w;
  if (n <= 0) return -1;
  if (cell < 0 || cell >= n) return 0;
  let r = Math.floor(cell / w), c = cell % w;
  if (key === "ArrowLeft") c = Math.max(0, c - 1);
  else if (key === "ArrowRight") c = Math.min(w - 1, c + 1);
  else if (key === "ArrowUp") r = Math.max(0, r - 1);
  else if (key === "ArrowDown") r = Math.min(h - 1, r + 1);
  return r * w + c;
}

/** "row r, col c" for status text. */
export const cellName = (cell, grid) => `cell ${cell} (row ${Math.floor(cell / grid[1])}, col ${cell % grid[1]})`;
