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
    const refunded = applyRefundFee(opened.order, 300, ctx)!;
    const { figures } = reconcile([refunded], [transaction(refunded, { state: 'partial_refunded', refunded: 300, refunds: [{ refundOrderId: 'R1', amount: 300 }] })], [{ requestId: 'req-agree-1', orderId: refunded.orderId }], 0);
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
      2,
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
});
