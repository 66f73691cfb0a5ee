import { reportNotPaid, startAttempt } from '../../../server/orders/attempts';
import type { Order } from '../../../server/orders/model';
import { openRefundEntry } from '../../../server/orders/refund-ledger';
import { nextCheckAt, type ScheduleSettings } from '../../../server/orders/schedule';
import { at, issued, paid, T0 } from './order-fixtures';

const MINUTE = 60_000;
const settings: ScheduleSettings = {
  sweepPendingAfterMs: 2 * MINUTE,
  refundCheckAfterMs: MINUTE,
  maxCheckIntervalMs: 30 * MINUTE,
  prepayValidityMs: 125 * MINUTE,
};

const iso = (ms: number) => new Date(T0 + ms).toISOString();
const queriedAfter = (order: Order, ms: number): Order => ({ ...order, queriedAt: iso(ms) });

describe('when the sweep next looks at an order', () => {
  it('first checks a pending order sweepPendingAfterMs after its creation', () => {
    expect(nextCheckAt(issued(), settings)).toBe(iso(2 * MINUTE));
  });

  it('never checks before that, however recently the order was queried', () => {
    expect(nextCheckAt(queriedAfter(issued(), 10_000), settings)).toBe(iso(2 * MINUTE));
  });

  it('after a query, waits half the time already waited', () => {
    expect(nextCheckAt(queriedAfter(issued(), 10 * MINUTE), settings)).toBe(iso(15 * MINUTE));
  });

  it('backs off geometrically up to the maximum interval, then stays there', () => {
    let order = issued();
    let due = Date.parse(nextCheckAt(order, settings)!);
    const intervals: number[] = [];
    for (let check = 0; check < 12; check += 1) {
      order = { ...order, queriedAt: new Date(due).toISOString() };
      const next = Date.parse(nextCheckAt(order, settings)!);
      intervals.push(next - due);
      due = next;
    }
    for (let i = 1; i < intervals.length; i += 1) expect(intervals[i]).toBeGreaterThanOrEqual(intervals[i - 1]);
    expect(intervals[0]).toBe(MINUTE);
    expect(Math.max(...intervals)).toBe(settings.maxCheckIntervalMs);
    expect(intervals.slice(-3)).toEqual([30 * MINUTE, 30 * MINUTE, 30 * MINUTE]);
  });

  it('has nothing to find out about a paid order with no refund waiting', () => {
    expect(nextCheckAt(paid(), settings)).toBeNull();
  });

  it('settles an attempt nobody received details for soon, even on a paid order', () => {
    const order = startAttempt(paid(), at(60))!;
    expect(nextCheckAt(order, settings)).toBe(iso(60_000 + 2 * MINUTE));
  });

  it('looks once more at a closed order when the payment details it issued expire', () => {
    const closed = { ...issued(), state: 'CLOSED' as const };
    expect(nextCheckAt(closed, settings)).toBe(iso(125 * MINUTE));
    const settled = reportNotPaid(issued(), issued().orderId, 'closed', at(60, 'sweep'))!;
    expect(nextCheckAt(settled, settings)).toBeNull();
  });

  it('checks a refund waiting for OTT Pay refundCheckAfterMs after it was opened, whichever is due first', () => {
    const result = openRefundEntry(paid(), { refundId: 'R1', requestId: 'refund-1', amountCents: 100, requestedBy: 'o-staff' }, at(600, 'refund'));
    if (!('order' in result)) throw new Error('refused');
    const order = { ...result.order, openRefundSince: result.order.refunds[0].createdAt };
    expect(nextCheckAt(order, settings)).toBe(iso(11 * MINUTE));
    const withStarted = startAttempt(order, at(700))!;
    expect(nextCheckAt(withStarted, settings)).toBe(iso(11 * MINUTE));
    expect(nextCheckAt({ ...withStarted, attempts: withStarted.attempts.map((a) => ({ ...a, createdAt: at(500).at })) }, settings)).toBe(iso(500_000 + 2 * MINUTE));
  });
});
