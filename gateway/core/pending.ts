/**
 * A result that is immediate when everything needed is in memory (the request path's steady state) and a promise
 * only when a store must be asked. Why not plain `async`: every async function and every `await` on the hot path
 * costs a promise and a microtask turn; the request path's chain of five measured ~3 µs per request, more than
 * all its checks together (docs/performance.md).
 */
export type Pending<T> = T | Promise<T>;

/** Continues with `next` at once for an immediate value, after it settles for a promise (rejections pass through). */
export function then<T, R>(value: Pending<T>, next: (value: T) => Pending<R>): Pending<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
