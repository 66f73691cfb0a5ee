/**
 * Refunds as pure functions on the order that holds them. A refund's record and the reservation
 * of its amount are one write; at most one refund per order waits for OTT Pay at a time, so
 * STATUS_QUERY's refund_fee of the paid attempt tells unambiguously whether it was booked. Only
 * OTT's word releases a reservation: a refusal, then a refund_fee without the refund.
 */
import type { RefundView } from '../../typings/payments';
import { recordStateChange, withHistory, type ChangeContext } from './history';
import { heldCents, openRefund, toRefundView, type HistoryEntry, type Order, type PaymentAttempt, type RefundEntry } from './model';
import { isPaidState } from './state-machine';

/** An order may have at most this many refunds that were not refused. */
export const MAX_REFUNDS = 20;
/** ...and at most this many refund records in all, refused ones included, so the document stays bounded. */
export const MAX_REFUND_RECORDS = 100;

export type RefundRefusal =
  | { code: 'NOT_REFUNDABLE'; message: string }
  | { code: 'REFUND_TOO_LARGE'; message: string }
  | { code: 'REFUND_OPEN'; message: string; openRefund: RefundView };

export interface RefundRequest {
  refundId: string;
  requestId: string;
  amountCents: number;
  requestedBy: string;
}

/** Refunds of an attempt in the given states, summed. */
function refundsOn(order: Order, oriOrderId: string, states: RefundEntry['state'][]): number {
  return order.refunds.filter((r) => r.oriOrderId === oriOrderId && states.includes(r.state)).reduce((sum, r) => sum + r.amountCents, 0);
}

/** What can still be refunded of a paid attempt: its money less refunds confirmed or waiting. */
export function refundableOn(order: Order, attempt: PaymentAttempt): number {
  if (attempt.state !== 'PAID') return 0;
  return Math.max(0, (attempt.paidCents ?? 0) - refundsOn(order, attempt.ottOrderId, ['SUCCEEDED', 'PENDING']));
}

/** What staff may refund now in one refund: 0 while a refund waits for OTT Pay. */
export function refundableNow(order: Order): number {
  if (openRefund(order)) return 0;
  return Math.max(0, ...order.attempts.map((a) => refundableOn(order, a)));
}

/** Records the refund and reserves its amount, or says why it cannot be made now. */
export function openRefundEntry(order: Order, request: RefundRequest, ctx: ChangeContext): { order: Order } | { refused: RefundRefusal } {
  const open = openRefund(order);
  if (open) {
    const since = open.createdAt.slice(0, 16).replace('T', ' ');
    return {
      refused: {
        code: 'REFUND_OPEN',
        message: `A refund of ${open.amountCents} cents asked for at ${since} UTC waits for OTT Pay's word; a new refund can follow once OTT confirms or refuses it.`,
        openRefund: toRefundView(order.orderId, open),
      },
    };
  }
  const paid = order.attempts.filter((a) => a.state === 'PAID');
  if (paid.length === 0) {
    return { refused: { code: 'NOT_REFUNDABLE', message: `A payment that is ${order.state.toLowerCase()} cannot be refunded: OTT Pay holds no money for it.` } };
  }
  if (paid.every((a) => refundableOn(order, a) === 0)) {
    return { refused: { code: 'NOT_REFUNDABLE', message: 'This payment is already fully refunded.' } };
  }
  const live = order.refunds.filter((r) => r.state !== 'FAILED').length;
  if (live >= MAX_REFUNDS || order.refunds.length >= MAX_REFUND_RECORDS) {
    return { refused: { code: 'NOT_REFUNDABLE', message: `A payment can be refunded at most ${MAX_REFUNDS} times.` } };
  }
  // The newest paid attempt the amount fits on: in a double charge, the extra payment.
  const target = [...paid].reverse().find((a) => refundableOn(order, a) >= request.amountCents);
  if (!target) {
    return { refused: { code: 'REFUND_TOO_LARGE', message: `At most ${refundableNow(order)} cents can still be refunded.` } };
  }
  const refund: RefundEntry = {
    ...request,
    state: 'PENDING',
    oriOrderId: target.ottOrderId,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    sends: 1,
    lastSentAt: ctx.at,
  };
  const next = { ...order, refunds: [...order.refunds, refund], reservedRefundCents: order.reservedRefundCents + request.amountCents };
  const entry: HistoryEntry = { at: ctx.at, cause: ctx.cause, event: 'refund.opened', refundId: refund.refundId, detail: { amount: refund.amountCents, by: refund.requestedBy, attempt: target.ottOrderId } };
  return { order: withHistory(next, entry) };
}

function replaceRefund(order: Order, next: RefundEntry): Order {
  return { ...order, refunds: order.refunds.map((r) => (r.refundId === next.refundId ? next : r)) };
}

function openWithId(order: Order, refundId: string): RefundEntry | undefined {
  const refund = openRefund(order);
  return refund?.refundId === refundId ? refund : undefined;
}

/** The open refund is about to be sent to OTT Pay once more, under the same refund id. */
export function markRefundResent(order: Order, refundId: string, ctx: ChangeContext): Order | null {
  const refund = openWithId(order, refundId);
  if (!refund || refund.acknowledged !== undefined) return null;
  const next = replaceRefund(order, { ...refund, sends: refund.sends + 1, lastSentAt: ctx.at, lastCheckedAt: ctx.at, updatedAt: ctx.at });
  return withHistory(next, { at: ctx.at, cause: ctx.cause, event: 'refund.sent', refundId, detail: { send: refund.sends + 1 } });
}

