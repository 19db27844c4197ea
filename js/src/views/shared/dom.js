// The one DOM helper of every view, and the file download the exports share.
// Data (names, captions, messages) only ever reaches the DOM as text: never innerHTML.

/**
 * A new element. attrs: "class" sets the class name, every other key is an attribute;
 * text (optional) becomes its textContent.
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {string|number|null} [text]
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") { if (v) e.className = v; } else e.setAttribute(k, v);
  }
  if (text != null) e.textContent = String(text);
  return e;
}

/** A <label> holding `text` and then `control`. */
export function labelled(text, control, attrs = {}) {
  const l = h("label", attrs, `${text} `);
  l.appendChild(control);
  return l;
}

/**
 * Show `tooltip` with `text` (as text) 12 px below-right of the pointer event `e`, in the
 * coordinates of `box`, the element the tooltip is positioned in.
 */
export function showTooltip(tooltip, box, e, text) {
  tooltip.textContent = text;
  const r = box.getBoundingClientRect();
  tooltip.style.left = `${e.clientX - r.left + 12}px`;
  tooltip.style.top = `${e.clientY - r.top + 12}px`;
  tooltip.classList.remove("tw-hidden");
}

/** Start a download of `href` (data: or blob: URL) named `filename`. */
export function download(href, filename, root) {
  const a = h("a", { href, download: filename });
  a.style.display = "none";
  root.appendChild(a); // some browsers ignore clicks on detached anchors
  a.click();
  a.remove();
}

/** A file name from a title: word characters, dots and dashes, at most 60. */
export const slug = (s, fallback) => String(s || fallback).replace(/[^\w.-]+/g, "_").slice(0, 60) || fallback;
