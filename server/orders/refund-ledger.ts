/**
 * Refunds as pure functions on the order that holds them. A refund's record and the reservation
 * of its amount are one write; at most one refund per order waits for OTT Pay at a time, so
 * STATUS_QUERY's refund_fee tells unambiguously whether it was booked.
 */
import { recordStateChange, withHistory, type ChangeContext } from './history';
import { openRefund, paidAttempt, totalCents, type HistoryEntry, type Order, type RefundEntry } from './model';
import { isPaidState } from './state-machine';

/** An order may have at most this many refunds. */
export const MAX_REFUNDS = 20;

export type RefundRefusal =
  | { code: 'NOT_REFUNDABLE'; message: string }
  | { code: 'REFUND_TOO_LARGE'; message: string }
  | { code: 'BUSY'; message: string };

export interface RefundRequest {
  refundId: string;
  requestId: string;
  amountCents: number;
  requestedBy: string;
}

/** Records the refund and reserves its amount, or says why it cannot be made now. */
export function openRefundEntry(order: Order, request: RefundRequest, ctx: ChangeContext): { order: Order } | { refused: RefundRefusal } {
  const paid = paidAttempt(order);
  if (!paid || (order.state !== 'PAID' && order.state !== 'PARTIALLY_REFUNDED')) {
    return { refused: { code: 'NOT_REFUNDABLE', message: `A payment that is ${order.state.toLowerCase()} cannot be refunded.` } };
  }
  if (openRefund(order)) {
    return { refused: { code: 'BUSY', message: 'Another refund of this payment is still being confirmed with OTT Pay. Try again in a minute.' } };
  }
  if (order.refunds.length >= MAX_REFUNDS) {
    return { refused: { code: 'NOT_REFUNDABLE', message: `A payment can be refunded at most ${MAX_REFUNDS} times.` } };
  }
  const refundable = totalCents(order) - order.reservedRefundCents;
  if (request.amountCents > refundable) {
    return { refused: { code: 'REFUND_TOO_LARGE', message: `At most ${refundable} cents can still be refunded.` } };
  }
  const refund: RefundEntry = {
    ...request,
    state: 'PENDING',
    oriOrderId: paid.ottOrderId,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    sends: 1,
    lastSentAt: ctx.at,
  };
  const next = { ...order, refunds: [...order.refunds, refund], reservedRefundCents: order.reservedRefundCents + request.amountCents };
  const entry: HistoryEntry = { at: ctx.at, cause: ctx.cause, event: 'refund.opened', refundId: refund.refundId, detail: { amount: refund.amountCents, by: refund.requestedBy } };
  return { order: withHistory(next, entry) };
}

function replaceRefund(order: Order, next: RefundEntry): Order {
  return { ...order, refunds: order.refunds.map((r) => (r.refundId === next.refundId ? next : r)) };
}

/** The open refund is about to be sent to OTT Pay once more, under the same refund id. */
export function markRefundResent(order: Order, refundId: string, ctx: ChangeContext): Order | null {
  const refund = openRefund(order);
  if (!refund || refund.refundId !== refundId) return null;
  const next = replaceRefund(order, { ...refund, sends: refund.sends + 1, lastSentAt: ctx.at, updatedAt: ctx.at });
  return withHistory(next, { at: ctx.at, cause: ctx.cause, event: 'refund.sent', refundId, detail: { send: refund.sends + 1 } });
}

/** OTT Pay refused the open refund: it is released once a query shows it was not booked. */
export function noteRefundRejected(order: Order, refundId: string, code: string, ctx: ChangeContext): Order | null {
  const refund = openRefund(order);
  if (!refund || refund.refundId !== refundId || refund.rejectedCode === code) return null;
  return replaceRefund(order, { ...refund, rejectedCode: code, updatedAt: ctx.at });
}

/** The open refund failed: its reservation is released. */
export function failRefund(order: Order, refundId: string, code: string, ctx: ChangeContext): Order | null {
  const refund = openRefund(order);
  if (!refund || refund.refundId !== refundId) return null;
  const next = replaceRefund(order, { ...refund, state: 'FAILED', failureCode: code, updatedAt: ctx.at });
  const released = { ...next, reservedRefundCents: order.reservedRefundCents - refund.amountCents };
  return withHistory(released, { at: ctx.at, cause: ctx.cause, event: 'refund.failed', refundId, detail: { code, released: refund.amountCents } });
}

/** How OTT Pay's refund_fee stands against the ledger. */
export type RefundFeeReading = 'booked' | 'not_booked' | 'settled' | 'mismatch';

export function readRefundFee(order: Order, refundFeeCents: number): RefundFeeReading {
  const open = openRefund(order);
  if (refundFeeCents === order.refundedCents) return open ? 'not_booked' : 'settled';
  if (open && refundFeeCents === order.refundedCents + open.amountCents) return 'booked';
  return 'mismatch';
}

/**
 * Applies STATUS_QUERY's refund_fee: the open refund succeeds when it shows it; a fee the ledger
 * cannot explain sends the order to REVIEW; a refund not booked is left for the caller to re-send or fail.
 */
export function applyRefundFee(order: Order, refundFeeCents: number, ctx: ChangeContext): Order | null {
  const reading = readRefundFee(order, refundFeeCents);
  if (reading === 'booked') {
    const refund = openRefund(order)!;
    const refundedCents = order.refundedCents + refund.amountCents;
    let next = replaceRefund(order, { ...refund, state: 'SUCCEEDED', updatedAt: ctx.at });
    next = withHistory({ ...next, refundedCents }, { at: ctx.at, cause: ctx.cause, event: 'refund.succeeded', refundId: refund.refundId, detail: { refunded: refund.amountCents, refundFee: refundFeeCents } });
    if (isPaidState(order.state)) next = { ...next, state: refundedCents >= totalCents(order) ? 'REFUNDED' : 'PARTIALLY_REFUNDED' };
    return recordStateChange(order, next, ctx);
  }
  if (reading === 'mismatch' && order.reviewKind !== 'refund_mismatch' && order.state !== 'REVIEW') {
    const open = openRefund(order);
    const reason = `OTT Pay reports ${refundFeeCents} refunded; the ledger has ${order.refundedCents} confirmed${open ? ` and ${open.amountCents} pending` : ''}`;
    return recordStateChange(order, { ...order, state: 'REVIEW', reviewKind: 'refund_mismatch', reviewReason: reason }, ctx, { refundFee: refundFeeCents });
  }
  return null;
}
