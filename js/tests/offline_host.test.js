// @vitest-environment jsdom
// The offline page's model (js/src/offline/model.js), the kernel check (lib/host.js), and the
// Explorer editor without a kernel: disabled from the start with the reason, a first edit that
// goes unanswered said within NO_ANSWER_MS, Enter, clearing a field, values beyond float32.
import { describe, it, expect, vi } from "vitest";
import widget from "../src/widgets/explorer.js";
import { decode, encode } from "../src/lib/codec.js";
import { createModel, restoreBuffers, b64ToBuffer } from "../src/offline/model.js";
import { kernelState, OFFLINE_KEY, NO_ANSWER_MS, DISCONNECTED_CLASS } from "../src/lib/host.js";
import { readField, FLOAT32_MAX } from "../src/views/explorer/baseline_editor.js";
import { traits, flush, byTestId, mockModel, explorerDomSetup, commands, statusText as status } from "./helpers.js";

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));

describe("offline model", () => {
  it("puts saved buffers back at their paths as DataViews, skipping paths that lead nowhere", () => {
    const f = new Float32Array([1.5, -2]);
    const state = { matrix: { dtype: "float32", shape: [2] }, other: 3 };
    restoreBuffers(state, [{ path: ["matrix", "view"], data: b64(new Uint8Array(f.buffer)) },
      { path: ["missing", "view"], data: "AAAA" }, { path: [], data: "AAAA" }]);
    expect(state.matrix.view).toBeInstanceOf(DataView);
    expect(Array.from(decode(state.matrix).data)).toEqual([1.5, -2]);
    expect(state.missing).toBeUndefined();
    expect(new Uint8Array(b64ToBuffer(b64([0, 255, 7])))).toEqual(new Uint8Array([0, 255, 7]));
  });

  it("get/set/on/off like Backbone; send throws at once; the reason is readable", () => {
    const m = createModel({ a: 1 }, "saved copy");
    const seen = [];
    const cb = (v) => seen.push(v);
    m.on("change:a", cb);
    m.set("a", 2); m.set("a", 2); // no change, no event
    m.off("change:a", cb);
    m.set("a", 3);
    expect(seen).toEqual([2]);
    expect(m.get("a")).toBe(3);
    expect(m.get(OFFLINE_KEY)).toBe("saved copy");
    expect(() => m.send({})).toThrow(/live kernel needed: saved copy/);
  });
});

describe("kernelState", () => {
  it("offline model, disconnected view, or maybe live", () => {
    const el = document.createElement("div");
    expect(kernelState(createModel({}, "reason"), el)).toMatchObject({ live: false, offline: true, reason: "reason" });
    const host = document.createElement("div");
    host.className = DISCONNECTED_CLASS;
    host.appendChild(el);
    expect(kernelState(mockModel({}), el)).toMatchObject({ live: false, offline: false });
    expect(kernelState(mockModel({}), document.createElement("div"))).toEqual({ live: true });
  });
});

describe("readField", () => {
  it("commits finite float32 values; restores on empty, bad input or overflow", () => {
    expect(readField("0.5")).toEqual({ value: 0.5 });
    expect(readField(" -3e2 ")).toEqual({ value: -300 });
    expect(readField("")).toMatchObject({ restore: true, why: expect.stringContaining("empty") });
    expect(readField("1", true)).toMatchObject({ restore: true });
    expect(readField("1e40")).toMatchObject({ restore: true, why: expect.stringContaining("float32") });
    expect(readField(String(FLOAT32_MAX))).toEqual({ value: FLOAT32_MAX });
  });
});

explorerDomSetup();

const editorTraits = () => traits(4, {
  baseline: encode([0.25, 0, 0, 0]), baseline_kind: "custom", baseline_sample: 0, data_range: encode([], [0]),
  kernel_hint: "run the cell", status: { state: "idle", message: "", progress: 0 },
});
const controls = (el) => [byTestId(el, "tw-baseline-kind"), ...[0, 1, 2, 3].flatMap(
  (i) => [byTestId(el, `tw-baseline-input-${i}`), byTestId(el, `tw-baseline-slider-${i}`)])];

