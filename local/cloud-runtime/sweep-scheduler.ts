/**
 * What a merchant on functions V2 sets up outside CloudBase, locally: something that calls the
 * sweep's HTTP route with SWEEP_SECRET every period (one call at a time).
 */
export interface SweepScheduler {
  stop(): void;
}

export function startSweepScheduler(url: string, secret: string, periodMs: number, log: (line: string) => void): SweepScheduler {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}` } })
      .then(async (reply) => {
        if (!reply.ok) log(`the sweep route answered HTTP ${reply.status}: ${(await reply.text()).slice(0, 200)}`);
      })
      .catch((error: Error) => log(`the sweep route could not be reached: ${error.message}`))
      .finally(() => (running = false));
  }, periodMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
