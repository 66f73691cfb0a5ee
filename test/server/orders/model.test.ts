import { attemptIdFor, orderIdFor, orderIdOfAttempt, refundIdFor, toOrderView, toRefundView, type RefundEntry } from '../../../server/orders/model';
import { makeOrder } from './store-contract';

describe('order ids', () => {

  it('is 28 characters of [0-9A-Z], as OTT order ids must be', () => {
    const id = orderIdFor('o-payer-1', 'req-00000001');
    expect(id).toMatch(/^[0-9A-Z]{28}$/);
  });

  it('is the same for the same payer and request, whatever the day, and differs otherwise', () => {
    const id = orderIdFor('o-payer-1', 'req-00000001');
    expect(orderIdFor('o-payer-1', 'req-00000001')).toBe(id);
    expect(orderIdFor('o-payer-2', 'req-00000001')).not.toBe(id);
    expect(orderIdFor('o-payer-1', 'req-00000002')).not.toBe(id);
  });

  it('spreads the derived characters over the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) for (const c of orderIdFor('o', `r${i}`)) seen.add(c);
    expect(seen.size).toBe(36);
  });

  it('names attempts after their order, within OTT’s 32 characters, and finds the order back', () => {
    const id = orderIdFor('o-payer-1', 'req-00000001');
    expect(attemptIdFor(id, 1)).toBe(id);
    expect(attemptIdFor(id, 2)).toBe(`${id}P2`);
    expect(attemptIdFor(id, 10)).toMatch(/^[0-9A-Z]{28}P10$/);
    for (const n of [1, 2, 10]) expect(orderIdOfAttempt(attemptIdFor(id, n))).toBe(id);
  });

  it('derives refund ids from the order and the refund request', () => {
    const id = refundIdFor('20240302ABCDEFGHIJ0123456789', 'refund-req-1');
    expect(id).toMatch(/^R[0-9A-Z]{24}$/);
    expect(refundIdFor('20240302ABCDEFGHIJ0123456789', 'refund-req-1')).toBe(id);
    expect(refundIdFor('20240302ABCDEFGHIJ0123456789', 'refund-req-2')).not.toBe(id);
    expect(refundIdFor('20240302ABCDEFGHIJ0123456780', 'refund-req-1')).not.toBe(id);
  });
});

describe('views', () => {
  it('shows a page only what OrderView holds, with the total', () => {
    const order = makeOrder({ amountCents: 1000, tipCents: 150, refundedCents: 200, reviewReason: 'x' });
    expect(toOrderView(order)).toEqual({
      orderId: order.orderId,
      state: 'CREATED',
      channel: 'MINIPROGRAM',
      amountCents: 1000,
      tipCents: 150,
      totalCents: 1150,
      refundedCents: 200,
      currency: 'CAD',
      createdAt: order.createdAt,
    });
    expect(toOrderView({ ...order, state: 'PAID', paidAt: '2024-05-01T12:00:30.000Z' }).paidAt).toBe('2024-05-01T12:00:30.000Z');
  });

  it('shows a refund as RefundView', () => {
    const order = makeOrder();
    const refund: RefundEntry = {
      refundId: refundIdFor(order.orderId, 'refund-req-1'),
      requestId: 'refund-req-1',
      amountCents: 300,
      state: 'PENDING',
      requestedBy: 'o-staff',
      oriOrderId: order.orderId,
      createdAt: '2024-05-01T12:01:00.000Z',
      updatedAt: '2024-05-01T12:01:00.000Z',
      sends: 1,
      lastSentAt: '2024-05-01T12:01:00.000Z',
      failureCode: 'X',
    };
    expect(toRefundView(order.orderId, refund)).toEqual({
      refundId: refund.refundId,
      orderId: order.orderId,
      amountCents: refund.amountCents,
      state: 'PENDING',
      createdAt: refund.createdAt,
    });
  });
});
