/**
 * The sweep against a backlog, in simulated time: `orders` pending orders all due, one of them
 * paid at OTT Pay with its call-back lost, OTT answering a share of STATUS_QUERYs only near the
 * client's timeout. The sweep runs on its timer (every five minutes) with the default settings
 * until it finds the payment. Runs on the in-memory harness of the payment tests (CloudBase
 * adapter over its fake), every OTT request and store call taking the simulated time given.
 */
import { issueAttempt, newOrder } from '../../server/orders/attempts';
import { orderIdFor, type Order } from '../../server/orders/model';
import { finishWrite } from '../../server/payments/order-updates';
import { sweep, SWEEP_TIMEOUT_MS, type SweepReport } from '../../server/payments/sweep';
import type { AcquirerCall } from '../../test/server/payments/fake-acquirer';
import { MINUTE, openHarness, PAYER, type Harness } from '../../test/server/payments/harness';
import { aroundEveryCall } from './latency';
import { VirtualTime } from './virtual-time';

export interface BacklogScenario {
  orders: number;
  /** Where the paid order stands in the due list (0: the most overdue). */
  lostAt: number;
  /** A STATUS_QUERY answered promptly takes this long. */
  ottMs: number;
  /** One STATUS_QUERY in this many is answered only after slowMs. */
  slowEvery: number;
  slowMs: number;
  /** OTT_TIMEOUT_MS. */
  ottTimeoutMs: number;
  /** Every store call takes this long. */
  storeMs: number;
  timerMs: number;
  maxRuns: number;
  /** SWEEP_BUDGET_MS, when not the default. */
  budgetMs?: number;
  /** SWEEP_QUERY_TIMEOUT_MS, when not the default. */
  queryTimeoutMs?: number;
}

export const DEFAULT_BACKLOG: BacklogScenario = {
  orders: 10_000,
  lostAt: 9_999,
  ottMs: 300,
  slowEvery: 10,
  slowMs: 7_900,
  ottTimeoutMs: 8_000,
  storeMs: 20,
  timerMs: 5 * MINUTE,
  maxRuns: 80,
};

export interface BacklogFigures {
  /** Runs until the paid order was found; null if not within maxRuns. */
  runsToFind: number | null;
  reports: SweepReport[];
  /** Orders looked at, simulated ms and real ms, per run. */
  lookedAt: number[];
  runMs: number[];
  realMs: number[];
  /** The longest run, against the function's timeout. */
  longestRunMs: number;
  timeoutMs: number;
}

const AMOUNT = 1_000;

/** Pending orders created over the last 100 minutes, oldest first, each issued at the acquirer. */
async function seedBacklog(h: Harness, count: number): Promise<Order[]> {
  const orders: Order[] = [];
  const now = h.clock.ms();
  for (let i = 0; i < count; i += 1) {
    const at = new Date(now - 100 * MINUTE + Math.floor((i * 90 * MINUTE) / count)).toISOString();
    const requestId = `backlog-${String(i).padStart(6, '0')}`;
    const fields = { orderId: orderIdFor(PAYER.openid, requestId), openid: PAYER.openid, appid: PAYER.appid, requestId, channel: 'MINIPROGRAM' as const, amountCents: AMOUNT, tipCents: 0 };
    const created = newOrder(fields, at);
    const answer = await h.acquirer.mappPay({ orderId: fields.orderId, amountCents: AMOUNT, appId: PAYER.appid, openId: PAYER.openid });
    if (answer.kind !== 'ok') throw new Error('the fake acquirer refused an order');
    orders.push(finishWrite(h.platform, created, issueAttempt(created, fields.orderId, { payment: answer.value.payment }, { at, cause: 'create' })!));
  }
  for (let i = 0; i < orders.length; i += 500) await Promise.all(orders.slice(i, i + 500).map((o) => h.platform.store.createOrder(o)));
  return orders;
}

