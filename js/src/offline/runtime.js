// The runtime of an offline page: draws every stored widget of this package from its saved
// state, with no kernel and no network. The page (written by taylor_widgets/sharing/page.py)
// holds, as inert JSON script tags:
//   <script type="application/json" class="tw-esm" data-bundle="NAME">  a widget bundle's source
//   <script type="application/json" class="tw-model" data-model-id="ID"> {bundle, state, buffers}
// and a mount point per displayed widget, <div class="tw-mount" data-model-id="ID">, that holds
// the static fallback (the widget's picture) until the live view replaces it. Without
// JavaScript, or when a view fails to draw, the picture stays.
import { createModel, restoreBuffers } from "./model.js";

const REASON = "this is a saved copy with no Python behind it; open the notebook and run the cell to recompute";

const read = (el) => JSON.parse(el.textContent);
const modules = new Map(); // bundle name → Promise of the widget definition

function loadBundle(name) {
  if (!modules.has(name)) {
    const tag = [...document.querySelectorAll("script.tw-esm")].find((s) => s.dataset.bundle === name);
    if (!tag) return Promise.reject(new Error(`no bundle ${name} in this page`));
    const url = URL.createObjectURL(new Blob([read(tag)], { type: "text/javascript" }));
    modules.set(name, import(url).then(async (mod) => {
      let widget = mod.default ?? mod;
      if (typeof widget === "function") widget = await widget();
      return widget;
    }));
  }
  return modules.get(name);
}

const models = new Map(); // model id → {bundle, model, initialized}
for (const tag of document.querySelectorAll("script.tw-model")) {
  const spec = read(tag);
  models.set(tag.dataset.modelId, { bundle: spec.bundle, model: createModel(restoreBuffers(spec.state, spec.buffers), REASON) });
}

const timing = [];
let firstStart = null;
for (const mount of document.querySelectorAll(".tw-mount")) {
  const entry = models.get(mount.dataset.modelId);
  if (!entry) continue;
  const fallback = [...mount.children];
  const live = document.createElement("div");
  live.className = "tw-live";
  mount.appendChild(live);
  fallback.forEach((f) => { f.hidden = true; });
  try {
    const widget = await loadBundle(entry.bundle);
    if (!entry.initialized) { entry.initialized = true; await widget.initialize?.({ model: entry.model }); }
    const t0 = performance.now();
    firstStart ??= t0;
    await widget.render({ model: entry.model, el: live });
    timing.push(performance.now() - t0);
    fallback.forEach((f) => f.remove());
    mount.dataset.twLive = "1";
  } catch (err) {
    // Keep the picture and say why the live view is missing (as text: never markup).
    live.remove();
    fallback.forEach((f) => { f.hidden = false; });
    const note = document.createElement("div");
    note.className = "tw-note";
    note.textContent = `live view unavailable: ${err && err.message ? err.message : err}`;
    mount.appendChild(note);
    mount.dataset.twError = "1";
  }
}

window.__tw_models = Object.fromEntries([...models].map(([id, e]) => [id, e.model]));
window.__tw_model = models.size ? models.values().next().value.model : undefined; // the first (export_html's one)
// read by benchmarks/widget_render.py. frame_ms: from the first render()'s start to the end of the
// first frame after the renders (its style, layout and paint: a task posted from the frame's
// requestAnimationFrame runs after them), i.e. until the browser can show the pixels.
window.__tw_timing = { render_ms: timing[0], renders_ms: timing };
if (firstStart !== null) requestAnimationFrame(() => setTimeout(() => { window.__tw_timing.frame_ms = performance.now() - firstStart; }));
document.body.dataset.twReady = "1";
