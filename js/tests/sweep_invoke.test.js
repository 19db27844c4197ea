import { describe, it, expect, vi, afterEach } from "vitest";
import { scaleLinear, extent, sweepSeries, sweepScales } from "../src/lib/sweep.js";
import { decode } from "../src/lib/codec.js";
import { invoke, isNoKernel, MIN_TIMEOUT_MS, NoResponseError } from "../src/lib/invoke.js";

describe("sweep", () => {
  it("scales map and invert", () => {
    const s = scaleLinear([0, 10], [100, 0]);
    expect(s(2.5)).toBe(75);
    expect(s.invert(75)).toBe(2.5);
    expect(scaleLinear([1, 1], [0, 10])(1)).toBe(5);
  });
  it("extent pads and ignores NaN", () => {
    expect(extent([[0, 10, NaN]], 0.1)).toEqual([-1, 11]);
    expect(extent([[2, 2]])).toEqual([1.8, 2.2]);
    expect(extent([[NaN]])).toBe(null);
  });
  it("picks Γ_ij series for a swept feature", () => {
    // m = 2 swept features (3 and 0), K = 2 values, d = 4.
    const sweep = decode({ dtype: "float32", shape: [2, 2, 4], view: new Float32Array([
      0, 1, 2, 3, 4, 5, 6, 7, // feature 3
      8, 9, 10, 11, 12, 13, 14, 15, // feature 0
    ]) });
    const values = decode({ dtype: "float32", shape: [2, 2], view: new Float32Array([-1, 1, 0, 0.5]) });
    const s = sweepSeries(sweep, [3, 0], values, 0, [2, 1]);
    expect(s.xs).toEqual([0, 0.5]);
    expect(s.series).toEqual([{ j: 2, ys: [10, 14] }, { j: 1, ys: [9, 13] }]);
    expect(sweepSeries(sweep, [3, 0], values, 1, [2])).toBe(null);
    const sc = sweepScales(s, 200, 100, 0.25);
    expect(sc.x(0)).toBe(sc.margin.l);
    expect(sc.x(0.5)).toBe(200 - sc.margin.r);
    expect(sc.y.domain[0]).toBeLessThanOrEqual(0); // 0 is always in view
  });
});

function mockModel() {
  const handlers = new Set();
  return {
    sent: [],
    handlers,
    send(msg, cb, buffers) { this.sent.push({ msg, buffers }); },
    on(ev, h) { if (ev === "msg:custom") handlers.add(h); },
    off(ev, h) { handlers.delete(h); },
    reply(content, buffers) { for (const h of [...handlers]) h(content, buffers); },
  };
}

describe("invoke", () => {
  afterEach(() => vi.useRealTimers());
  it("sends anywidget's command message and resolves with the matching response", async () => {
    const model = mockModel();
    const p = invoke(model, "recompute", { kind: "custom" });
    const { msg, buffers } = model.sent[0];
    expect(Object.keys(msg).sort()).toEqual(["id", "kind", "msg", "name"]);
    expect(msg).toMatchObject({ kind: "anywidget-command", name: "recompute", msg: { kind: "custom" } });
    expect(buffers).toEqual([]);
    model.reply({ id: "other", kind: "anywidget-command-response", response: { ok: false } });
    model.reply({ id: msg.id, kind: "anywidget-command-response", response: { ok: true } }, ["b"]);
    await expect(p).resolves.toEqual([{ ok: true }, ["b"]]);
    expect(model.handlers.size).toBe(0); // listener removed
  });
  it("gives unique ids to concurrent requests", () => {
    const model = mockModel();
    invoke(model, "a", 1).catch(() => {});
    invoke(model, "a", 2).catch(() => {});
    expect(model.sent[0].msg.id).not.toBe(model.sent[1].msg.id);
  });
  it("times out after at least 30 s, never sooner", async () => {
    vi.useFakeTimers();
    const model = mockModel();
    const p = invoke(model, "recompute", {}, { timeoutMs: 1000 });
    const seen = vi.fn();
    p.catch(seen);
    await vi.advanceTimersByTimeAsync(MIN_TIMEOUT_MS - 1);
    expect(seen).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    const err = seen.mock.calls[0][0];
    expect(err).toBeInstanceOf(NoResponseError);
    expect(isNoKernel(err)).toBe(true);
    expect(model.handlers.size).toBe(0);
  });
  it("rejects when send throws (no comm) and when the signal aborts", async () => {
    const broken = { ...mockModel(), send() { throw new Error("no comm"); } };
    await expect(invoke(broken, "x", null)).rejects.toSatisfy(isNoKernel);
    const model = mockModel();
    const ctl = new AbortController();
    const p = invoke(model, "x", null, { signal: ctl.signal });
    ctl.abort(new Error("superseded"));
    await expect(p).rejects.toThrow("superseded");
    expect(model.handlers.size).toBe(0);
  });
});
