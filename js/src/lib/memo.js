// Memoisation for the views' derived state: recompute only when an input changed identity.

/** Memoise fn on the identity (===) of its arguments; keeps only the last call. */
export function memo(fn) {
  let lastArgs = null, last;
  return (...args) => {
    if (lastArgs && args.length === lastArgs.length && args.every((a, k) => a === lastArgs[k])) return last;
    lastArgs = args;
    return (last = fn(...args));
  };
}
