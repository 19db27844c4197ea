// Width tracking shared by the widgets: a ResizeObserver that reports the element's width when
// it moved by 8 px or more (smaller jitter, e.g. a scrollbar appearing, does not relayout).

/**
 * @param {HTMLElement} el
 * @param {() => number} current  the width the view is laid out for now
 * @param {(w: number) => void} onWidth  called with the new width
 * @returns {() => void} stop observing (a no-op where ResizeObserver is missing)
 */
export function observeWidth(el, current, onWidth) {
  if (typeof ResizeObserver === "undefined") return () => {};
  const ro = new ResizeObserver((entries) => {
    const w = Math.floor(entries[0].contentRect.width);
    if (w > 0 && Math.abs(w - current()) >= 8) onWidth(w);
  });
  ro.observe(el);
  return () => ro.disconnect();
}
