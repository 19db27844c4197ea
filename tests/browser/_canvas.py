"""Reading the heatmap canvas from the page: pixels, cell geometry, waits on conditions."""

# Pixel statistics of the heatmap canvas, computed in the page (getImageData).
STATS_JS = """(sel) => {
  const c = document.querySelector(sel);
  if (!c || !c.width || !c.height) return null;
  const ctx = c.getContext('2d');
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  const bg = [d[0], d[1], d[2], d[3]];
  let painted = 0, hash = 0;
  for (let k = 0; k < d.length; k += 4) {
    if (d[k + 3] > 0 && (d[k] !== 255 || d[k + 1] !== 255 || d[k + 2] !== 255)) painted++;
    hash = (hash * 31 + d[k] * 7 + d[k + 1] * 3 + d[k + 2]) >>> 0;
  }
  return {w: c.width, h: c.height, painted, hash};
}"""

HEATMAP = '[data-testid="tw-heatmap"]'


def canvas_stats(page, root=""):
    return page.evaluate(STATS_JS, f"{root} {HEATMAP}".strip())


def wait_painted(page, root="", timeout=20_000):
    """Wait until the heatmap canvas has non-background pixels; return its stats."""
    page.wait_for_function(
        "(sel) => { const c = document.querySelector(sel); if (!c || !c.width) return false;"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let k = 0; k < d.length; k += 4) if (d[k+3] && (d[k] !== 255 || d[k+1] !== 255 || d[k+2] !== 255)) return true;"
        " return false; }",
        arg=f"{root} {HEATMAP}".strip(), timeout=timeout,
    )
    return canvas_stats(page, root)


def until(page, predicate, timeout=20_000, step=50, what="condition"):
    """Poll a Python-side condition (widget state synced from the page) without a fixed sleep."""
    waited = 0
    while not predicate():
        if waited >= timeout:
            raise AssertionError(f"timed out after {timeout} ms waiting for {what}")
        page.wait_for_timeout(step)  # lets the page and the kernel thread exchange messages
        waited += step


def wait_redrawn(page, old_hash, root="", timeout=20_000):
    """Wait until the heatmap pixels differ from `old_hash`; return the new stats."""
    page.wait_for_function(
        f"([f, sel, h]) => {{ const s = ({STATS_JS})(sel); return s && s.hash !== h; }}",
        arg=[None, f"{root} {HEATMAP}".strip(), old_hash], timeout=timeout,
    )
    return canvas_stats(page, root)


def stable_box(page, selector=HEATMAP, timeout=10_000):
    """The element's bounding box once it stopped moving for two animation frames (the view
    re-lays out when its ResizeObserver reports the output area's final width)."""
    page.wait_for_function(
        """(sel) => new Promise((resolve) => {
          const r = () => JSON.stringify(document.querySelector(sel).getBoundingClientRect());
          const a = r(); requestAnimationFrame(() => requestAnimationFrame(() => resolve(a === r())));
        })""", arg=selector, timeout=timeout)
    return page.locator(selector).bounding_box()
