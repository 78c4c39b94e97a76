/**
 * The CLI's one way to bound concurrency: a limiter that tasks queue on (FIFO), and `mapLimit`
 * over a list built on it (the installer's file work, the pipeline's fetches and builds, lock's hashes).
 */

/** Runs at most `n` of the given tasks at once (in the order they were handed in). */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  const slots = Math.max(1, n);
  let active = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    if (active >= slots) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** Marks the items never started because an earlier one failed. */
const NOT_STARTED = Symbol("not started");

/**
 * Runs `fn` over `items` with at most `limit` running at once. After a failure no further item
 * starts, and the first error is thrown once those running have settled (nothing is left running
 * behind the caller, which may be rolling back).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const run = limiter(limit);
  let failed = false;
  const settled = await Promise.allSettled(
    items.map((item, i) =>
      run(async () => {
        if (failed) throw NOT_STARTED;
        try {
          return await fn(item, i);
        } catch (e) {
          failed = true;
          throw e;
        }
      }),
    ),
  );
  const results: R[] = [];
  let firstError: { reason: unknown } | null = null;
  for (const s of settled) {
    if (s.status === "fulfilled") results.push(s.value);
    else if (s.reason !== NOT_STARTED) firstError ??= { reason: s.reason };
  }
  if (firstError) throw firstError.reason;
  return results;
}
