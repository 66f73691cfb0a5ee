/**
 * refund (staff only, D14). The refund is recorded and its amount reserved in one write of the
 * order, before OTT Pay is asked; at most one refund per order waits for OTT at a time. Whether OTT
 * booked it is read from STATUS_QUERY's refund_fee of the paid attempt. A send OTT answered SUCCESS
 * or ORDER_USED means OTT holds the refund: it is never sent again and never failed, only checked
 * until refund_fee shows it. A refund whose sends all went unanswered is sent again under the same
 * refund id, no more often than the backoff allows, for as long as it takes; it is failed and
 * released only on OTT's word (a refusal, then a refund_fee without it).
 */
import type { RefundResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';
import { requireStaff } from '../staff/staff-access';
import { integerField, ORDER_ID, ORDER_ID_SHAPE, REQUEST_ID, REQUEST_ID_SHAPE, textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import type { ChangeContext } from '../orders/history';
import { openRefund, refundIdFor, toOrderView, toRefundView, type ChangeCause, type Order, type RefundEntry } from '../orders/model';
import {
  acknowledgeRefund,
  applyRefundFee,
  failRefund,
  markRefundResent,
  noteRefundChecked,
  noteRefundRejected,
  openRefundEntry,
  readRefundFee,
} from '../orders/refund-ledger';
import type { OttOutcome } from '../ottpay/outcome';
import type { RefundResponse } from '../ottpay/client';
import { updateOrder } from './order-updates';
import { inFlightMs } from './settlement';

/** How long after its last send an unanswered refund may be sent again: doubling from the first check, up to the longest check interval. */
export function resendAfterMs(platform: Platform, sends: number): number {
  const { refundCheckAfterMs, maxCheckIntervalMs } = platform.settings;
  const backoff = Math.min(Math.max(refundCheckAfterMs, 1_000) * 2 ** Math.min(sends - 1, 20), Math.max(maxCheckIntervalMs, refundCheckAfterMs));
  return Math.max(inFlightMs(platform), backoff);
}

function sendRefund(platform: Platform, order: Order, refund: RefundEntry): Promise<OttOutcome<RefundResponse>> {
  return platform.ott.refund({ refundId: refund.refundId, originalOrderId: refund.oriOrderId, amountCents: refund.amountCents }).then((outcome) => {
    platform.log.info('ott.refund', {
      orderId: order.orderId,
      refundId: refund.refundId,
      amountCents: refund.amountCents,
      send: refund.sends,
      kind: outcome.kind,
      code: outcome.kind === 'ok' ? 'SUCCESS' : outcome.code,
    });
    return outcome;
  });
}

/** What a send's answer tells the ledger: OTT holds it, OTT refused it, or nothing known. */
function recordSendAnswer(order: Order, refundId: string, outcome: OttOutcome<RefundResponse>, ctx: ChangeContext): Order | null {
  if (outcome.kind === 'ok') return acknowledgeRefund(order, refundId, 'SUCCESS', ctx);
  if (outcome.kind === 'exists') return acknowledgeRefund(order, refundId, 'ORDER_USED', ctx);
  if (outcome.kind === 'rejected') return noteRefundRejected(order, refundId, outcome.code, ctx);
  return null;
}

/**
 * What OTT's refund_fee says of the open refund: booked → SUCCEEDED; a fee the ledger cannot
 * explain → REVIEW; not booked → failed if OTT refused it, re-sent when `mayResend` and no send was
 * ever answered and the backoff allows, otherwise left open (noted as checked).
 */
function applyRefundFeeAnswer(platform: Platform, order: Order, refundId: string, refundFee: number, mayResend: boolean, ctx: ChangeContext): Order | null {
  const open = openRefund(order);
  if (open?.refundId !== refundId) return null;
  if (readRefundFee(order, open.oriOrderId, refundFee) !== 'not_booked') return applyRefundFee(order, open.oriOrderId, refundFee, ctx);
  if (open.acknowledged === undefined && open.rejectedCode !== undefined) return failRefund(order, open.refundId, open.rejectedCode, ctx, { refundFee });
  const due = Date.parse(ctx.at) - Date.parse(open.lastSentAt) >= resendAfterMs(platform, open.sends);
  if (mayResend && open.acknowledged === undefined && due) return markRefundResent(order, open.refundId, ctx);
  return noteRefundChecked(order, open.refundId, ctx);
}

/** The refunded amount of the attempt a refund goes back to, asked now; undefined when OTT did not answer. */
async function refundFeeOf(platform: Platform, order: Order, refund: RefundEntry): Promise<number | undefined> {
  const outcome = await platform.ott.statusQuery(refund.oriOrderId);
  if (outcome.kind === 'ok') return outcome.value.refundedCents;
  platform.log.warn('refund.unconfirmed', { orderId: order.orderId, refundId: refund.refundId, kind: outcome.kind, code: outcome.code });
  return undefined;
}

/** Asks where the open refund stands and applies it; says whether it is to be sent again now. */
async function checkOpenRefund(platform: Platform, order: Order, refund: RefundEntry, cause: ChangeCause): Promise<{ order: Order; resend: boolean }> {
  const refundFee = await refundFeeOf(platform, order, refund);
  if (refundFee === undefined) return { order, resend: false };
  const applied = await updateOrder(platform, order, cause, (current, ctx) => {
    // Someone else sent it again after our query: their answer, not ours, decides.
    if (openRefund(current)?.sends !== refund.sends) return null;
    return applyRefundFeeAnswer(platform, current, refund.refundId, refundFee, true, ctx);
  });
  const after = openRefund(applied.order);
  const resend = applied.changed && after?.refundId === refund.refundId && after.sends === refund.sends + 1;
  return { order: applied.order, resend };
}

/**
 * Sends the open refund (recorded as sent just before) and, unless OTT's answer is unknown, confirms
 * it by STATUS_QUERY: what OTT answered and what refund_fee shows are written together.
 */
async function sendAndConfirm(platform: Platform, order: Order, refund: RefundEntry, cause: ChangeCause): Promise<Order> {
  const outcome = await sendRefund(platform, order, refund);
  if (outcome.kind === 'unknown') return order;
  const refundFee = await refundFeeOf(platform, order, refund);
  const { order: after } = await updateOrder(platform, order, cause, (current, ctx) => {
    const answered = recordSendAnswer(current, refund.refundId, outcome, ctx) ?? current;
    const confirmed = refundFee === undefined ? null : applyRefundFeeAnswer(platform, answered, refund.refundId, refundFee, false, ctx);
    const next = confirmed ?? answered;
    return next === current ? null : next;
  });
  return after;
}

/**
 * Moves the order's open refund forward (the sweep, a retried or a new refund request). A refund
 * sent moments ago may still be on its way in another caller: it is left alone.
 */
export async function advanceRefund(platform: Platform, order: Order, cause: ChangeCause): Promise<Order> {
  const refund = openRefund(order);
  if (!refund) return order;
  if (platform.now().getTime() - Date.parse(refund.lastSentAt) < inFlightMs(platform)) return order;
  const checked = await checkOpenRefund(platform, order, refund, cause);
  const resent = openRefund(checked.order);
  if (!checked.resend || !resent) return checked.order;
  return sendAndConfirm(platform, checked.order, resent, cause);
}

function earlierRefundMessage(refund: RefundEntry): string {
  const asked = `A refund of ${refund.amountCents} cents asked for at ${refund.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
  if (refund.state === 'PENDING') return `${asked} waits for OTT Pay's word; a new refund can follow once OTT confirms or refuses it.`;
  return `${asked} was just ${refund.state === 'SUCCEEDED' ? 'confirmed' : 'refused'} by OTT Pay. Check it, then ask again if a further refund is meant.`;
}

function refundResult(order: Order, refundId: string): RefundResult {
  const refund = order.refunds.find((r) => r.refundId === refundId)!;
  return { ok: true, refund: toRefundView(order.orderId, refund), order: toOrderView(order) };
}

export async function refund(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<RefundResult> {
  const orderId = textField(event, 'orderId', ORDER_ID, ORDER_ID_SHAPE);
  const amountCents = integerField(event, 'amountCents', { min: 1, max: Number.MAX_SAFE_INTEGER, code: 'INVALID_AMOUNT' });
  const requestId = textField(event, 'requestId', REQUEST_ID, REQUEST_ID_SHAPE);
  const refundId = refundIdFor(orderId, requestId);

  // one round trip: the staff list and the order are read side by side, and nothing is said of the order to anyone not staff
  const [staff, found] = await Promise.allSettled([requireStaff(caller, platform), platform.store.getOrder(orderId)]);
  if (staff.status === 'rejected') throw staff.reason;
  if (found.status === 'rejected') throw found.reason;
  const order = found.value;
  if (!order) throw new FunctionFailure('NOT_FOUND', 'No such payment.');
  const known = order.refunds.find((r) => r.refundId === refundId);
  if (known) {
    if (known.amountCents !== amountCents) throw new FunctionFailure('REQUEST_CONFLICT', 'This refund request was already used for another amount.');
    return refundResult(await advanceRefund(platform, order, 'refund'), refundId);
  }
  const waiting = openRefund(order);
  if (waiting) {
    // Whatever OTT says of it now, staff see it before a second refund is opened: a retry after a
    // lost answer, from a fresh page, must not refund twice by accident.
    const after = await advanceRefund(platform, order, 'refund');
    const earlier = after.refunds.find((r) => r.refundId === waiting.refundId)!;
    throw new FunctionFailure('REFUND_OPEN', earlierRefundMessage(earlier), orderId, undefined, toRefundView(orderId, earlier));
  }

  const opened = await updateOrder(platform, order, 'refund', (current, ctx) => {
    if (current.refunds.some((r) => r.refundId === refundId)) return null;
    const result = openRefundEntry(current, { refundId, requestId, amountCents, requestedBy: caller.openid }, ctx);
    if ('refused' in result) {
      const { code, message } = result.refused;
      throw new FunctionFailure(code, message, orderId, undefined, 'openRefund' in result.refused ? result.refused.openRefund : undefined);
    }
    return result.order;
  });
  const entry = opened.order.refunds.find((r) => r.refundId === refundId)!;
  if (!opened.changed) return refundResult(opened.order, refundId);
  return refundResult(await sendAndConfirm(platform, opened.order, entry, 'refund'), refundId);
}
