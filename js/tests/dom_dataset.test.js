// @vitest-environment jsdom
import { describe, it, expect, beforeEach } from "vitest";
import widget from "../src/widgets/dataset_explorer.js";
import { encode } from "../src/lib/codec.js";
import { traits, gamma, flush, byTestId, allByTestId, mountWidget } from "./helpers.js";

beforeEach(() => {
  document.body.replaceChildren();
  HTMLCanvasElement.prototype.getContext = () => null;
  globalThis.ResizeObserver = class { observe() {} disconnect() {} };
});

const d = 4, K = 3;
const KEPT_ROWS = [[0, 0.1, 0.01, 0, 1, 0.5], [1, 0.2, -0.02, 1, 2, -0.7], [2, 0.3, 0.03, 2, 3, 0.9]];

function mount(extra = {}) {
  const t = traits(d, {
    matrix: gamma(d, K), attributions: encode(new Float32Array(K * d).fill(1), [K, d]),
    inputs: encode(Float32Array.from({ length: K * d }, (_, k) => k), [K, d]), baselines: encode(new Float32Array(K * d), [K, d]),
    global_matrix: encode(new Float32Array(d * d).fill(0.25), [d, d]), global_label: "mean |Γ| over 1000 examples",
    view: "global", title: "store", kept: [0, 1, 2], kept_rows: KEPT_ROWS, n_examples: 1000, has_error: true,
    kernel_hint: "run the notebook", example: 0, sort_by: "example", descending: false,
    filter: { pair: [], min_abs_error: null, prediction: [null, null] }, page: 0, page_size: 2, ...extra,
  });
  return mountWidget(widget, t);
}
const commands = (model) => model.sent.map((s) => s.msg).filter((m) => m.kind === "anywidget-command");
const answer = (model, id, response, buffers = []) => {
  for (const h of [...(model.listeners.get("msg:custom") || [])]) h({ id, kind: "anywidget-command-response", response }, buffers);
};
const rowIds = (el) => allByTestId(el, "tw-dataset-row").map((r) => Number(r.dataset.example));

describe("DatasetExplorer view", () => {
  it("paints the kept rows at once, asks the kernel for the page, then shows the kernel's rows", async () => {
    const { el, model } = mount();
    expect(rowIds(el)).toEqual([0, 1]); // first page (size 2) of the kept rows, before any answer
    expect(byTestId(el, "tw-global-note")).toBeNull(); // no baseline editor here to explain
    await flush();
    const page = commands(model).find((c) => c.name === "page");
    expect(page.msg).toEqual({});
    answer(model, page.id, { ok: true, total: 1000, page: 0, rows: [[999, 5, 0.5, 1, 3, -9], [998, 4, 0.4, 0, 2, 8]] });
    await flush(); await flush();
    expect(rowIds(el)).toEqual([999, 998]);
    const first = allByTestId(el, "tw-dataset-row")[0];
    expect(first.textContent).toContain("f1 × f3");
    expect(byTestId(el, "tw-dataset-page-info").textContent).toBe("rows 1–2 of 1000");
    expect(byTestId(el, "tw-dataset-note").textContent).toBe("");
  });

  it("a header click commits the sort, a row click the example and the sample view; an unkept one is fetched", async () => {
    const { el, model } = mount();
    await flush();
    const page = commands(model).find((c) => c.name === "page");
    answer(model, page.id, { ok: true, total: 1000, page: 0, rows: [[500, 5, 0.5, 1, 3, -9]] });
    await flush(); await flush();
    byTestId(el, "tw-dataset-sort-abs_value").click();
    expect([model.get("sort_by"), model.get("descending"), model.get("page")]).toEqual(["abs_value", true, 0]);
    await flush();
    expect(commands(model).filter((c) => c.name === "page").length).toBe(2); // the new sort asks again
    allByTestId(el, "tw-dataset-row")[0].click();
    expect([model.get("example"), model.get("view")]).toEqual([500, "sample"]);
    const fetch = commands(model).find((c) => c.name === "fetch_example");
    expect(fetch.msg).toEqual({ index: 500 });
    const m = new Float32Array(d * d).fill(7);
    answer(model, fetch.id, { ok: true, index: 500, arrays: [{ name: "matrix", shape: [1, d, d], absmax: [7] }] }, [new DataView(m.buffer)]);
    await flush(); await flush();
    expect(el.querySelector(".tw-title").textContent).toContain("example 500");
    expect(byTestId(el, "tw-dataset-shown").textContent).toBe("Sample view: example 500");
  });

  it("a kept example is shown without asking the kernel", async () => {
    const { el, model } = mount();
    model.set("example", 2);
    model.set("view", "sample");
    await flush();
    expect(commands(model).some((c) => c.name === "fetch_example")).toBe(false);
    expect(el.querySelector(".tw-title").textContent).toContain("example 2");
  });

  it("without a kernel: the kept rows sort locally, an unkept example says a live kernel is needed", async () => {
    const { el, model } = mount({ page_size: 20 });
    model.send = () => { throw new Error("no comm"); };
    byTestId(el, "tw-dataset-sort-abs_value").click();
    await flush(); await flush();
    expect(rowIds(el)).toEqual([2, 1, 0]);
    expect(byTestId(el, "tw-dataset-note").textContent).toMatch(/first 3 of 1000 examples.*need a live kernel/);
    model.set("example", 700);
    await flush(); await flush();
    expect(byTestId(el, "tw-status").textContent).toMatch(/Example 700 is not kept.*live kernel needed — run the notebook/);
    expect(byTestId(el, "tw-status").dataset.state).toBe("error");
  });

  it("on an offline page nothing is asked: the kept rows and the host's reason show at once", async () => {
    const { el, model } = mount({ _tw_offline: "a saved copy" });
    await flush();
    expect(commands(model)).toEqual([]);
    expect(byTestId(el, "tw-dataset-note").dataset.kernel).toBe("absent");
    model.set("example", 900);
    await flush();
    expect(byTestId(el, "tw-status").textContent).toMatch(/Example 900 is not kept.*live kernel needed: a saved copy/);
  });

  it("filters commit a pair in feature order of the selects and go back to page 0", () => {
    const { el, model } = mount({ page: 3 });
    const f = byTestId(el, "tw-dataset-feature");
    f.value = "2"; f.dispatchEvent(new Event("change"));
    const p = byTestId(el, "tw-dataset-partner");
    p.value = "0"; p.dispatchEvent(new Event("change"));
    expect(model.get("filter").pair).toEqual([2, 0]);
    expect(model.get("page")).toBe(0);
    const e = byTestId(el, "tw-dataset-min-error");
    e.value = "-0.5"; e.dispatchEvent(new Event("change"));
    expect(model.get("filter").min_abs_error).toBe(0.5);
  });
});
