// Kernel requests over the widget comm, speaking anywidget 0.11's command protocol, which
// TaylorWidget (taylor_widgets/widgets/base.py) answers for every request it gets:
//   JS → Python  model.send({id, kind: "anywidget-command", name, msg}, undefined, buffers)
//   Python → JS  msg:custom {id, kind: "anywidget-command-response", response} (+ buffers)
// We carry our own copy instead of importing @anywidget's helper (that would be a CDN
// import) and because anywidget's default timeout is 3 s, far too short for a recompute.

export const MIN_TIMEOUT_MS = 30_000;
let counter = 0;

/** Unique-enough request id; crypto.randomUUID is missing in non-secure (http://) pages. */
export function requestId() {
  counter = (counter + 1) % 1e9;
  return `tw-${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Error raised when the kernel never answers (no kernel, or it is busy past the timeout). */
export class NoResponseError extends Error {
  constructor(name, reason) {
    super(`no response to "${name}"${reason ? `: ${reason}` : ""}`);
    this.name = "NoResponseError";
  }
}

/**
 * Send command `name` and resolve with [response, buffers].
 * @param {{send: Function, on: Function, off: Function}} model
 * @param {{signal?: AbortSignal, timeoutMs?: number, buffers?: ArrayBuffer[]}} [options]
 *   The request is abandoned when `signal` aborts or after max(timeoutMs, 30 s).
 */
export function invoke(model, name, msg, options = {}) {
  const id = requestId();
  const timeoutMs = Math.max(MIN_TIMEOUT_MS, options.timeoutMs ?? MIN_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    let timer = null;
    const finish = () => {
      clearTimeout(timer);
      model.off("msg:custom", handler);
      options.signal?.removeEventListener("abort", onAbort);
    };
    function handler(content, buffers) {
      if (!content || content.id !== id || content.kind !== "anywidget-command-response") return;
      finish();
      resolve([content.response, buffers ?? []]);
    }
    function onAbort() {
      finish();
      reject(options.signal.reason ?? new NoResponseError(name, "aborted"));
    }
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(() => {
      finish();
      reject(new NoResponseError(name, `timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    model.on("msg:custom", handler);
    try {
      model.send({ id, kind: "anywidget-command", name, msg }, undefined, options.buffers ?? []);
    } catch (err) {
      // Without a comm (static HTML export) send itself throws: same outcome as silence.
      finish();
      reject(new NoResponseError(name, err && err.message));
    }
  });
}

/** True when an invoke failure means "nobody is listening" rather than "Python said no". */
export const isNoKernel = (err) => err instanceof NoResponseError || err?.name === "TimeoutError";