function mountOn(model, host = document.body) {
  const el = document.createElement("div");
  host.appendChild(el);
  widget.render({ model, el });
  return el;
}

describe("Explorer editor with no kernel behind it", () => {
  it("in an exported file: every recompute control is disabled from the start, with the reason", () => {
    const state = editorTraits();
    const model = createModel(state, "this is a saved copy");
    const el = mountOn(model);
    expect(controls(el).every((c) => c.disabled)).toBe(true);
    const note = byTestId(el, "tw-kernel-note");
    expect(note.classList.contains("tw-hidden")).toBe(false);
    expect(note.textContent).toContain("needs a live kernel: this is a saved copy");
    expect(note.textContent.split("\n").length).toBe(1);
    byTestId(el, "tw-label-2").click(); // the rest still answers
    expect(model.get("selected")).toBe(2);
  });

  it("in a notebook output with no comm: disabled from the start as well", () => {
    const host = document.createElement("div");
    host.className = DISCONNECTED_CLASS;
    document.body.appendChild(host);
    const model = mockModel(editorTraits());
    const el = mountOn(model, host);
    expect(controls(el).every((c) => c.disabled)).toBe(true);
    expect(byTestId(el, "tw-kernel-note").textContent).toContain("run the cell");
  });

  it("an edit nobody answers is said within NO_ANSWER_MS, and the typed value stays", async () => {
    const model = mockModel(editorTraits());
    const el = mountOn(model);
    const num = byTestId(el, "tw-baseline-input-1");
    num.focus();
    num.value = "0.75"; num.dispatchEvent(new Event("change", { bubbles: true }));
    expect(commands(model).length).toBe(1);
    await vi.advanceTimersByTimeAsync(NO_ANSWER_MS - 1);
    expect(status(el)).not.toContain("live kernel");
    expect(status(el)).toContain("Recomputing");
    await vi.advanceTimersByTimeAsync(1);
    expect(status(el)).toMatch(/no answer from the kernel after 1 s; recomputing needs a live kernel \(run the cell\)/);
    expect(num.value).toBe("0.75");
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([0.25, 0.75, 0, 0]);
    // the answer still counts when it comes
    model.reply({ id: commands(model)[0].id, kind: "anywidget-command-response", response: { ok: true } });
    await flush();
    expect(status(el)).toBe("");
  });

  it("Enter commits the field once, even when a change event follows", () => {
    const model = mockModel(editorTraits());
    const el = mountOn(model);
    const num = byTestId(el, "tw-baseline-input-2");
    num.value = "1.5";
    const enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
    const outside = vi.fn();
    document.body.addEventListener("keydown", outside);
    num.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    expect(outside).not.toHaveBeenCalled(); // the notebook does not see this Enter
    expect(commands(model).length).toBe(1);
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([0.25, 0, 1.5, 0]);
    num.dispatchEvent(new Event("change", { bubbles: true }));
    expect(commands(model).length).toBe(1);
  });

  it("clearing a field restores the previous value, not 0; 1e40 gets a message beside the field", () => {
    const model = mockModel(editorTraits());
    const el = mountOn(model);
    const num = byTestId(el, "tw-baseline-input-0");
    num.value = ""; num.dispatchEvent(new Event("change", { bubbles: true }));
    expect(num.value).toBe("0.25");
    expect(commands(model).length).toBe(0);
    expect(byTestId(el, "tw-baseline-note-0").textContent).toContain("empty: kept the previous value");
    num.value = "1e40"; num.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(num.value).toBe("0.25");
    const note = byTestId(el, "tw-baseline-note-0");
    expect(note.textContent).toContain("1e40 is beyond the float32 range");
    expect(note.classList.contains("tw-hidden")).toBe(false);
    expect(commands(model).length).toBe(0);
    expect(Array.from(decode(model.get("baseline")).data)).toEqual([0.25, 0, 0, 0]);
    num.value = "2"; num.dispatchEvent(new Event("change", { bubbles: true })); // a good value clears the note
    expect(note.classList.contains("tw-hidden")).toBe(true);
    expect(commands(model).length).toBe(1);
  });
});
