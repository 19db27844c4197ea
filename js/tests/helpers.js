// Test doubles shared by the DOM tests: a Backbone-like model (set fires change:x
// synchronously, like the real widget model) and array-trait builders.
import { beforeEach, afterEach, vi } from "vitest";
import { encode } from "../src/lib/codec.js";

export function mockModel(traits) {
  const data = { ...traits };
  const listeners = new Map();
  const model = {
    sent: [],
    saves: 0,
    get: (k) => data[k],
    set(k, v) {
      data[k] = v;
      for (const h of listeners.get(`change:${k}`) || []) h();
    },
    on(ev, h) { if (!listeners.has(ev)) listeners.set(ev, new Set()); listeners.get(ev).add(h); },
    off(ev, h) { listeners.get(ev)?.delete(h); },
    save_changes() { this.saves++; },
    send(msg, cb, buffers) { this.sent.push({ msg, buffers }); },
    /** Kernel → JS custom message. */
    reply(content) { for (const h of [...(listeners.get("msg:custom") || [])]) h(content, []); },
    listeners,
  };
  return model;
}

/** Symmetric d×d Γ with a known partner ranking: Γ_ij = (i + 1)(j + 1)/10 · (−1)^(i+j). */
export function gamma(d, B = 1) {
  const a = new Float32Array(B * d * d);
  for (let b = 0; b < B; b++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++)
    a[b * d * d + i * d + j] = (((i + 1) * (j + 1)) / 10) * ((i + j) % 2 ? -1 : 1) * (b + 1);
  return encode(a, [B, d, d]);
}

export function traits(d = 4, extra = {}) {
  const names = Array.from({ length: d }, (_, k) => `f${k}`);
  return {
    matrix: gamma(d), attributions: encode(Float32Array.from({ length: d }, (_, k) => k + 1), [1, d]),
    inputs: encode(Float32Array.from({ length: d }, (_, k) => k * 2), [1, d]),
    baselines: encode(new Float32Array(d), [1, d]),
    feature_names: names, title: "T", value_label: "Γ",
    sweep: encode([], [0]), sweep_features: [], sweep_values: encode([], [0]), higher_order: [],
    sample: 0, selected: -1, selected_pair: [], order: "given", top_n: 0,
    color_scale: { vmax: null, scheme: "RdBu" },
    ...extra,
  };
}

export const flush = () => new Promise((r) => queueMicrotask(r));
export const byTestId = (el, id) => el.querySelector(`[data-testid="${id}"]`);
export const allByTestId = (el, id) => [...el.querySelectorAll(`[data-testid="${id}"]`)];

/** Render `widget` into a fresh div on the page, over a mock model holding `t`. */
export function mountWidget(widget, t) {
  const model = mockModel(t);
  const el = document.createElement("div");
  document.body.appendChild(el);
  const cleanup = widget.render({ model, el });
  return { model, el, cleanup };
}

/** For the Explorer's DOM tests: an empty page, no canvas drawing, a no-op ResizeObserver, and
 *  fake timers (the editor's debounce and no-answer timeouts), before each test of the file. */
export function explorerDomSetup() {
  beforeEach(() => {
    document.body.replaceChildren();
    HTMLCanvasElement.prototype.getContext = () => null;
    globalThis.ResizeObserver = class { observe() {} disconnect() {} };
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => vi.useRealTimers());
}
/** The widget commands (anywidget-command messages) a mock model sent, oldest first. */
export const commands = (model) => model.sent.map((s) => s.msg).filter((m) => m.kind === "anywidget-command");
/** The text of a view's status line. */
export const statusText = (el) => byTestId(el, "tw-status").textContent;
