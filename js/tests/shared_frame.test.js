// @vitest-environment jsdom
import { describe, it, expect, beforeEach, vi } from "vitest";
import { h, labelled, slug } from "../src/views/shared/dom.js";
import { traitCache, commit } from "../src/views/shared/trait_cache.js";
import { mountFrame } from "../src/views/shared/frame.js";
import { encode } from "../src/lib/codec.js";
import { mockModel, flush } from "./helpers.js";

beforeEach(() => document.body.replaceChildren());

describe("one h", () => {
  it("sets the class, attributes and text; text stays text", () => {
    const e = h("button", { class: "a b", "data-testid": "x", type: "button" }, "<img src=x>");
    expect(e.className).toBe("a b");
    expect(e.getAttribute("data-testid")).toBe("x");
    expect(e.textContent).toBe("<img src=x>");
    expect(e.querySelector("img")).toBe(null);
    expect(h("div").outerHTML).toBe("<div></div>");
    expect(h("td", {}, 0).textContent).toBe("0");
    expect(labelled("order", h("select")).textContent).toBe("order ");
    expect([slug("a b/c", "x"), slug("", "x")]).toEqual(["a_b_c", "x"]);
  });
});

describe("trait cache and commit", () => {
  it("decodes a trait once per value and reads a bad payload as empty", () => {
    const model = mockModel({ m: encode([1, 2, 3, 4], [2, 2]), bad: { dtype: "float64", shape: [1], view: new DataView(new ArrayBuffer(8)) } });
    const arr = traitCache(model);
    const a = arr("m");
    expect(a.shape).toEqual([2, 2]);
    expect(arr("m")).toBe(a);
    model.set("m", encode([5], [1]));
    expect(arr("m")).not.toBe(a);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(arr("bad").size).toBe(0);
    warn.mockRestore();
  });

  it("commit sets every key, then saves once", () => {
    const model = mockModel({});
    commit(model, { a: 1, b: [2] });
    expect([model.get("a"), model.get("b"), model.saves]).toEqual([1, [2], 1]);
  });
});

describe("the frame", () => {
  function mount(update, extra = {}) {
    const model = mockModel({ x: 0, y: 0 });
    const el = document.createElement("div");
    document.body.appendChild(el);
    const cleaned = [];
    const m = mountFrame({
      model, el, traits: ["x", "y"], css: ".z{}", ...extra,
      build: (frame) => ({ nodes: [frame.title, frame.status.el], update: (w) => update(frame, w), cleanup: () => cleaned.push(1) }),
    });
    return { model, el, cleaned, ...m };
  }

  it("draws once at mount, then once per burst of changes", async () => {
    const calls = [];
    const { model, el } = mount((frame, w) => { calls.push(w); frame.title.textContent = `x=${frame.model.get("x")}`; });
    expect(calls.length).toBe(1);
    expect(el.querySelector(".tw-root").getAttribute("data-lm-suppress-shortcuts")).toBe("true");
    expect(el.querySelector("style").textContent).toContain(".z{}");
    model.set("x", 1); model.set("y", 2); model.set("x", 3);
    await flush();
    expect(calls.length).toBe(2);
    expect(el.querySelector(".tw-title").textContent).toBe("x=3");
  });

  it("says what broke in the status line and keeps going", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    let fail = true;
    const { model, el } = mount((frame) => { if (fail) throw new Error("bad data"); frame.status.show({ text: "ok" }); });
    const status = el.querySelector('[data-testid="tw-status"]');
    expect(status.textContent).toBe("Cannot draw this view: bad data");
    expect(status.dataset.state).toBe("error");
    fail = false;
    model.set("x", 1);
    await flush();
    expect([status.textContent, status.dataset.state]).toEqual(["ok", "idle"]);
    err.mockRestore();
  });

  it("shows progress while computing, and cleanup stops everything", async () => {
    const calls = [];
    const { model, el, cleanup, cleaned, frame } = mount(() => calls.push(1), { statusId: "tw-cam-info" });
    frame.status.show({ state: "computing", text: "working", progress: 0.25 });
    expect(el.querySelector('[data-testid="tw-cam-info"] progress').value).toBe(0.25);
    cleanup();
    expect(cleaned).toEqual([1]);
    model.set("x", 5);
    await flush();
    expect(calls.length).toBe(1);
    expect(model.listeners.get("change:x").size).toBe(0);
  });
});
