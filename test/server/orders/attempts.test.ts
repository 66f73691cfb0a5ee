import {
  awaitsOtt,
  closeAbandoned,
  inFlight,
  issueAttempt,
  MAX_ATTEMPTS,
  reportNotPaid,
  reportPaid,
  startAttempt,
  type PaidReport,
} from '../../../server/orders/attempts';
import { historyProblems } from '../../../server/orders/history';
import { attemptIdFor, type Order } from '../../../server/orders/model';
import { at, created, issued, paid, T0 } from './order-fixtures';

const agreed = (order: Order): PaidReport => ({ paidCents: order.amountCents + order.tipCents, moneyAgrees: true, detail: {} });
const states = (order: Order) => order.attempts.map((a) => [a.ottOrderId, a.state, a.outcome]);

describe('a new order', () => {
  it('is CREATED with its first attempt STARTED under the order id, and a history that accounts for both', () => {
    const order = created();
    expect(order).toMatchObject({ state: 'CREATED', version: 0, refundedCents: 0, reservedRefundCents: 0, nextCheckAt: null, openRefundSince: null });
    expect(states(order)).toEqual([[order.orderId, 'STARTED', undefined]]);
    expect(order.history.map((e) => e.event)).toEqual(['created', 'attempt.started']);
    expect(historyProblems(order)).toEqual([]);
  });
});

describe('starting a further attempt', () => {
  it('adds attempt n under "<orderId>P<n>", STARTED, with its history entry', () => {
    const next = startAttempt(created(), at(10))!;
    expect(states(next)[1]).toEqual([attemptIdFor(next.orderId, 2), 'STARTED', undefined]);
    expect(next.history[next.history.length - 1]).toEqual({ at: at(10).at, cause: 'create', event: 'attempt.started', attempt: `${next.orderId}P2` });
    expect(historyProblems(next)).toEqual([]);
  });

  it(`refuses an order that already has ${MAX_ATTEMPTS} attempts`, () => {
    let order = created();
    for (let n = 2; n <= MAX_ATTEMPTS; n += 1) order = startAttempt(order, at(n))!;
    expect(order.attempts).toHaveLength(MAX_ATTEMPTS);
    expect(startAttempt(order, at(100))).toBeNull();
  });
});

describe('an attempt in flight', () => {
  it('is a STARTED attempt younger than the window; an ISSUED one never is', () => {
    const order = created();
    const attempt = order.attempts[0];
    expect(inFlight(attempt, T0 + 3_999, 4_000)).toBe(true);
    expect(inFlight(attempt, T0 + 4_000, 4_000)).toBe(false);
    expect(inFlight(issued(order).attempts[0], T0 + 1, 4_000)).toBe(false);
  });
});

describe('issuing an attempt', () => {
  it('stores the payment details, makes the attempt payable and the order PAYING', () => {
    const order = issued();
    expect(order.state).toBe('PAYING');
    expect(order.attempts[0]).toMatchObject({ state: 'ISSUED', payment: { package: 'prepay_id=wx1' } });
    expect(order.history.slice(-2).map((e) => [e.event, e.to])).toEqual([
      ['attempt.issued', undefined],
      ['state', 'PAYING'],
    ]);
    expect(historyProblems(order)).toEqual([]);
  });

  it('changes nothing for an unknown attempt, an attempt already issued, or an order no longer pending', () => {
    const order = issued();
    expect(issueAttempt(created(), 'NOSUCHATTEMPT', {}, at(2))).toBeNull();
    expect(issueAttempt(order, order.orderId, {}, at(2))).toBeNull();
    const withSecond = startAttempt(paid(), at(40))!;
    expect(issueAttempt(withSecond, `${order.orderId}P2`, {}, at(41))).toBeNull();
  });
});

