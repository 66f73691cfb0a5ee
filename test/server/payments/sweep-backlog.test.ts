/**
 * The sweep against a backlog of 10,000 due orders, in simulated time (scripts/bench/sweep-backlog.ts;
 * `npm run bench` prints the same figures): one paid order whose call-back was lost stands last
 * in the due list, and the sweep runs on its five-minute timer with the default settings.
 */
import { CONCURRENCY, runBudgetMs, SWEEP_TIMEOUT_MS } from '../../../server/payments/sweep';
import { DEFAULT_BACKLOG, runSweepBacklog } from '../../../scripts/bench/sweep-backlog';

const SECOND = 1000;

describe('the sweep against a backlog of 10,000 due orders', () => {
  it('works through the backlog within its budget: with OTT answering in 300 ms the lost payment is found in the 17th run, not the 50th', async () => {
    const figures = await runSweepBacklog({ ...DEFAULT_BACKLOG, slowEvery: Infinity });
    // 8 orders at a time for 25 s, each a 300 ms STATUS_QUERY and a 20 ms claim: about 625 orders a run.
    expect(figures.runsToFind).not.toBeNull();
    expect(figures.runsToFind).toBeLessThanOrEqual(Math.ceil(DEFAULT_BACKLOG.orders / 600));
    for (const report of figures.reports) {
      expect(report.checked).toBeGreaterThanOrEqual(550);
      expect(report.checked + report.left + report.failed).toBe(report.due);
      expect(report.moreDue).toBe(true);
    }
    expect(figures.longestRunMs).toBeLessThan(SWEEP_TIMEOUT_MS);
  }, 180_000);

  it('finds the lost payment within 55 runs while OTT answers one STATUS_QUERY in 10 only near its 8 s timeout, each run inside the function’s timeout', async () => {
    const figures = await runSweepBacklog(DEFAULT_BACKLOG);
    // The sweep gives up on a query after SWEEP_QUERY_TIMEOUT_MS (3 s) instead of OTT_TIMEOUT_MS (8 s), so the
    // slow tenth holds the 8 slots less: about 8 × 25 s / 0.6 s ≈ 330 orders a run, where waiting 8 s gave 200.
    expect(figures.runsToFind).not.toBeNull();
    expect(figures.runsToFind).toBeLessThanOrEqual(55);
    for (const report of figures.reports) {
      expect(report.checked).toBeGreaterThanOrEqual(300);
      expect(report.checked + report.left + report.failed).toBe(report.due);
    }
    expect(figures.longestRunMs).toBeLessThan(SWEEP_TIMEOUT_MS);
  }, 180_000);

  it('never outlives the function’s timeout, even with SWEEP_BUDGET_MS set close to it and every STATUS_QUERY slow', async () => {
    const figures = await runSweepBacklog({ ...DEFAULT_BACKLOG, orders: 400, lostAt: 399, slowEvery: 1, budgetMs: 59 * SECOND, maxRuns: 2 });
    expect(figures.reports[0].checked).toBeGreaterThan(CONCURRENCY);
    expect(figures.longestRunMs).toBeLessThan(SWEEP_TIMEOUT_MS);
  }, 180_000);

  it('cuts the budget so that an order started at its end still ends inside the timeout', () => {
    const platform = (sweepBudgetMs: number, timeoutMs: number) => ({ settings: { sweepBudgetMs }, ottConfig: { timeoutMs } }) as Parameters<typeof runBudgetMs>[0];
    expect(runBudgetMs(platform(25 * SECOND, 8 * SECOND))).toBe(25 * SECOND);
    expect(runBudgetMs(platform(55 * SECOND, 8 * SECOND))).toBe(SWEEP_TIMEOUT_MS - 2 * 8 * SECOND - 5 * SECOND);
    expect(runBudgetMs(platform(55 * SECOND, 20 * SECOND))).toBe(SWEEP_TIMEOUT_MS - 2 * 20 * SECOND - 5 * SECOND);
  });
});
