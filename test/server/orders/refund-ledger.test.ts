import { historyProblems } from '../../../server/orders/history';
import { openRefund, type Order } from '../../../server/orders/model';
import {
  applyRefundFee,
  failRefund,
  markRefundResent,
  MAX_REFUNDS,
  noteRefundRejected,
  openRefundEntry,
  readRefundFee,
  refundableNow,
  acknowledgeRefund,
  type RefundRequest,
} from '../../../server/orders/refund-ledger';
import { at, issued, paid } from './order-fixtures';

const ORI = paid().attempts[0].ottOrderId;
const request = (n: number, amountCents: number): RefundRequest => ({ refundId: `R${String(n).padStart(24, '0')}`, requestId: `refund-${n}`, amountCents, requestedBy: 'o-staff' });

function opened(order: Order, n: number, amountCents: number, seconds = 100): Order {
  const result = openRefundEntry(order, request(n, amountCents), at(seconds, 'refund'));
  if (!('order' in result)) throw new Error(`refused: ${result.refused.code}`);
  return result.order;
}

/** Opened and confirmed by a refund_fee that shows it. */
function succeeded(order: Order, n: number, amountCents: number, seconds = 100): Order {
  const open = opened(order, n, amountCents, seconds);
  return applyRefundFee(open, ORI, open.refundedCents + amountCents, at(seconds + 1, 'refund'))!;
}

describe('opening a refund', () => {
  it('records the refund and reserves its amount in the same order, with its history entry', () => {
    const order = opened(paid(), 1, 500);
    expect(order.refunds).toEqual([
      expect.objectContaining({ refundId: request(1, 500).refundId, state: 'PENDING', amountCents: 500, oriOrderId: order.orderId, sends: 1, lastSentAt: at(100).at }),
    ]);
    expect(order).toMatchObject({ reservedRefundCents: 500, refundedCents: 0, state: 'PAID' });
    expect(order.history[order.history.length - 1]).toMatchObject({ event: 'refund.opened', refundId: request(1, 500).refundId });
    expect(historyProblems(order)).toEqual([]);
  });

  it('refunds the attempt that was paid', () => {
    expect(opened(paid(), 1, 100).refunds[0].oriOrderId).toBe(paid().attempts[0].ottOrderId);
  });

  it('refuses an order that is not paid (NOT_REFUNDABLE)', () => {
    expect(openRefundEntry(issued(), request(1, 100), at(100, 'refund'))).toEqual({ refused: expect.objectContaining({ code: 'NOT_REFUNDABLE' }) });
  });

  it('refuses while another refund waits for OTT Pay, naming it (REFUND_OPEN)', () => {
    expect(openRefundEntry(opened(paid(), 1, 100), request(2, 100), at(101, 'refund'))).toEqual({
      refused: expect.objectContaining({ code: 'REFUND_OPEN', openRefund: expect.objectContaining({ refundId: request(1, 100).refundId, amountCents: 100, state: 'PENDING', createdAt: at(100).at }) }),
    });
  });

  it('does not count refused refunds against the limit', () => {
    let order = paid();
    for (let n = 1; n <= MAX_REFUNDS + 5; n += 1) {
      const open = opened(order, n, 100, 100 + 3 * n);
      const rejected = noteRefundRejected(open, request(n, 100).refundId, 'FAIL', at(101 + 3 * n, 'refund'))!;
      order = failRefund(rejected, request(n, 100).refundId, 'FAIL', at(102 + 3 * n, 'refund'))!;
    }
    expect(opened(order, 99, 100, 900).refunds).toHaveLength(MAX_REFUNDS + 6);
  });

  it('refunds money OTT holds in REVIEW, on the newest paid attempt: the extra payment of a double charge', () => {
    const first = paid();
    const second = { ...first.attempts[0], ottOrderId: `${first.orderId}P2` };
    const doubled: Order = { ...first, state: 'REVIEW', reviewKind: 'double_charge', attempts: [first.attempts[0], second] };
    const order = opened(doubled, 1, 1200);
    expect(openRefund(order)).toMatchObject({ oriOrderId: second.ottOrderId, amountCents: 1200 });
    expect(refundableNow({ ...order, refunds: order.refunds.map((r) => ({ ...r, state: 'SUCCEEDED' as const })) })).toBe(1200);
  });

  it('refuses more than what is left after confirmed and pending refunds (REFUND_TOO_LARGE)', () => {
    const order = succeeded(paid(), 1, 700);
    expect(openRefundEntry(order, request(2, 501), at(200, 'refund'))).toEqual({ refused: expect.objectContaining({ code: 'REFUND_TOO_LARGE', message: expect.stringContaining('500') }) });
    expect(opened(order, 2, 500, 200).reservedRefundCents).toBe(1200);
  });

  it(`refuses a refund beyond the ${MAX_REFUNDS}th`, () => {
    let order = paid();
    for (let n = 1; n <= MAX_REFUNDS; n += 1) order = succeeded(order, n, 1, 100 + 2 * n);
    expect(openRefundEntry(order, request(99, 1), at(500, 'refund'))).toEqual({ refused: expect.objectContaining({ code: 'NOT_REFUNDABLE' }) });
  });
});