export async function runSweepBacklog(scenario: BacklogScenario = DEFAULT_BACKLOG): Promise<BacklogFigures> {
  const settings = {
    ...(scenario.budgetMs === undefined ? {} : { sweepBudgetMs: scenario.budgetMs }),
    ...(scenario.queryTimeoutMs === undefined ? {} : { sweepQueryTimeoutMs: scenario.queryTimeoutMs }),
  };
  const h = await openHarness('wx-server-sdk', { ott: { timeoutMs: scenario.ottTimeoutMs }, settings });
  try {
    const lost = (await seedBacklog(h, scenario.orders))[scenario.lostAt];
    h.acquirer.pay(lost.orderId);

    const time = new VirtualTime(h.clock);
    const slow = (call: AcquirerCall) => call.action === 'STATUS_QUERY' && call.seq % scenario.slowEvery === 0;
    // The caller hears nothing once its own timeout (the sweep's shorter one, or OTT_TIMEOUT_MS) passes.
    h.acquirer.onCall = async (call) => {
      const delay = slow(call) ? scenario.slowMs : scenario.ottMs;
      const patience = Math.min(call.timeoutMs ?? scenario.ottTimeoutMs, scenario.ottTimeoutMs);
      await time.sleep(Math.min(delay, patience));
      return delay >= patience ? 'timed out' : undefined;
    };
    const platform = { ...h.platform, store: aroundEveryCall(h.platform.store, (call) => time.after(scenario.storeMs, call)) };

    const figures: BacklogFigures = { runsToFind: null, reports: [], lookedAt: [], runMs: [], realMs: [], longestRunMs: 0, timeoutMs: SWEEP_TIMEOUT_MS };
    const firstRun = h.clock.ms();
    for (let run = 1; run <= scenario.maxRuns; run += 1) {
      h.clock.advance(firstRun + (run - 1) * scenario.timerMs - h.clock.ms());
      const started = h.clock.ms();
      const realStart = performance.now();
      const report = await time.run(() => sweep(platform));
      figures.reports.push(report);
      figures.lookedAt.push(report.checked);
      figures.runMs.push(h.clock.ms() - started);
      figures.realMs.push(Math.round(performance.now() - realStart));
      if ((await h.platform.store.getOrder(lost.orderId))?.state === 'PAID') {
        figures.runsToFind = run;
        break;
      }
    }
    figures.longestRunMs = Math.max(...figures.runMs);
    return figures;
  } finally {
    await h.dispose();
  }
}

export interface BacklogRow {
  label: string;
  runs_to_find: number | null;
  orders_per_run: number;
  run_s: number;
  longest_run_s: number;
  real_ms_per_run: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The scenario with OTT prompt, then slow on one query in ten near its timeout (default and 3 s). */
export async function measureSweepBacklog(): Promise<BacklogRow[]> {
  const cases: [string, Partial<BacklogScenario>][] = [
    ['OTT prompt (300 ms)', { slowEvery: Infinity }],
    ['1 in 10 at 7.9 s, sweep waits the whole OTT_TIMEOUT_MS 8000', { queryTimeoutMs: 8_000 }],
    ['1 in 10 at 7.9 s, SWEEP_QUERY_TIMEOUT_MS 3000 (default)', {}],
    ['1 in 10 at 2.9 s, OTT_TIMEOUT_MS 3000', { slowMs: 2_900, ottTimeoutMs: 3_000 }],
  ];
  const rows: BacklogRow[] = [];
  for (const [label, change] of cases) {
    const f = await runSweepBacklog({ ...DEFAULT_BACKLOG, ...change });
    rows.push({
      label,
      runs_to_find: f.runsToFind,
      orders_per_run: median(f.lookedAt),
      run_s: Math.round(median(f.runMs) / 100) / 10,
      longest_run_s: Math.round(f.longestRunMs / 100) / 10,
      real_ms_per_run: median(f.realMs),
    });
  }
  return rows;
}
