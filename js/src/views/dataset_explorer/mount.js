// DatasetExplorer's view: the matrix view (heatmap, drill-down, global toggle) drawn from one
// example at a time, with the example table below it. The matrix view reads an example model
// (example_model.js); the table and the requests read the widget's own model.
import { mountMatrix } from "../matrix/mount.js";
import { createExampleModel } from "./example_model.js";
import { createSource } from "./source.js";
import { createTable, TABLE_CSS } from "./table.js";

export const TABLE_TRAITS = ["example", "sort_by", "descending", "filter", "page", "page_size", "kept", "kept_rows",
  "n_examples", "has_error", "kernel_hint"];

const PAGE_TRAITS = ["sort_by", "descending", "filter", "page", "page_size"];

/** @returns {{cleanup: () => void, root: HTMLElement}} */
export function mountDataset({ model, el }) {
  const proxy = createExampleModel(model);
  let source = null;
  const part = (ctx) => {
    source = createSource({ model, proxy, changed: ctx.invalidate, el });
    const table = createTable({ model, source });
    return {
      el: table.el,
      update(v) { table.update(v); ctx.setStatus(source.message); },
      cleanup: () => source.cleanup(),
    };
  };
  const mounted = mountMatrix({ model: proxy, el, extras: [part], traits: TABLE_TRAITS, css: TABLE_CSS, globalNote: false, tabs: ["matrix"] });
  const onTable = () => source.refreshPage();
  const onExample = () => source.loadExample();
  // One event per call: not every host's model splits a space-separated list.
  for (const t of PAGE_TRAITS) model.on(`change:${t}`, onTable);
  model.on("change:example", onExample);
  source.loadExample();
  source.refreshPage();
  return {
    root: mounted.root,
    cleanup() {
      for (const t of PAGE_TRAITS) model.off?.(`change:${t}`, onTable);
      model.off?.("change:example", onExample);
      mounted.cleanup();
    },
  };
}