describe('money reported on an attempt', () => {
  it('makes a pending order PAID when the money agrees', () => {
    const order = paid();
    expect(order).toMatchObject({ state: 'PAID', paidAt: at(30).at });
    expect(order.attempts[0]).toMatchObject({ state: 'PAID', paidCents: 1200, moneyAgrees: true });
    expect(historyProblems(order)).toEqual([]);
  });

  it('sends the order to REVIEW (money_mismatch) when the money disagrees', () => {
    const next = reportPaid(issued(), issued().orderId, { paidCents: 1000, moneyAgrees: false, detail: {} }, at(30, 'callback'))!;
    expect(next).toMatchObject({ state: 'REVIEW', reviewKind: 'money_mismatch', paidAt: at(30).at });
  });

  it('changes nothing when the attempt is already PAID (a repeated call-back)', () => {
    const order = paid();
    expect(reportPaid(order, order.orderId, agreed(order), at(60, 'callback'))).toBeNull();
  });

  it('sends a PAID order to REVIEW (double_charge) when a second attempt is paid too', () => {
    const second = startAttempt(issued(), at(10))!;
    const both = paid(issued(second, `${second.orderId}P2`, 11));
    const next = reportPaid(both, `${both.orderId}P2`, agreed(both), at(40, 'status_query'))!;
    expect(next).toMatchObject({ state: 'REVIEW', reviewKind: 'double_charge' });
    expect(next.attempts.map((a) => a.state)).toEqual(['PAID', 'PAID']);
    expect(historyProblems(next)).toEqual([]);
  });

  it('sends a CLOSED or FAILED order to REVIEW (paid_after_end)', () => {
    const closed = reportNotPaid(issued(), issued().orderId, 'closed', at(20, 'sweep'))!;
    expect(closed.state).toBe('CLOSED');
    const next = reportPaid(closed, closed.orderId, agreed(closed), at(30, 'callback'))!;
    expect(next).toMatchObject({ state: 'REVIEW', reviewKind: 'paid_after_end' });
  });
});

describe('an attempt reported as not paid', () => {
  it.each([
    ['closed', 'CLOSED'],
    ['expired', 'CLOSED'],
    ['failed', 'FAILED'],
    ['rejected', 'FAILED'],
  ] as const)('ends a pending order whose last live attempt it was (%s → %s)', (outcome, end) => {
    const order = issued();
    const next = reportNotPaid(order, order.orderId, outcome, at(20, 'sweep'))!;
    expect(next.state).toBe(end);
    expect(next.attempts[0]).toMatchObject({ state: 'NOT_PAID', outcome });
    expect(historyProblems(next)).toEqual([]);
  });

  it('leaves the order pending while another attempt is still live', () => {
    const order = issued(startAttempt(created(), at(10))!, `${created().orderId}P2`, 11);
    const next = reportNotPaid(order, order.orderId, 'lost', at(20, 'sweep'))!;
    expect(next.state).toBe('PAYING');
    expect(states(next)).toEqual([
      [order.orderId, 'NOT_PAID', 'lost'],
      [`${order.orderId}P2`, 'ISSUED', undefined],
    ]);
  });

  it('does not end a paid order, and changes nothing for an attempt already settled', () => {
    const order = startAttempt(paid(), at(40))!;
    const next = reportNotPaid(order, `${order.orderId}P2`, 'lost', at(50, 'sweep'))!;
    expect(next.state).toBe('PAID');
    expect(reportNotPaid(next, `${order.orderId}P2`, 'lost', at(60, 'sweep'))).toBeNull();
    expect(reportNotPaid(next, order.orderId, 'closed', at(60, 'sweep'))).toBeNull();
  });
});

describe('closing an abandoned order', () => {
  it('closes it when OTT answered every live attempt as not paid', () => {
    const order = issued();
    const next = closeAbandoned(order, new Set([order.orderId]), at(7200, 'sweep'))!;
    expect(next.state).toBe('CLOSED');
    expect(next.history[next.history.length - 1]).toMatchObject({ event: 'state', from: 'PAYING', to: 'CLOSED', detail: { reason: 'abandoned' } });
  });

  it('sends it to REVIEW (status_unknown) instead when OTT could not be asked, once', () => {
    const order = issued();
    const review = closeAbandoned(order, new Set(), at(7200, 'sweep'))!;
    expect(review).toMatchObject({ state: 'REVIEW', reviewKind: 'status_unknown' });
    expect(awaitsOtt(review)).toBe(true);
    expect(closeAbandoned(review, new Set(), at(9000, 'sweep'))).toBeNull();
    expect(closeAbandoned(review, new Set([order.orderId]), at(9000, 'sweep'))!.state).toBe('CLOSED');
  });

  it('changes nothing on an order that does not wait for OTT', () => {
    expect(closeAbandoned(paid(), new Set(), at(7200, 'sweep'))).toBeNull();
    const mismatch = reportPaid(issued(), issued().orderId, { paidCents: 1, moneyAgrees: false, detail: {} }, at(30))!;
    expect(awaitsOtt(mismatch)).toBe(false);
    expect(closeAbandoned(mismatch, new Set(), at(7200, 'sweep'))).toBeNull();
  });
});
