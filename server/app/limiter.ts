/** Runs work with at most `limit` pieces under way at once; the rest wait their turn, in order. */
export type Limiter = <T>(work: () => Promise<T>) => Promise<T>;

export function concurrencyLimit(limit: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
