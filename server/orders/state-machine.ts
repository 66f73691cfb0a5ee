import type { OrderState } from '../../typings/payments';

export const ORDER_STATES: readonly OrderState[] = [
  'CREATED',
  'PAYING',
  'PAID',
  'REVIEW',
  'FAILED',
  'CLOSED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
];

/** The forward transitions an order may take; a state not listed as a key's value is unreachable from it. */
export const TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  CREATED: ['PAYING', 'PAID', 'FAILED', 'CLOSED', 'REVIEW'],
  PAYING: ['PAID', 'FAILED', 'CLOSED', 'REVIEW'],
  PAID: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['REFUNDED'],
  REVIEW: [],
  // OTT Pay may still report money taken for an order we gave up on: a person must look at it.
  FAILED: ['REVIEW'],
  CLOSED: ['REVIEW'],
  REFUNDED: [],
};

/** True when `from → to` is a transition; staying in the same state is not one. */
export function canTransition(from: OrderState, to: OrderState): boolean {
  return TRANSITIONS[from].includes(to);
}

const FINAL: ReadonlySet<OrderState> = new Set(['FAILED', 'CLOSED', 'REVIEW', 'REFUNDED']);

/** FAILED, CLOSED, REVIEW and REFUNDED: the payer's outcome is settled (FAILED and CLOSED move only to REVIEW). */
export function isFinal(state: OrderState): boolean {
  return FINAL.has(state);
}

/** CREATED and PAYING: the payment's outcome is not known yet. */
export function isPending(state: OrderState): boolean {
  return state === 'CREATED' || state === 'PAYING';
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: OrderState,
    readonly to: OrderState,
  ) {
    super(`order state cannot move from ${from} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

/** Throws InvalidTransitionError unless `to` is `from` itself or a transition from it. */
export function assertTransition(from: OrderState, to: OrderState): void {
  if (from !== to && !canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
