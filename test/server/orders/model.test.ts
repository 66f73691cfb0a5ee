import { orderIdFor, refundIdFor, toOrderView, toRefundView } from '../../../server/orders/model';
import { makeOrder, makeRefund } from './store-contract';

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
    const order = makeOrder({ amountCents: 1000, tipCents: 150, refundedCents: 200, reviewReason: 'x', ott: { saleNum: 'S' } });
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
    const refund = makeRefund(makeOrder(), 'refund-req-1', { failureCode: 'X' });
    expect(toRefundView(refund)).toEqual({
      refundId: refund.refundId,
      orderId: refund.orderId,
      amountCents: refund.amountCents,
      state: 'PENDING',
      createdAt: refund.createdAt,
    });
  });
});
