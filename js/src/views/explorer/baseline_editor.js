// Explorer's baseline editor. The traits are the one source of truth: an edit commits
// `baseline` (a fresh float32 payload) and `baseline_kind = "custom"`, a kind or row choice
// commits `baseline_kind` / `baseline_sample`; then the bare "apply_baseline" request asks the
// kernel to explain that state and to answer how it went (it sets matrix, baseline, … itself).
// Slider drags only set the model locally and commit once the user pauses (debounced). A
// refused or failed edit comes back as Python's previous values, and the error shows in tw-status.
// Honest without a kernel (lib/host.js): in an exported file, or a saved output with no comm to
// Python, the controls are disabled from the start with a one-line reason (tw-kernel-note); when
// a request goes unanswered for NO_ANSWER_MS the status says a live kernel is needed, and the
// typed value stays in its field. Enter commits a field (JupyterLab swallows the change event);
// an empty field or a value beyond float32 restores the previous value and says so beside it.
import { decode, encode } from "../../lib/codec.js";
import { NO_ANSWER_MS, kernelState } from "../../lib/host.js";
import { invoke, isNoKernel } from "../../lib/invoke.js";
import { fmt } from "../../lib/format.js";
import { nameOf } from "../matrix/state.js";
import { h } from "../shared/dom.js";
import { commit } from "../shared/trait_cache.js";

// Slider drags coalesce over this window; a committed edit (number field change, slider release,
// kind change) is sent at once, since it is the user's final value.
export const DEBOUNCE_MS = 150;
export const REQUEST_TIMEOUT_MS = 60_000; // a recompute on CPU can take a while; ≥ 30 s by contract
export const MAX_ROWS = 100; // more rows than this is a wall of sliders: narrow with top-N/search
export const KINDS = ["zeros", "mean", "median", "sample", "custom"];
/** The kernel command (Python answers it in Explorer._on_apply_baseline). */
export const APPLY = "apply_baseline";
const NO_KERNEL = "live kernel needed to recompute";
/** The largest magnitude a float32 baseline can hold (the wire format is float32). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * What a typed field value means: {value} to commit, or {restore, why} to put the previous value back.
 * @param {string} text  the field's value ("" when empty or not a number)
 * @param {boolean} bad  the field reports unparsable input (validity.badInput)
 */
export function readField(text, bad = false) {
  const t = String(text ?? "").trim();
  if (bad || t === "") return { restore: true, why: "empty: kept the previous value" };
  const v = Number(t);
  if (!Number.isFinite(v)) return { restore: true, why: `${t} is not a finite number: kept the previous value` };
  if (Math.abs(v) > FLOAT32_MAX) {
    return { restore: true, why: `${t} is beyond the float32 range (|value| ≤ 3.4e38): kept the previous value` };
  }
  return { value: v };
}

/** Slider bounds for feature i: data_range when known, else around input and baseline. */
export function sliderRange(range, d, i, input, base) {
  let lo, hi;
  if (range && range.size === 2 * d) { lo = range.data[i]; hi = range.data[d + i]; }
  const known = [input, base].filter(Number.isFinite);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    lo = Math.min(0, ...known); hi = Math.max(0, ...known);
    const pad = (hi - lo) * 0.5 || 1;
    lo -= pad; hi += pad;
  }
  // The current values must stay reachable even when they lie outside the data.
  for (const v of known) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return { lo, hi, step: (hi - lo) / 200 };
}

