import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Where a request's time goes, for the benchmarks: `timed("db", fn)` adds fn's wall time to the request's
 * "db" phase, and `serverTiming()` turns the phases into a standard `Server-Timing` header value. It only
 * records while BOOTH_BENCH_ROUTES=1 (read per request, like the bench-only routes): in normal runs
 * `timed` is a plain call and no header is sent (timings would tell a stranger which checks ran).
 */
const phases = new AsyncLocalStorage<Map<string, number>>();

const enabled = () => process.env.BOOTH_BENCH_ROUTES === "1";

/** Runs `fn` with its own set of phases (one request). */
export function withTimings<T>(fn: () => T): T {
  return enabled() ? phases.run(new Map(), fn) : fn();
}

/** Adds `fn`'s wall time to phase `name` of the current request (several calls add up). */
export async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const store = phases.getStore();
  if (!store) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    store.set(name, (store.get(name) ?? 0) + performance.now() - start);
  }
}

/** `auth;dur=1.2, db;dur=3.4` for the current request, or null when nothing was recorded. */
export function serverTiming(): string | null {
  const store = phases.getStore();
  if (!store?.size) return null;
  return [...store].map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(", ");
}
