/**
 * The counter's push, measured on the local stack: three counters long-polling counterFeed as the
 * page does (the page's own merge), 100 payments, and for each the time from OTT Pay's call-back
 * being acknowledged (as the sandbox recorded it) to the payment in each counter's hands; then an
 * idle minute, counted in invocations and database reads, as per hour per counter.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { FunctionsPlatform } from '../../local/cloud-runtime/server';
import { LOCAL_STAFF_OPENID, startLocalStack, type LocalStack } from '../../local/stack';
import { knownIds, mergeFeed, NEW_COUNTER, type CounterState } from '../../miniprogram/utils/counter-feed';
import type { CounterFeedResult, CreatePaymentResult } from '../../typings/payments';

export interface CounterReport {
  platform: FunctionsPlatform;
  payments: number;
  counters: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  /** Every payment reached every counter exactly once. */
  each_once: boolean;
  idle_invocations_per_hour_per_counter: number;
  idle_reads_per_hour_per_counter: number;
  hold_ms: number;
  check_ms: number;
}

const COUNTERS = 3;
const PAYMENTS = 100;
const IDLE_MS = 60_000;

async function call<R>(stack: LocalStack, name: string, event: unknown, openid: string): Promise<R> {
  const response = await fetch(`${stack.runtime.url}/functions/${name}`, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json', 'x-wx-openid': openid } });
  return ((await response.json()) as { result: R }).result;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function measureCounter(platform: FunctionsPlatform): Promise<CounterReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-bench-counter-'));
  let reads = 0;
  const stack = await startLocalStack({ dataDir, sandboxPort: 0, cloudPort: 0, sweepIntervalMs: 0, platform, log: () => undefined, onDatabaseRequest: (op) => op === 'get' && (reads += 1) });
  const settings = { hold: 15_000, check: 1_000 };
  let running = true;
  let invocations = 0;
  const arrivals: Array<Map<string, number>> = [];
  const counters = Array.from({ length: COUNTERS }, async (_, index) => {
    const seen = new Map<string, number>();
    arrivals.push(seen);
    let state: CounterState = NEW_COUNTER;
    let duplicates = 0;
    while (running) {
      invocations += 1;
      const result = await call<CounterFeedResult>(stack, 'counterFeed', state.cursor === null ? {} : { after: state.cursor, known: knownIds(state) }, LOCAL_STAFF_OPENID);
      if (!result.ok) throw new Error(`counter ${index}: ${result.code}`);
      const merged = mergeFeed(state, result.payments, result.cursor);
      state = merged.state;
      const now = Date.now();
      for (const p of merged.fresh) {
        if (seen.has(p.orderId)) duplicates += 1;
        seen.set(p.orderId, now);
      }
    }
    return duplicates;
  });
  // a failure is reported by the await below; a counter left polling when the stack closes is not news
  for (const counter of counters) counter.catch(() => undefined);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const acked = new Map<string, number>();
    for (let i = 0; i < PAYMENTS; i++) {
      const created = await call<CreatePaymentResult>(stack, 'createPayment', { amountCents: 1000 + i, tipCents: i % 3 === 0 ? 150 : 0, requestId: `bench-counter-${platform}-${i}` }, `o-bench-payer-${i % 7}`);
      if (!created.ok) throw new Error(created.code);
      await fetch(`${stack.sandbox.url}/sandbox/wallet/pay`, { method: 'POST', body: JSON.stringify({ ...created.payment, outcome: 'success' }), headers: { 'content-type': 'application/json' } });
      const deliveries = await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
      const ack = deliveries.flatMap((d) => d.attempts).find((a) => a.ok);
      acked.set(created.orderId, Date.parse(ack!.at) + ack!.durationMs);
      // a counter's pace: a payment every few hundred milliseconds, so each one is a new answer
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const latencies: number[] = [];
    let eachOnce = true;
    for (const seen of arrivals) {
      for (const [orderId, ackAt] of acked) {
        const at = seen.get(orderId);
        if (at === undefined) eachOnce = false;
        else latencies.push(at - ackAt);
      }
    }
    // idle: no payments for a minute
    const readsBefore = reads;
    const invocationsBefore = invocations;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const perHour = (n: number) => Math.round((n / COUNTERS) * (3_600_000 / IDLE_MS));
    const idleInvocations = invocations - invocationsBefore;
    const idleReads = reads - readsBefore;
    running = false;
    const duplicates = await Promise.all(counters);
    latencies.sort((a, b) => a - b);
    return {
      platform,
      payments: PAYMENTS,
      counters: COUNTERS,
      p50_ms: percentile(latencies, 50),
      p95_ms: percentile(latencies, 95),
      max_ms: latencies[latencies.length - 1],
      each_once: eachOnce && duplicates.every((d) => d === 0) && latencies.length === PAYMENTS * COUNTERS,
      idle_invocations_per_hour_per_counter: perHour(idleInvocations),
      idle_reads_per_hour_per_counter: perHour(idleReads),
      hold_ms: settings.hold,
      check_ms: settings.check,
    };
  } finally {
    running = false;
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
