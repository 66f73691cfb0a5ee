import type { OrderState } from '../../../typings/payments';
import {
  assertTransition,
  canTransition,
  InvalidTransitionError,
  isFinal,
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
  'PARTIALLY_REFUNDED>REFUNDED',
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

  it.each(ALL)('isFinal(%s) and isPending(%s)', (state) => {
    expect(isFinal(state)).toBe(['FAILED', 'CLOSED', 'REVIEW', 'REFUNDED'].includes(state));
    expect(isPending(state)).toBe(['CREATED', 'PAYING'].includes(state));
  });

  it('never leaves a final state but for REVIEW, and never returns to a pending one', () => {
    for (const [from, to] of pairs) {
      if ((isFinal(from) && to !== 'REVIEW') || isPending(to)) {
        if (!(from === 'CREATED' && to === 'PAYING')) expect(canTransition(from, to)).toBe(false);
      }
    }
  });
});
