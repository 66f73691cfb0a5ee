import { reconcile, type AcquirerTransaction } from '../../scripts/chaos-reconcile';
import { newOrder, reportPaid, issueAttempt } from '../../server/orders/attempts';
import { applyRefundFee, openRefundEntry } from '../../server/orders/refund-ledger';
import { orderIdFor, type Order } from '../../server/orders/model';

const ctx = { at: '2026-11-23T12:00:00.000Z', cause: 'callback' as const };

function paidOrder(requestId: string): Order {
  const created = newOrder({ orderId: orderIdFor('o-payer', requestId), openid: 'o-payer', appid: 'wx1', requestId, channel: 'MINIPROGRAM', amountCents: 1000, tipCents: 0 }, ctx.at);
  const issued = issueAttempt(created, created.orderId, { codeUrl: 'weixin://x' }, ctx)!;
  return reportPaid(issued, created.orderId, { paidCents: 1000, moneyAgrees: true, detail: {} }, ctx)!;
}

function transaction(order: Order, overrides: Partial<AcquirerTransaction> = {}): AcquirerTransaction {
  return { orderId: order.orderId, state: 'success', amount: 1000, tip: 0, refunded: 0, refunds: [], ...overrides };
}

describe('chaos reconciliation', () => {
  it('finds nothing wrong when both books agree, refunds included', () => {
    const paid = paidOrder('req-agree-1');
    const opened = openRefundEntry(paid, { refundId: 'R1', requestId: 'rf-1', amountCents: 300, requestedBy: 'o-staff' }, ctx);
    if (!('order' in opened)) throw new Error('refused');
    const refunded = applyRefundFee(opened.order, opened.order.orderId, 300, ctx)!;
    const { figures } = reconcile([refunded], [transaction(refunded, { state: 'partial_refunded', refunded: 300, refunds: [{ refundOrderId: 'R1', amount: 300 }] })], [{ requestId: 'req-agree-1', orderId: refunded.orderId }], []);
    expect(Object.values(figures).every((v) => v === 0)).toBe(true);
  });

  it('counts each kind of disagreement', () => {
    const paid = paidOrder('req-1');
    const unpaidAtOtt = paidOrder('req-2');
    const paidAtOttOnly = { ...paidOrder('req-3'), state: 'PAYING' as const, attempts: [{ ...paidOrder('req-3').attempts[0], state: 'ISSUED' as const }] };
    const withoutHistory = { ...paidOrder('req-4'), history: paidOrder('req-4').history.slice(0, 2) };
    const refundGap = { ...paidOrder('req-5'), refundedCents: 0 };
    const { figures } = reconcile(
      [paid, unpaidAtOtt, paidAtOttOnly, withoutHistory, refundGap],
      [
        transaction(paid),
        transaction(unpaidAtOtt, { state: 'notpay' }),
        transaction(paidAtOttOnly),
        transaction(withoutHistory),
        transaction(refundGap, { state: 'partial_refunded', refunded: 200, refunds: [{ refundOrderId: 'RX', amount: 200 }] }),
        transaction(paid, { orderId: 'NOSUCHORDER00000000000000000P2' }),
      ],
      [{ requestId: 'req-lost', orderId: 'LOSTORDER000000000000000000' }],
      [{ requestId: 'req-dead-1' }, { requestId: 'req-dead-2', orderId: paid.orderId }],
    );
    expect(figures).toEqual({
      orders_lost: 2,
      paid_at_ott_but_not_paid: 1,
      paid_but_not_paid_at_ott: 1,
      settled_twice: 0,
      changes_without_history: 3, // two gaps in withoutHistory, and paidAtOttOnly whose state its history does not end at
      dead_requests: 2,
      refunds_unresolved: 0,
      refunded_amount_not_otts: 1,
      in_review: 0,
    });
  });

  it('takes a refund OTT booked less than the booking delay ago as information, and one booked earlier as unresolved', () => {
    const paid = paidOrder('req-late-1');
    const opened = openRefundEntry(paid, { refundId: 'R9', requestId: 'rf-9', amountCents: 300, requestedBy: 'o-staff' }, ctx);
    if (!('order' in opened)) throw new Error('refused');
    const booked = [{ refundOrderId: 'R9', amount: 300, createdAt: '2026-11-23T12:00:00.000Z' }];
    const ledger = [transaction(opened.order, { state: 'partial_refunded', refunded: 300, refunds: booked })];
    const requests = [{ requestId: 'req-late-1', orderId: paid.orderId }];
    const within = reconcile([opened.order], ledger, requests, [], { refundBookingDelayMs: 3000, at: new Date('2026-11-23T12:00:02.000Z') });
    expect(Object.values(within.figures).every((v) => v === 0)).toBe(true);
    expect(within.information).toEqual({ in_review_unknown_status_without_money: 0, refunds_pending_within_booking_delay: 1 });
    const past = reconcile([opened.order], ledger, requests, [], { refundBookingDelayMs: 3000, at: new Date('2026-11-23T12:00:04.000Z') });
    expect(past.figures).toMatchObject({ refunds_unresolved: 1, refunded_amount_not_otts: 1 });
    expect(past.information.refunds_pending_within_booking_delay).toBe(0);
  });

  it('counts an order in review for an undocumented status as information while OTT holds no money for it, and as a failure when it does; a request that got no payment details always fails', () => {
    const created = newOrder({ orderId: orderIdFor('o-payer', 'req-odd-1'), openid: 'o-payer', appid: 'wx1', requestId: 'req-odd-1', channel: 'MINIPROGRAM', amountCents: 1000, tipCents: 0 }, ctx.at);
    const odd: Order = { ...issueAttempt(created, created.orderId, { codeUrl: 'weixin://x' }, ctx)!, state: 'REVIEW', reviewKind: 'unknown_status', reviewReason: 'OTT Pay answered USERPAYING' };
    const requests = [{ requestId: 'req-odd-1', orderId: odd.orderId }];
    const unpaid = reconcile([odd], [transaction(odd, { state: 'notpay' })], requests, requests);
    expect(unpaid.figures).toMatchObject({ in_review: 0, dead_requests: 1 });
    expect(unpaid.information).toMatchObject({ in_review_unknown_status_without_money: 1 });
    const paidAtOtt = reconcile([odd], [transaction(odd)], requests, requests);
    expect(paidAtOtt.figures).toMatchObject({ in_review: 1, paid_at_ott_but_not_paid: 1, dead_requests: 1 });
    expect(paidAtOtt.information).toMatchObject({ in_review_unknown_status_without_money: 0 });
  });
});
