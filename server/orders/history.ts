/**
 * An order's history lives inside the order document, so a change and its record are one write.
 * `historyProblems` checks that the history accounts for everything the order says.
 */
import type { AttemptState, ChangeCause, HistoryEntry, HistoryEvent, Order, RefundState } from './model';

/** Context of one change: when, and what caused it. */
export interface ChangeContext {
  at: string;
  cause: ChangeCause;
}

export function withHistory(order: Order, ...entries: HistoryEntry[]): Order {
  return { ...order, history: [...order.history, ...entries] };
}

/** `next` with a 'state' entry appended when its state differs from `before`. */
export function recordStateChange(before: Order, next: Order, ctx: ChangeContext, detail?: HistoryEntry['detail']): Order {
  if (before.state === next.state) return next;
  const entry: HistoryEntry = { at: ctx.at, cause: ctx.cause, event: 'state', from: before.state, to: next.state };
  if (detail !== undefined) entry.detail = detail;
  return withHistory(next, entry);
}

const ATTEMPT_EVENTS: Record<AttemptState, HistoryEvent> = { STARTED: 'attempt.started', ISSUED: 'attempt.issued', PAID: 'attempt.paid', NOT_PAID: 'attempt.not_paid' };
const REFUND_EVENTS: Record<RefundState, HistoryEvent> = { PENDING: 'refund.opened', SUCCEEDED: 'refund.succeeded', FAILED: 'refund.failed' };

/**
 * What in the order its history does not account for: the state, every attempt and its state,
 * every refund and its state, and the refunded and reserved sums. Empty when all is accounted for.
 */
export function historyProblems(order: Order): string[] {
  const problems: string[] = [];
  const has = (test: (e: HistoryEntry) => boolean) => order.history.some(test);
  if (order.history[0]?.event !== 'created') problems.push('history does not start with created');
  const stateEntries = order.history.filter((e) => e.event === 'state');
  const recordedState = stateEntries.length > 0 ? stateEntries[stateEntries.length - 1].to : 'CREATED';
  if (recordedState !== order.state) problems.push(`state ${order.state} but history ends at ${recordedState}`);
  for (const attempt of order.attempts) {
    const id = attempt.ottOrderId;
    if (!has((e) => e.event === 'attempt.started' && e.attempt === id)) problems.push(`attempt ${id} has no started entry`);
    if (attempt.state !== 'STARTED' && !has((e) => e.event === ATTEMPT_EVENTS[attempt.state] && e.attempt === id)) {
      problems.push(`attempt ${id} is ${attempt.state} without an entry`);
    }
  }
  for (const refund of order.refunds) {
    const id = refund.refundId;
    if (!has((e) => e.event === 'refund.opened' && e.refundId === id)) problems.push(`refund ${id} has no opened entry`);
    if (refund.state !== 'PENDING' && !has((e) => e.event === REFUND_EVENTS[refund.state] && e.refundId === id)) {
      problems.push(`refund ${id} is ${refund.state} without an entry`);
    }
  }
  const sum = (state: string) => order.refunds.filter((r) => r.state === state).reduce((s, r) => s + r.amountCents, 0);
  if (order.refundedCents !== sum('SUCCEEDED')) problems.push(`refundedCents ${order.refundedCents} is not the sum of succeeded refunds`);
  if (order.reservedRefundCents !== sum('SUCCEEDED') + sum('PENDING')) {
    problems.push(`reservedRefundCents ${order.reservedRefundCents} is not succeeded plus pending refunds`);
  }
  return problems;
}
