// @vitest-environment jsdom
import { describe, it, expect, vi } from "vitest";
import widget from "../src/widgets/explorer.js";
import { decode, encode } from "../src/lib/codec.js";
import { sliderRange, DEBOUNCE_MS, REQUEST_TIMEOUT_MS } from "../src/views/explorer/baseline_editor.js";
import { traits, flush, byTestId, mountWidget, explorerDomSetup, commands, statusText as status } from "./helpers.js";

explorerDomSetup();

function mount(extra = {}) {
  const d = 4;
  return mountWidget(widget, traits(d, {
    baseline: encode([0, 0, 0, 0]), baseline_kind: "zeros", baseline_sample: 0,
    data_range: encode([-1, -2, -3, -4, 1, 2, 3, 4], [2, d]), kernel_hint: "run the notebook",
    status: { state: "idle", message: "", progress: 0 }, ...extra,
  }));
}

describe("Explorer baseline editor", () => {
  it("has a number field and a slider over data_range per feature", () => {
    const { el } = mount();
    const slider = byTestId(el, "tw-baseline-slider-1");
    expect([slider.min, slider.max]).toEqual(["-2", "2"]); // data_range of feature 1
    // Feature 2's input (4) lies outside its data range [-3, 3]: the slider widens to reach it.
    expect(byTestId(el, "tw-baseline-slider-2").max).toBe("4");
    expect(byTestId(el, "tw-baseline-input-3").value).toBe("0");
    expect(byTestId(el, "tw-baseline-kind").value).toBe("zeros");
  });

  it("slider drags set baseline (float32 payload) + kind custom, then one debounced recompute", async () => {
    const { el, model } = mount();
    const slider = byTestId(el, "tw-baseline-slider-2");
    for (const v of ["0.5", "1", "1.5"]) { slider.value = v; slider.dispatchEvent(new Event("input", { bubbles: true })); }
    const b = model.get("baseline");
    expect(b.dtype).toBe("float32");
    expect(b.shape).toEqual([4]);
    expect(b.view).toBeInstanceOf(DataView);
    expect(Array.from(decode(b).data)).toEqual([0, 0, 1.5, 0]);
    expect(byTestId(el, "tw-baseline-input-2").value).toBe("1.5"); // the number field follows the drag
    expect(model.get("baseline_kind")).toBe("custom");
    expect(commands(model)).toEqual([]);
    const saves = model.saves; // a drag repaints locally: nothing reaches the kernel yet
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS - 1);
    expect(commands(model)).toEqual([]);
    expect(model.saves).toBe(saves);
    await vi.advanceTimersByTimeAsync(1);
    const cmds = commands(model);
    expect(cmds.length).toBe(1);
    // the traits are committed first; the request carries nothing but its name
    expect(model.saves).toBe(saves + 1);
    expect(cmds[0]).toMatchObject({ name: "apply_baseline", msg: {} });
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([0, 0, 1.5, 0]);
    expect(status(el)).toContain("Recomputing");
    model.reply({ id: cmds[0].id, kind: "anywidget-command-response", response: { ok: true } });
    await flush();
    expect(status(el)).toBe("");
  });

  it("a committed edit (number field, slider release) is sent at once, not after the debounce", async () => {
    const { model, el } = mount();
    const num = byTestId(el, "tw-baseline-input-1");
    num.value = "0.5"; num.dispatchEvent(new Event("change", { bubbles: true }));
    expect(commands(model).length).toBe(1);
    expect(commands(model)[0]).toMatchObject({ name: "apply_baseline", msg: {} });
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([0, 0.5, 0, 0]);
    const saves = model.saves;
    const slider = byTestId(el, "tw-baseline-slider-3");
    slider.value = "1"; slider.dispatchEvent(new Event("input", { bubbles: true }));
    expect(commands(model).length).toBe(1); // dragging: waits
    slider.dispatchEvent(new Event("change", { bubbles: true })); // released
    expect(commands(model).length).toBe(2);
    expect(commands(model)[1]).toMatchObject({ name: "apply_baseline", msg: {} });
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([0, 0.5, 0, 1]);
    expect(model.saves).toBe(saves + 1); // committed with its request
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS * 2);
    expect(commands(model).length).toBe(2); // the drag's timer was cancelled, nothing sent twice
  });

  it("without a kernel: says so after the timeout and keeps the user's edits", async () => {
    const { el, model } = mount();
    const num = byTestId(el, "tw-baseline-input-0");
    num.value = "-0.25"; num.dispatchEvent(new Event("change", { bubbles: true }));
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
    expect(status(el)).toContain("Recomputing");
    await vi.advanceTimersByTimeAsync(1);
    expect(status(el)).toContain("live kernel needed to recompute");
    expect(status(el)).toContain("run the notebook");
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([-0.25, 0, 0, 0]);
    await flush();
    byTestId(el, "tw-label-1").click(); // drilling down still works
    expect(model.get("selected")).toBe(1);
  });

  it("shows the kernel's error and keeps the edit", async () => {
    const { el, model } = mount();
    const num = byTestId(el, "tw-baseline-input-0");
    num.value = "2"; num.dispatchEvent(new Event("change", { bubbles: true }));
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    const [cmd] = commands(model);
    model.reply({ id: cmd.id, kind: "anywidget-command-response", response: { ok: false, error: "model exploded" } });
    await flush();
    expect(status(el)).toContain("model exploded");
    expect(byTestId(el, "tw-status").dataset.state).toBe("error");
    expect(model.get("baseline_kind")).toBe("custom");
  });

  it("kind select commits the kind and requests; the status trait shows progress", async () => {
    const { el, model } = mount({ baseline_sample: 3 });
    const kind = byTestId(el, "tw-baseline-kind");
    kind.value = "mean"; kind.dispatchEvent(new Event("change"));
    expect(model.get("baseline_kind")).toBe("mean");
    expect(model.saves).toBe(1);
    const [cmd] = commands(model);
    expect(cmd).toMatchObject({ name: "apply_baseline", msg: {} });
    expect(model.get("baseline_sample")).toBe(3);
    model.set("status", { state: "computing", message: "integrating", progress: 0.5 });
    expect(status(el)).toBe("integrating");
    expect(byTestId(el, "tw-status").querySelector("progress").value).toBe(0.5);
    model.set("baseline", encode([1, 2, 3, 4])); // Python resolves the mean and sets the trait
    model.reply({ id: cmd.id, kind: "anywidget-command-response", response: { ok: true } });
    await flush();
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([1, 2, 3, 4]);
    expect(byTestId(el, "tw-baseline-input-2").value).toBe("3");
    model.set("status", { state: "idle", message: "", progress: 1 });
    await flush();
    expect(status(el)).toBe("");
  });

  it("a refused edit comes back from Python: the field shows it once the user leaves it", async () => {
    const { el, model } = mount();
    const num = byTestId(el, "tw-baseline-input-1");
    num.focus();
    num.value = "7"; num.dispatchEvent(new Event("change", { bubbles: true }));
    const [cmd] = commands(model);
    model.set("baseline", encode([0, 0, 0, 0])); // Python puts its explained baseline back …
    model.set("baseline_kind", "zeros");
    model.reply({ id: cmd.id, kind: "anywidget-command-response", response: { ok: false, error: "model exploded" } });
    await flush();
    expect(num.value).toBe("7"); // … while the user is still in the field, it is left alone
    num.blur();
    await flush();
    expect(num.value).toBe("0");
    expect(byTestId(el, "tw-baseline-kind").value).toBe("zeros");
    expect(status(el)).toContain("model exploded");
  });

  it("cleanup cancels a pending recompute", async () => {
    const { el, model, cleanup } = mount();
    const slider = byTestId(el, "tw-baseline-slider-0");
    slider.value = "1"; slider.dispatchEvent(new Event("input", { bubbles: true }));
    cleanup();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS * 4);
    expect(commands(model)).toEqual([]);
  });

  it("slider ranges fall back around the values when data_range is missing", () => {
    expect(sliderRange(null, 3, 0, 2, 0)).toEqual({ lo: -1, hi: 3, step: 0.02 });
    expect(sliderRange(null, 3, 0, NaN, NaN)).toEqual({ lo: -1, hi: 1, step: 0.01 });
    const r = decode(encode([0, 0, 1, 1], [2, 2]));
    expect(sliderRange(r, 2, 1, 0.5, 5).hi).toBe(5); // an out-of-range baseline stays reachable
  });
});
