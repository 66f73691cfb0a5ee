import type { OrderState, OrderView } from '../services/types';

/** What the payer is told about an order. */
export type Outcome = 'paid' | 'notPaid' | 'review' | 'pending';

const FINAL_STATES: readonly OrderState[] = ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'FAILED', 'CLOSED', 'REVIEW'];

/** Final for the payer: PAID may still be refunded later, but the payment itself is settled. */
export function isSettled(state: OrderState): boolean {
  return FINAL_STATES.includes(state);
}

export function outcomeOf(state: OrderState): Outcome {
  switch (state) {
    case 'PAID':
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return 'paid';
    case 'FAILED':
    case 'CLOSED':
      return 'notPaid';
    case 'REVIEW':
      return 'review';
    case 'CREATED':
    case 'PAYING':
      return 'pending';
  }
}

/** What the Result page shows: a refunded payment is said to be refunded, not paid. */
export type ResultView = Outcome | 'refunded' | 'partlyRefunded';

export function resultViewOf(state: OrderState): ResultView {
  if (state === 'REFUNDED') return 'refunded';
  if (state === 'PARTIALLY_REFUNDED') return 'partlyRefunded';
  return outcomeOf(state);
}

/** The colour family of an order's state badge in lists. */
export type Badge = 'paid' | 'unpaid' | 'failed' | 'review' | 'refunded';

export function badgeOf(state: OrderState): Badge {
  switch (state) {
    case 'PAID':
      return 'paid';
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return 'refunded';
    case 'FAILED':
    case 'CLOSED':
      return 'failed';
    case 'REVIEW':
      return 'review';
    case 'CREATED':
    case 'PAYING':
      return 'unpaid';
  }
}

export function refundableCents(order: OrderView): number {
  if (order.state !== 'PAID' && order.state !== 'PARTIALLY_REFUNDED') return 0;
  return Math.max(0, order.totalCents - order.refundedCents);
}

/** Newest first (orders, refunds); those without a valid date go last. */
export function sortNewestFirst<T extends { createdAt: string }>(items: readonly T[]): T[] {
  const time = (item: T) => {
    const t = Date.parse(item.createdAt);
    return Number.isNaN(t) ? -Infinity : t;
  };
  return [...items].sort((a, b) => time(b) - time(a));
}

/** Appends a page to a list, replacing orders already listed (a refresh may shift pages). */
export function mergeOrders(current: readonly OrderView[], page: readonly OrderView[]): OrderView[] {
  const ids = new Set(page.map((o) => o.orderId));
  return sortNewestFirst([...current.filter((o) => !ids.has(o.orderId)), ...page]);
}
