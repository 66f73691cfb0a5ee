/**
 * The ways out of REVIEW that a person takes (`ops`), as pure functions on the order. Each one is
 * recorded in the order's history with who and why, in the same write as the change.
 */
import { isLive } from './attempts';
import { recordStateChange, withHistory, type ChangeContext } from './history';
import { heldCents, openRefund, type HistoryEntry, type Order, type RefundEntry } from './model';
import { failRefund, readRefundFee, succeedRefund } from './refund-ledger';
import { isPaidState } from './state-machine';

/** Who settles something by hand, and why: both are kept in the history. */
export interface Resolution {
  by: string;
  why: string;
}

export type Refusal = { refused: string };

function resolvedEntry(ctx: ChangeContext, action: string, who: Resolution, detail: HistoryEntry['detail'] = {}): HistoryEntry {
  return { at: ctx.at, cause: ctx.cause, event: 'resolved', detail: { action, by: who.by, why: who.why, ...detail } };
}

/** The paid state the money leads to: what OTT holds against what was refunded. */
function paidStateOf(order: Order): Order['state'] {
  if (order.refundedCents === 0) return 'PAID';
  return order.refundedCents >= heldCents(order) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
}

/**
 * Accepts the money OTT Pay reports on the order as its payment: a double charge kept (or its
 * extra payment refunded through the product first), another amount than asked, or a payment
 * after the order was given up. The order counts as paid from then on.
 */
export function acceptReview(order: Order, who: Resolution, ctx: ChangeContext): Order | Refusal {
  if (order.state !== 'REVIEW') return { refused: `the order is ${order.state}, not in review` };
  const paid = order.attempts.filter((a) => a.state === 'PAID');
  if (paid.length === 0) return { refused: 'OTT Pay reports no money on this order: `ops requery` it instead' };
  if (order.attempts.some(isLive)) return { refused: 'an attempt is still unsettled at OTT Pay: `ops requery` it first' };
  const accepted: Order = { ...order, state: paidStateOf(order), acceptedPaidAttempts: paid.length, paidAt: order.paidAt ?? ctx.at };
  delete accepted.reviewKind;
  delete accepted.reviewReason;
  const detail = { kind: order.reviewKind ?? null, held: heldCents(order), attempts: paid.map((a) => a.ottOrderId).join(' ') };
  return recordStateChange(order, withHistory(accepted, resolvedEntry(ctx, 'accept', who, detail)), ctx);
}

/**
 * Records a refund made in OTT's merchant center, once OTT's refund_fee of that attempt shows it
 * (`refundFeeCents`): the ledger then equals OTT. The product's own open refund, if OTT's fee shows
 * it booked too, succeeds in the same write. A refund_mismatch review is then over.
 */
export function recordOttRefund(
  order: Order,
  request: { refundId: string; oriOrderId: string; amountCents: number; refundFeeCents: number },
  who: Resolution,
  ctx: ChangeContext,
): Order | Refusal {
  const attempt = order.attempts.find((a) => a.ottOrderId === request.oriOrderId);
  if (!attempt || attempt.state !== 'PAID') return { refused: `${request.oriOrderId} is not a paid attempt of this order` };
  if (order.refunds.some((r) => r.refundId === request.refundId)) return { refused: `refund ${request.refundId} is already recorded` };
  const entry: RefundEntry = {
    refundId: request.refundId,
    requestId: request.refundId,
    amountCents: request.amountCents,
    state: 'SUCCEEDED',
    requestedBy: `ops:${who.by}`,
    oriOrderId: request.oriOrderId,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    sends: 0,
    lastSentAt: ctx.at,
  };
  let next: Order = withHistory(
    {
      ...order,
      refunds: [...order.refunds, entry],
      refundedCents: order.refundedCents + request.amountCents,
      reservedRefundCents: order.reservedRefundCents + request.amountCents,
    },
    { at: ctx.at, cause: ctx.cause, event: 'refund.opened', refundId: entry.refundId, detail: { amount: entry.amountCents, by: entry.requestedBy, attempt: entry.oriOrderId } },
    { at: ctx.at, cause: ctx.cause, event: 'refund.succeeded', refundId: entry.refundId, detail: { refunded: entry.amountCents, refundFee: request.refundFeeCents, made: 'merchant center' } },
    resolvedEntry(ctx, 'record-refund', who, { refundId: entry.refundId, amount: entry.amountCents }),
  );
  const reading = readRefundFee(next, request.oriOrderId, request.refundFeeCents);
  if (reading === 'booked') next = succeedRefund(next, openRefund(next)!.refundId, ctx, { refundFee: request.refundFeeCents }) ?? next;
  else if (reading !== 'settled' && reading !== 'not_booked') {
    return { refused: `OTT Pay reports ${request.refundFeeCents} refunded on ${request.oriOrderId}; with this refund the ledger would still differ` };
  }
  if (next.state === 'REVIEW' && next.reviewKind === 'refund_mismatch') {
    next = { ...next, state: paidStateOf(next) };
    delete next.reviewKind;
    delete next.reviewReason;
  } else if (isPaidState(next.state)) {
    next = { ...next, state: paidStateOf(next) };
  }
  return recordStateChange(order, next, ctx);
}

/**
 * Releases the open refund once OTT Pay's refund_fee shows it was never booked and OTT never
 * acknowledged a send of it: its reservation is freed and a new refund may be made.
 */
export function releaseRefund(order: Order, refundFeeCents: number, who: Resolution, ctx: ChangeContext): Order | Refusal {
  const open = openRefund(order);
  if (!open) return { refused: 'the order has no refund waiting for OTT Pay' };
  if (open.acknowledged !== undefined) {
    return { refused: `OTT Pay answered ${open.acknowledged} to a send of ${open.refundId}: it holds the refund; wait for its refund_fee, or check OTT's merchant center` };
  }
  if (readRefundFee(order, open.oriOrderId, refundFeeCents) !== 'not_booked') {
    return { refused: `OTT Pay's refund_fee ${refundFeeCents} on ${open.oriOrderId} does not show the refund as missing: \`ops requery\` settles it` };
  }
  const failed = failRefund(order, open.refundId, 'RELEASED', ctx, { refundFee: refundFeeCents });
  return failed ? withHistory(failed, resolvedEntry(ctx, 'release-refund', who, { refundId: open.refundId })) : { refused: 'nothing to release' };
}
