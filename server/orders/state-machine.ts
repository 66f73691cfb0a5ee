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
  // Money found on a second attempt of a paid order (a double charge) needs a person.
  PAID: ['PARTIALLY_REFUNDED', 'REFUNDED', 'REVIEW'],
  PARTIALLY_REFUNDED: ['REFUNDED', 'REVIEW'],
  REFUNDED: ['REVIEW'],
  // A review for "OTT could not be asked" or "OTT's status unknown" settles by itself once OTT
  // answers; the others leave it when a person settles them (`ops accept`, `ops requery`).
  REVIEW: ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CLOSED', 'FAILED'],
  // OTT Pay may still report money taken for an order we gave up on: a person must look at it.
  FAILED: ['REVIEW'],
  CLOSED: ['REVIEW'],
};

/** True when `from → to` is a transition; staying in the same state is not one. */
export function canTransition(from: OrderState, to: OrderState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** CREATED and PAYING: the payment's outcome is not known yet. */
export function isPending(state: OrderState): boolean {
  return state === 'CREATED' || state === 'PAYING';
}

/** PAID, PARTIALLY_REFUNDED and REFUNDED: the payer was charged. */
export function isPaidState(state: OrderState): boolean {
  return state === 'PAID' || state === 'PARTIALLY_REFUNDED' || state === 'REFUNDED';
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
