import type { OrderState } from '../../../typings/payments';
import {
  assertTransition,
  canTransition,
  InvalidTransitionError,
  isPaidState,
  isPending,
  ORDER_STATES,
  TRANSITIONS,
} from '../../../server/orders/state-machine';

// The transitions documented in typings/payments.d.ts, written out pair by pair.
const ALLOWED = new Set([
  'CREATED>PAYING',
  'CREATED>PAID',
  'CREATED>FAILED',
  'CREATED>CLOSED',
  'CREATED>REVIEW',
  'PAYING>PAID',
  'PAYING>FAILED',
  'PAYING>CLOSED',
  'PAYING>REVIEW',
  'PAID>PARTIALLY_REFUNDED',
  'PAID>REFUNDED',
  'PAID>REVIEW',
  'PARTIALLY_REFUNDED>REFUNDED',
  'PARTIALLY_REFUNDED>REVIEW',
  'REFUNDED>REVIEW',
  'REVIEW>PAID',
  'REVIEW>CLOSED',
  'REVIEW>FAILED',
  'REVIEW>PARTIALLY_REFUNDED',
  'REVIEW>REFUNDED',
  'FAILED>REVIEW',
  'CLOSED>REVIEW',
]);

const ALL: OrderState[] = ['CREATED', 'PAYING', 'PAID', 'REVIEW', 'FAILED', 'CLOSED', 'PARTIALLY_REFUNDED', 'REFUNDED'];
const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to] as const));

describe('order state machine', () => {
  it('knows every state once', () => {
    expect([...ORDER_STATES].sort()).toEqual([...ALL].sort());
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL].sort());
  });

  it.each(pairs)('canTransition(%s, %s)', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
  });

  it.each(pairs)('assertTransition(%s, %s)', (from, to) => {
    if (from === to || ALLOWED.has(`${from}>${to}`)) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(InvalidTransitionError);
  });

  it.each(ALL)('isPaidState(%s) and isPending(%s)', (state) => {
    expect(isPaidState(state)).toBe(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(state));
    expect(isPending(state)).toBe(['CREATED', 'PAYING'].includes(state));
  });

  it('never returns to a pending state, and leaves FAILED and CLOSED only for REVIEW', () => {
    for (const [from, to] of pairs) {
      if (isPending(to) && !(from === 'CREATED' && to === 'PAYING')) expect(canTransition(from, to)).toBe(false);
      if ((from === 'FAILED' || from === 'CLOSED') && to !== 'REVIEW') expect(canTransition(from, to)).toBe(false);
    }
  });
});