/** OTT Pay answered a send with SUCCESS or ORDER_USED: it holds the refund, which is never sent again nor failed. */
export function acknowledgeRefund(order: Order, refundId: string, answer: 'SUCCESS' | 'ORDER_USED', ctx: ChangeContext): Order | null {
  const refund = openWithId(order, refundId);
  if (!refund || refund.acknowledged !== undefined) return null;
  const next = replaceRefund(order, { ...refund, acknowledged: answer, lastCheckedAt: ctx.at, updatedAt: ctx.at });
  return withHistory(next, { at: ctx.at, cause: ctx.cause, event: 'refund.acknowledged', refundId, detail: { answer } });
}

/** OTT Pay refused the open refund: it is released once a query shows it was not booked. */
export function noteRefundRejected(order: Order, refundId: string, code: string, ctx: ChangeContext): Order | null {
  const refund = openWithId(order, refundId);
  if (!refund || refund.acknowledged !== undefined || refund.rejectedCode === code) return null;
  const next = replaceRefund(order, { ...refund, rejectedCode: code, lastCheckedAt: ctx.at, updatedAt: ctx.at });
  return withHistory(next, { at: ctx.at, cause: ctx.cause, event: 'refund.rejected', refundId, detail: { code } });
}

/** OTT Pay was asked about the open refund and its answer changed nothing. */
export function noteRefundChecked(order: Order, refundId: string, ctx: ChangeContext): Order | null {
  const refund = openWithId(order, refundId);
  return refund ? replaceRefund(order, { ...refund, lastCheckedAt: ctx.at }) : null;
}

/** The open refund failed on OTT's word: its reservation is released. */
export function failRefund(order: Order, refundId: string, code: string, ctx: ChangeContext, detail: HistoryEntry['detail'] = {}): Order | null {
  const refund = openWithId(order, refundId);
  if (!refund) return null;
  const next = replaceRefund(order, { ...refund, state: 'FAILED', failureCode: code, updatedAt: ctx.at });
  const released = { ...next, reservedRefundCents: order.reservedRefundCents - refund.amountCents };
  return withHistory(released, { at: ctx.at, cause: ctx.cause, event: 'refund.failed', refundId, detail: { code, released: refund.amountCents, ...detail } });
}

/** How OTT Pay's refund_fee of an attempt stands against the ledger. */
export type RefundFeeReading = 'booked' | 'not_booked' | 'settled' | 'mismatch';

export function readRefundFee(order: Order, oriOrderId: string, refundFeeCents: number): RefundFeeReading {
  const refunded = refundsOn(order, oriOrderId, ['SUCCEEDED']);
  const open = openRefund(order);
  const openHere = open?.oriOrderId === oriOrderId ? open : undefined;
  if (refundFeeCents === refunded) return openHere ? 'not_booked' : 'settled';
  if (openHere && refundFeeCents === refunded + openHere.amountCents) return 'booked';
  return 'mismatch';
}

/** The open refund is booked at OTT: it succeeds and counts as refunded. */
export function succeedRefund(order: Order, refundId: string, ctx: ChangeContext, detail: HistoryEntry['detail'] = {}): Order | null {
  const refund = openWithId(order, refundId);
  if (!refund) return null;
  const refundedCents = order.refundedCents + refund.amountCents;
  let next = replaceRefund(order, { ...refund, state: 'SUCCEEDED', updatedAt: ctx.at });
  next = withHistory({ ...next, refundedCents }, { at: ctx.at, cause: ctx.cause, event: 'refund.succeeded', refundId, detail: { refunded: refund.amountCents, ...detail } });
  if (isPaidState(order.state)) next = { ...next, state: refundedCents >= heldCents(order) ? 'REFUNDED' : 'PARTIALLY_REFUNDED' };
  return recordStateChange(order, next, ctx);
}

/**
 * Applies STATUS_QUERY's refund_fee of an attempt: the open refund succeeds when it shows it; a
 * fee the ledger cannot explain sends the order to REVIEW; a refund not booked is left for the
 * caller to decide (re-send, keep waiting, or fail on OTT's refusal).
 */
export function applyRefundFee(order: Order, oriOrderId: string, refundFeeCents: number, ctx: ChangeContext): Order | null {
  const reading = readRefundFee(order, oriOrderId, refundFeeCents);
  if (reading === 'booked') return succeedRefund(order, openRefund(order)!.refundId, ctx, { refundFee: refundFeeCents });
  if (reading === 'mismatch' && order.state !== 'REVIEW') {
    const open = openRefund(order);
    const reason = `OTT Pay reports ${refundFeeCents} refunded on ${oriOrderId}; the ledger has ${refundsOn(order, oriOrderId, ['SUCCEEDED'])} confirmed${open ? ` and ${open.amountCents} pending` : ''}`;
    return recordStateChange(order, { ...order, state: 'REVIEW', reviewKind: 'refund_mismatch', reviewReason: reason }, ctx, { refundFee: refundFeeCents });
  }
  return null;
}
