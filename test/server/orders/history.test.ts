import { historyProblems, recordStateChange, withHistory } from '../../../server/orders/history';
import type { Order } from '../../../server/orders/model';
import { applyRefundFee, openRefundEntry } from '../../../server/orders/refund-ledger';
import { at, created, issued, paid } from './order-fixtures';

function refunded(order: Order, amountCents: number): Order {
  const result = openRefundEntry(order, { refundId: 'R000000000000000000000001', requestId: 'refund-1', amountCents, requestedBy: 'o-staff' }, at(100, 'refund'));
  if (!('order' in result)) throw new Error('refused');
  return applyRefundFee(result.order, order.attempts[0].ottOrderId, amountCents, at(101, 'refund'))!;
}

describe('recording changes', () => {
  it('appends entries without touching the ones before', () => {
    const order = created();
    const next = withHistory(order, { at: at(5).at, cause: 'ops', event: 'state', from: 'CREATED', to: 'CREATED' });
    expect(next.history.slice(0, -1)).toEqual(order.history);
    expect(order.history).toHaveLength(2);
  });

  it('adds a state entry only when the state changed', () => {
    const order = issued();
    expect(recordStateChange(order, { ...order }, at(5))).toEqual(order);
    const closed = recordStateChange(order, { ...order, state: 'CLOSED' }, at(5, 'sweep'), { reason: 'abandoned' });
    expect(closed.history[closed.history.length - 1]).toEqual({ at: at(5).at, cause: 'sweep', event: 'state', from: 'PAYING', to: 'CLOSED', detail: { reason: 'abandoned' } });
  });
});

describe('what the history does not account for', () => {
  it('is nothing for orders built change by change', () => {
    for (const order of [created(), issued(), paid(), refunded(paid(), 400)]) expect(historyProblems(order)).toEqual([]);
  });

  it('catches a state change written without its entry', () => {
    expect(historyProblems({ ...issued(), state: 'PAID' })).toEqual(['state PAID but history ends at PAYING']);
  });

  it('catches an attempt added or settled without its entry', () => {
    const order = issued();
    const extra = { ...order.attempts[0], ottOrderId: `${order.orderId}P2`, state: 'STARTED' as const };
    expect(historyProblems({ ...order, attempts: [...order.attempts, extra] })).toEqual([`attempt ${order.orderId}P2 has no started entry`]);
    const silentlyPaid = { ...order, attempts: [{ ...order.attempts[0], state: 'PAID' as const }] };
    expect(historyProblems(silentlyPaid)).toEqual([`attempt ${order.orderId} is PAID without an entry`]);
  });

  it('catches a refund, its outcome or its money changed without an entry', () => {
    const order = refunded(paid(), 400);
    const withoutOpened = { ...order, history: order.history.filter((e) => e.event !== 'refund.opened') };
    expect(historyProblems(withoutOpened)).toEqual(['refund R000000000000000000000001 has no opened entry']);
    const withoutOutcome = { ...order, history: order.history.filter((e) => e.event !== 'refund.succeeded') };
    expect(historyProblems(withoutOutcome)).toEqual(['refund R000000000000000000000001 is SUCCEEDED without an entry']);
    expect(historyProblems({ ...order, refundedCents: 500 })).toEqual(['refundedCents 500 is not the sum of succeeded refunds']);
    expect(historyProblems({ ...order, reservedRefundCents: 0 })).toEqual(['reservedRefundCents 0 is not succeeded plus pending refunds']);
  });

  it('catches a history that does not start with the creation', () => {
    const order = created();
    expect(historyProblems({ ...order, history: order.history.slice(1) })).toEqual(['history does not start with created']);
  });
});
