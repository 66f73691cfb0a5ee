/**
 * Simulated time for scenarios that would take minutes or hours: work waits with `sleep` on the
 * clock the platform reads, and `run` moves that clock to the next wake-up whenever nothing else
 * can run. Every real asynchronous call the work makes must go through `after`, so that the clock
 * waits for it; in-memory fakes that answer within an event-loop turn or two qualify.
 */
export interface SteppableClock {
  ms(): number;
  advance(ms: number): void;
}

interface Sleeper {
  at: number;
  wake: () => void;
}

export class VirtualTime {
  private sleepers: Sleeper[] = [];
  private running = 0;

  constructor(private readonly clock: SteppableClock) {}

  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((wake) => {
      this.sleepers.push({ at: this.clock.ms() + ms, wake });
    });

  /** Waits `ms` of simulated time, then makes the real call, which the clock waits for. */
  async after<T>(ms: number, call: () => Promise<T>): Promise<T> {
    await this.sleep(ms);
    this.running += 1;
    try {
      return await call();
    } finally {
      this.running -= 1;
    }
  }

  /** Runs `work` to its end in simulated time. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let ended = false;
    const result = work().finally(() => {
      ended = true;
    });
    result.catch(() => undefined);
    for (;;) {
      await this.settle();
      if (ended) return result;
      if (this.sleepers.length === 0) throw new Error('virtual time: the work waits for something that is not simulated');
      this.wakeNext();
    }
  }

  /** Lets everything that can run, run: real calls end and their continuations reach a sleep. */
  private async settle(): Promise<void> {
    do await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.running > 0);
  }

  private wakeNext(): void {
    const at = Math.min(...this.sleepers.map((s) => s.at));
    if (at > this.clock.ms()) this.clock.advance(at - this.clock.ms());
    const waking = this.sleepers.filter((s) => s.at <= at);
    this.sleepers = this.sleepers.filter((s) => s.at > at);
    for (const sleeper of waking) sleeper.wake();
  }
}