describe('re-sending, rejecting and failing the open refund', () => {
  it('counts a re-send under the same refund id, with its history entry', () => {
    const order = markRefundResent(opened(paid(), 1, 500), request(1, 500).refundId, at(200, 'sweep'))!;
    expect(openRefund(order)).toMatchObject({ sends: 2, lastSentAt: at(200).at });
    expect(order.history[order.history.length - 1]).toMatchObject({ event: 'refund.sent', detail: { send: 2 } });
    expect(markRefundResent(order, 'ROTHER', at(201, 'sweep'))).toBeNull();
  });

  it('takes SUCCESS or ORDER_USED to a send as OTT holding the refund: never sent again, never rejected', () => {
    const order = acknowledgeRefund(opened(paid(), 1, 500), request(1, 500).refundId, 'ORDER_USED', at(150, 'sweep'))!;
    expect(openRefund(order)).toMatchObject({ state: 'PENDING', acknowledged: 'ORDER_USED', lastCheckedAt: at(150).at });
    expect(order.history[order.history.length - 1]).toMatchObject({ event: 'refund.acknowledged', detail: { answer: 'ORDER_USED' } });
    expect(markRefundResent(order, request(1, 500).refundId, at(200, 'sweep'))).toBeNull();
    expect(noteRefundRejected(order, request(1, 500).refundId, 'FAIL', at(200, 'sweep'))).toBeNull();
  });

  it('notes a rejection without releasing the reservation, once per code', () => {
    const order = noteRefundRejected(opened(paid(), 1, 500), request(1, 500).refundId, 'FAIL', at(101, 'refund'))!;
    expect(openRefund(order)).toMatchObject({ state: 'PENDING', rejectedCode: 'FAIL' });
    expect(order.reservedRefundCents).toBe(500);
    expect(noteRefundRejected(order, request(1, 500).refundId, 'FAIL', at(102, 'refund'))).toBeNull();
  });

  it('fails the refund and releases its reservation, and nothing else', () => {
    const before = succeeded(paid(), 1, 300);
    const order = failRefund(opened(before, 2, 400, 200), request(2, 400).refundId, 'NOT_BOOKED', at(300, 'sweep'))!;
    expect(order.refunds.map((r) => r.state)).toEqual(['SUCCEEDED', 'FAILED']);
    expect(order).toMatchObject({ reservedRefundCents: 300, refundedCents: 300 });
    expect(openRefund(order)).toBeUndefined();
    expect(historyProblems(order)).toEqual([]);
    expect(failRefund(order, request(2, 400).refundId, 'NOT_BOOKED', at(301, 'sweep'))).toBeNull();
  });
});

describe("OTT Pay's refund_fee against the ledger", () => {
  it('reads booked, not booked, settled or mismatch', () => {
    const open = opened(succeeded(paid(), 1, 300), 2, 400, 200);
    expect(readRefundFee(open, ORI, 700)).toBe('booked');
    expect(readRefundFee(open, ORI, 300)).toBe('not_booked');
    expect(readRefundFee(open, ORI, 500)).toBe('mismatch');
    expect(readRefundFee(succeeded(paid(), 1, 300), ORI, 300)).toBe('settled');
    expect(readRefundFee(succeeded(paid(), 1, 300), ORI, 0)).toBe('mismatch');
  });

  it('makes a booked refund SUCCEEDED: PARTIALLY_REFUNDED, then REFUNDED at the total', () => {
    const partly = succeeded(paid(), 1, 300);
    expect(partly).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedCents: 300, reservedRefundCents: 300 });
    const fully = succeeded(partly, 2, 900, 200);
    expect(fully).toMatchObject({ state: 'REFUNDED', refundedCents: 1200 });
    expect(historyProblems(fully)).toEqual([]);
  });

  it('leaves a refund that is not booked to the caller, and sends a fee it cannot explain to REVIEW (refund_mismatch)', () => {
    const open = opened(paid(), 1, 500);
    expect(applyRefundFee(open, ORI, 0, at(200, 'sweep'))).toBeNull();
    const review = applyRefundFee(open, ORI, 200, at(200, 'sweep'))!;
    expect(review).toMatchObject({ state: 'REVIEW', reviewKind: 'refund_mismatch' });
    expect(applyRefundFee(review, ORI, 250, at(300, 'sweep'))).toBeNull();
  });
});