export function createBaselineEditor({ model, state, invalidate, setStatus }) {
  const el = h("div", { class: "tw-editor" });
  const head = h("div", { class: "tw-controls" });
  const kind = h("select", { "data-testid": "tw-baseline-kind", "aria-label": "baseline kind" });
  kind.replaceChildren(...KINDS.map((k) => h("option", { value: k }, k)));
  const kindLabel = h("label", {}, "baseline ");
  kindLabel.appendChild(kind);
  const sampleIdx = h("input", { type: "number", min: "0", step: "1", "aria-label": "data row used as baseline" });
  const sampleLabel = h("label", {}, "row ");
  sampleLabel.appendChild(sampleIdx);
  const note = h("span", { class: "tw-muted" });
  head.append(kindLabel, sampleLabel, note);
  const kernelNote = h("div", { class: "tw-muted tw-kernel-note tw-hidden", "data-testid": "tw-kernel-note" });
  const table = h("table");
  el.append(kernelNote, head, table);

  let timer = null, inflight = null, local = null, rowsKey = [], valuesKey = [], rows = new Map();
  let noKernel = null; // the reason, once it is known that no kernel can answer

  function currentBaseline() {
    const b = decode(model.get("baseline"));
    if (b.size === state.derive().d) return Float32Array.from(b.data);
    const v = state.derive();
    return v.baselines ? Float32Array.from(v.baselines) : new Float32Array(v.d);
  }

  // ---- kernel requests ----
  function showLocal(s) { local = s; paintStatus(); }
  function paintStatus() {
    const st = model.get("status") || {};
    if (local) return setStatus(local);
    setStatus({ state: st.state || "idle", text: st.state === "idle" ? st.message || "" : st.message || st.state || "", progress: st.progress });
  }
  /** Commit what the model holds and ask the kernel to apply it. `what` names the change in an
   * error, `busy` while it runs. */
  async function apply(what, busy = what) {
    clearTimeout(timer);
    timer = null;
    if (checkKernel(true)) return; // nothing could answer: the controls are disabled, the reason shown
    model.save_changes();
    if (inflight) inflight.abort(new DOMException("superseded", "AbortError"));
    const ctl = new AbortController();
    inflight = ctl;
    showLocal({ state: "computing", text: `${busy}…`, progress: 0 });
    // A live kernel answers a recompute's first step well within this; silence means no kernel
    // is listening (or it is busy): say so now rather than when the request times out.
    const slow = setTimeout(() => {
      if (ctl !== inflight) return;
      const hint = model.get("kernel_hint");
      showLocal({ state: "error", text: `${busy}… no answer from the kernel after ${NO_ANSWER_MS / 1000} s; recomputing needs a live kernel${hint ? ` (${hint})` : ""}. Still waiting; the edited value is kept.` });
    }, NO_ANSWER_MS);
    try {
      const [res] = await invoke(model, APPLY, {}, { signal: ctl.signal, timeoutMs: REQUEST_TIMEOUT_MS });
      if (ctl !== inflight) return;
      inflight = null;
      if (res && res.ok) showLocal(null);
      else showLocal({ state: "error", text: `${what} failed: ${(res && res.error) || "unknown error"}` });
    } catch (err) {
      if (ctl !== inflight) return; // superseded by a newer edit: not an error
      inflight = null;
      const hint = model.get("kernel_hint");
      showLocal(isNoKernel(err)
        ? { state: "error", text: `${NO_KERNEL}${hint ? ` — ${hint}` : ""}; the edited value was not applied` }
        : { state: "error", text: `${what} failed: ${err && err.message ? err.message : err}` });
    } finally {
      clearTimeout(slow);
    }
  }
  const recompute = () => apply("Recompute", "Recomputing");
  function scheduleRecompute(now = false) {
    clearTimeout(timer);
    if (now) recompute();
    else timer = setTimeout(recompute, DEBOUNCE_MS);
  }

  // ---- user edits: set model state; commit it with the (debounced) request ----
  function edit(i, value, now = false) {
    if (!Number.isFinite(value)) return;
    if (checkKernel(true)) { // e.g. the kernel restarted since the view was drawn
      const r = rows.get(i);
      if (r) fieldNote(r, `${value} not applied: no live kernel`, true);
      return;
    }
    const b = currentBaseline();
    b[i] = value;
    model.set("baseline", encode(b)); // a drag repaints here at once and reaches the kernel on commit
    model.set("baseline_kind", "custom");
    scheduleRecompute(now);
  }
  kind.addEventListener("change", () => {
    if (checkKernel(true)) { kind.value = model.get("baseline_kind") || "custom"; return; }
    model.set("baseline_kind", kind.value);
    if (kind.value === "custom") scheduleRecompute(true);
    else apply(`Setting the baseline to ${kind.value}`);
  });
  sampleIdx.addEventListener("change", () => {
    if (checkKernel(true)) return;
    const row = Math.max(0, Math.round(Number(sampleIdx.value) || 0));
    if (model.get("baseline_kind") === "sample") { model.set("baseline_sample", row); apply("Setting the baseline to sample"); }
    else commit(model, { baseline_sample: row });
  });
  table.addEventListener("input", (e) => {
    const i = Number(e.target.dataset.feature);
    if (e.target.type === "range" && i >= 0) {
      const num = rows.get(i)?.num;
      if (num) num.value = e.target.value;
      edit(i, Number(e.target.value));
    }
  });
  // A number field commits on change (Tab, a click elsewhere) and on Enter: JupyterLab's
  // notebook keeps Enter from firing the change event. The value committed is remembered so that
  // a change event that follows the Enter does not send it twice.
  function commitField(input) {
    const i = Number(input.dataset.feature);
    const r = rows.get(i);
    if (!(i >= 0) || !r) return;
    const read = readField(input.value, input.validity && input.validity.badInput);
    if (read.restore) {
      input.value = r.shown; // the previous value, not 0
      input.removeAttribute("aria-invalid");
      if (input.value !== "" || read.why) fieldNote(r, read.why, true);
      return;
    }
    if (input.dataset.committed === String(read.value)) return;
    input.dataset.committed = String(read.value);
    fieldNote(r, "");
    edit(i, read.value, true);
  }
  table.addEventListener("change", (e) => {
    const i = Number(e.target.dataset.feature);
    if (!(i >= 0)) return;
    if (e.target.type === "number") commitField(e.target);
    // slider released: send the final value now instead of waiting out the drag's debounce
    else if (e.target.type === "range" && timer !== null) scheduleRecompute(true);
  });
  table.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.target.type !== "number") return;
    e.preventDefault();
    e.stopPropagation(); // the notebook must not take this Enter as its own (edit or run the cell)
    commitField(e.target);
  });
  function fieldNote(r, text, warn = false) {
    r.note.textContent = text;
    r.note.classList.toggle("tw-hidden", !text);
    r.note.dataset.state = warn ? "error" : "idle";
  }

  /** Disable every control when nothing can answer, with the reason; true when so. `edited`:
   * called for an edit (the status then says that it was not applied). */
  function checkKernel(edited = false) {
    if (!noKernel) {
      const k = kernelState(model, el);
      if (k.live) return false;
      noKernel = k.reason;
    }
    if (edited) showLocal({ state: "error", text: `${NO_KERNEL}: ${noKernel}` });
    kernelNote.textContent = `Baseline editing needs a live kernel: ${noKernel}. Drill-down, ordering and export work here.`;
    kernelNote.classList.remove("tw-hidden");
    for (const c of [kind, sampleIdx, ...[...rows.values()].flatMap((r) => [r.num, r.slider])]) c.disabled = true;
    return true;
  }

  // A field skips updates while it has the focus (the user is typing there); when it loses it,
  // show the model's value, e.g. Python's previous baseline after a refused edit.
  el.addEventListener("focusout", () => { valuesKey = []; invalidate(); });

  function buildRows(v, feats) {
    rows = new Map();
    const head = h("tr");
    for (const t of ["feature", "input", "baseline", ""]) head.appendChild(h("th", { class: "tw-muted" }, t));
    table.replaceChildren(head);
    for (const i of feats) {
      const tr = h("tr");
      const name = h("td", { class: "tw-ename", title: nameOf(v, i) }, nameOf(v, i));
      const num = h("input", { type: "number", step: "any", "data-testid": `tw-baseline-input-${i}`, "aria-label": `baseline of ${nameOf(v, i)}` });
      const slider = h("input", { type: "range", "data-testid": `tw-baseline-slider-${i}`, "aria-label": `baseline of ${nameOf(v, i)} (slider)` });
      num.dataset.feature = slider.dataset.feature = String(i);
      const input = h("td", {}, fmt(v.inputs ? v.inputs[i] : NaN, 4));
      const c1 = h("td"), c2 = h("td");
      const fnote = h("span", { class: "tw-field-note tw-hidden", "data-testid": `tw-baseline-note-${i}`, role: "status" });
      c1.appendChild(num); c2.appendChild(slider);
      tr.append(name, input, c1, c2, fnote);
      table.appendChild(tr);
      rows.set(i, { num, slider, input, note: fnote, shown: "" });
    }
  }

  function update(v) {
    const range = state.arr("data_range");
    const feats = v.visible.slice(0, MAX_ROWS);
    const key = [v.visible, v.names, range, v.inputs];
    if (key.some((x, k) => x !== rowsKey[k])) { rowsKey = key; buildRows(v, feats); }
    // A click on the heatmap changes none of these: skip touching 100 rows of inputs.
    const vk = [rowsKey, model.get("baseline"), model.get("baseline_kind"), model.get("baseline_sample")];
    if (vk.every((x, k) => x === valuesKey[k])) return;
    valuesKey = vk;
    note.textContent = v.visible.length > MAX_ROWS ? `editing the first ${MAX_ROWS} of ${v.visible.length} shown features (narrow with top-N or search)` : "";
    const b = currentBaseline();
    const active = el.ownerDocument && el.ownerDocument.activeElement;
    for (const [i, r] of rows) {
      const inp = v.inputs ? v.inputs[i] : NaN;
      const { lo, hi, step } = sliderRange(range, v.d, i, inp, b[i]);
      r.slider.min = String(lo); r.slider.max = String(hi); r.slider.step = String(step);
      if (r.slider !== active) r.slider.value = String(b[i]);
      r.shown = String(Number(b[i].toPrecision(6)));
      if (r.num !== active) { r.num.value = r.shown; delete r.num.dataset.committed; }
      r.input.textContent = fmt(inp, 4);
    }
    const k = model.get("baseline_kind") || "custom";
    if (kind !== active) kind.value = k;
    sampleLabel.classList.toggle("tw-hidden", k !== "sample");
    if (sampleIdx !== active) sampleIdx.value = String(model.get("baseline_sample") | 0);
    // Known before any edit in an exported file, and in JupyterLab once the view is attached.
    checkKernel();
  }

  for (const t of ["baseline", "baseline_kind", "baseline_sample", "data_range"]) model.on(`change:${t}`, invalidate);
  // A status change comes from a live kernel and is newer than our own "Recomputing…":
  // show its message and progress instead.
  model.on("change:status", () => { local = null; paintStatus(); });
  model.on("change:kernel_hint", paintStatus);
  paintStatus();

  const cleanup = () => {
    clearTimeout(timer);
    if (inflight) { const c = inflight; inflight = null; c.abort(new DOMException("view removed", "AbortError")); }
  };
  return { el, update, cleanup };
}
