// Where DatasetExplorer's rows and examples come from: the kernel when one answers (the "page"
// and "fetch_example" requests), else the kept rows and examples in the widget's state. The
// first paint never waits: it shows the kept rows while the kernel's first answer is on its way.
import { invoke, isNoKernel } from "../../lib/invoke.js";
import { kernelState } from "../../lib/host.js";
import { localPage } from "../../lib/dataset_rows.js";
import { fromBuffers } from "./example_model.js";

export const NO_KERNEL = "live kernel needed";

/**
 * @param {{model: any, proxy: any, changed: () => void, el?: HTMLElement}} o
 *   changed(): called when rows, the kernel state or the message changed (repaint). el: the
 *   view's element (a disconnected view is known to have no kernel before any request).
 */
export function createSource({ model, proxy, changed, el }) {
  // "live" once the kernel answered; "absent" when the host says nothing can answer (an offline
  // page, a disconnected view) or a request got no answer
  const host = kernelState(model, el);
  let kernel = host.live ? "unknown" : "absent";
  let page = null; // {total, page, rows, from: "kernel" | "kept"}
  let message = null; // {state, text} about the example shown
  let pageCtl = null, exampleCtl = null;

  const traits = () => ({
    sortBy: model.get("sort_by"), descending: !!model.get("descending"), filter: model.get("filter") || {},
    page: model.get("page") | 0, pageSize: model.get("page_size") || 20,
  });
  const keptPage = () => ({ ...localPage(model.get("kept_rows") || [], traits()), from: "kept" });
  const hint = () => (!host.live ? `: ${host.reason}` : model.get("kernel_hint") ? ` — ${model.get("kernel_hint")}` : "");

  // One commit sets several traits (sort, order, page), each firing a change: ask once for them.
  let scheduled = false;
  function refreshPage() {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => { scheduled = false; requestPage(); });
  }

  async function requestPage() {
    pageCtl?.abort(new DOMException("superseded", "AbortError"));
    if (kernel !== "live") { page = keptPage(); changed(); }
    if (kernel === "absent") return;
    const ctl = (pageCtl = new AbortController());
    try {
      const [res] = await invoke(model, "page", {}, { signal: ctl.signal });
      if (ctl !== pageCtl) return;
      if (res && res.ok) { kernel = "live"; page = { total: res.total, page: res.page, rows: res.rows, from: "kernel" }; }
      else message = { state: "error", text: `Listing examples failed: ${(res && res.error) || "unknown error"}` };
    } catch (err) {
      if (ctl !== pageCtl) return;
      if (isNoKernel(err)) { kernel = "absent"; page = keptPage(); loadExample(); }
      else message = { state: "error", text: `Listing examples failed: ${err && err.message ? err.message : err}` };
    }
    changed();
  }

  async function loadExample() {
    exampleCtl?.abort(new DOMException("superseded", "AbortError"));
    const index = model.get("example");
    const kept = proxy.kept(index);
    if (kept) { message = null; proxy.show(kept, index); changed(); return; }
    if (kernel === "absent") {
      message = { state: "error", text: `Example ${index} is not kept in this view (it keeps the first ${(model.get("kept") || []).length}): ${NO_KERNEL}${hint()}` };
      changed();
      return;
    }
    const ctl = (exampleCtl = new AbortController());
    message = { state: "computing", text: `Loading example ${index}…` };
    changed();
    try {
      const [res, buffers] = await invoke(model, "fetch_example", { index }, { signal: ctl.signal });
      if (ctl !== exampleCtl) return;
      if (res && res.ok && res.index === model.get("example")) { kernel = "live"; message = null; proxy.show(fromBuffers(res.arrays, buffers), index); }
      else if (!(res && res.ok)) message = { state: "error", text: `Loading example ${index} failed: ${(res && res.error) || "unknown error"}` };
    } catch (err) {
      if (ctl !== exampleCtl) return;
      if (isNoKernel(err)) kernel = "absent";
      message = { state: "error", text: isNoKernel(err) ? `Example ${index}: ${NO_KERNEL}${hint()}` : `Loading example ${index} failed: ${err && err.message ? err.message : err}` };
    }
    changed();
  }

  return {
    refreshPage, loadExample,
    get page() { return page || keptPage(); },
    get kernel() { return kernel; },
    get message() { return message; },
    cleanup() { pageCtl?.abort(new DOMException("closed", "AbortError")); exampleCtl?.abort(new DOMException("closed", "AbortError")); },
  };
}
