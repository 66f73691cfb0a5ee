/**
 * refund (staff only, D14). The refund is recorded and its amount reserved in one write of the
 * order, before OTT Pay is asked; at most one refund per order waits for OTT at a time, and a new
 * request first settles the open one. Whether OTT booked a refund is read from STATUS_QUERY's
 * refund_fee of the paid attempt; one OTT never booked is re-sent under the same refund id, or
 * failed and released once it has been sent MAX_SENDS times, never both.
 */
import type { RefundResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import { Caller, requireStaff } from '../functions/callable';
import { integerField, ORDER_ID, ORDER_ID_SHAPE, REQUEST_ID, REQUEST_ID_SHAPE, textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import { openRefund, refundIdFor, toOrderView, toRefundView, type ChangeCause, type Order, type RefundEntry } from '../orders/model';
import { applyRefundFee, failRefund, markRefundResent, noteRefundRejected, openRefundEntry, readRefundFee } from '../orders/refund-ledger';
import type { OttOutcome } from '../ottpay/outcome';
import type { RefundResponse } from '../ottpay/client';
import { updateOrder } from './order-updates';
import { inFlightMs } from './settlement';

/** A refund OTT Pay has not booked is sent at most this many times before it is failed and released. */
export const MAX_SENDS = 3;

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

/**
 * Learns from STATUS_QUERY where the open refund stands and acts on it: booked → SUCCEEDED;
 * not booked → re-sent (or failed and released when refused or sent MAX_SENDS times); a fee the
 * ledger cannot explain → REVIEW. An unknown answer leaves it open for the sweep.
 */
async function settleOpenRefund(platform: Platform, order: Order, cause: ChangeCause): Promise<Order> {
  const refund = openRefund(order);
  if (!refund) return order;
  const outcome = await platform.ott.statusQuery(refund.oriOrderId);
  if (outcome.kind !== 'ok') {
    platform.log.warn('refund.unconfirmed', { orderId: order.orderId, refundId: refund.refundId, kind: outcome.kind, code: outcome.code });
    return order;
  }
  const refundFee = outcome.value.refundedCents;
  const applied = await updateOrder(platform, order, cause, (current, ctx) => {
    const open = openRefund(current);
    // Someone else sent it again after our query: their answer, not ours, decides.
    if (open?.refundId !== refund.refundId || open.sends !== refund.sends) return null;
    const reading = readRefundFee(current, refundFee);
    if (reading !== 'not_booked') return applyRefundFee(current, refundFee, ctx);
    if (open.rejectedCode !== undefined) return failRefund(current, open.refundId, open.rejectedCode, ctx);
    if (open.sends >= MAX_SENDS) return failRefund(current, open.refundId, 'NOT_BOOKED', ctx);
    return markRefundResent(current, open.refundId, ctx);
  });
  const resent = openRefund(applied.order);
  if (!applied.changed || !resent || resent.refundId !== refund.refundId) return applied.order;
  return sendAndConfirm(platform, applied.order, resent, cause);
}

/** Sends the open refund (recorded as sent just before) and confirms it by STATUS_QUERY unless OTT's answer is unknown. */
async function sendAndConfirm(platform: Platform, order: Order, refund: RefundEntry, cause: ChangeCause): Promise<Order> {
  const outcome = await sendRefund(platform, order, refund);
  if (outcome.kind === 'unknown') return order;
  let current = order;
  if (outcome.kind === 'rejected') {
    current = (await updateOrder(platform, order, cause, (o, ctx) => noteRefundRejected(o, refund.refundId, outcome.code, ctx))).order;
  }
  return confirmOpenRefund(platform, current, cause);
}

/** STATUS_QUERY right after a send: applies what it shows, without sending again. */
async function confirmOpenRefund(platform: Platform, order: Order, cause: ChangeCause): Promise<Order> {
  const refund = openRefund(order);
  if (!refund) return order;
  const outcome = await platform.ott.statusQuery(refund.oriOrderId);
  if (outcome.kind !== 'ok') return order;
  const refundFee = outcome.value.refundedCents;
  const { order: after } = await updateOrder(platform, order, cause, (current, ctx) => {
    const open = openRefund(current);
    if (open?.refundId !== refund.refundId) return null;
    if (readRefundFee(current, refundFee) === 'not_booked') {
      return open.rejectedCode !== undefined ? failRefund(current, open.refundId, open.rejectedCode, ctx) : null;
    }
    return applyRefundFee(current, refundFee, ctx);
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
  return settleOpenRefund(platform, order, cause);
}

function refundResult(order: Order, refundId: string): RefundResult {
  const refund = order.refunds.find((r) => r.refundId === refundId)!;
  return { ok: true, refund: toRefundView(order.orderId, refund), order: toOrderView(order) };
}

export async function refund(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<RefundResult> {
  requireStaff(caller, platform);
  const orderId = textField(event, 'orderId', ORDER_ID, ORDER_ID_SHAPE);
  const amountCents = integerField(event, 'amountCents', { min: 1, max: Number.MAX_SAFE_INTEGER, code: 'INVALID_AMOUNT' });
  const requestId = textField(event, 'requestId', REQUEST_ID, REQUEST_ID_SHAPE);
  const refundId = refundIdFor(orderId, requestId);

  let order = await platform.store.getOrder(orderId);
  if (!order) throw new FunctionFailure('NOT_FOUND', 'No such payment.');
  const known = order.refunds.find((r) => r.refundId === refundId);
  if (known) {
    if (known.amountCents !== amountCents) throw new FunctionFailure('REQUEST_CONFLICT', 'This refund request was already used for another amount.');
    return refundResult(await advanceRefund(platform, order, 'refund'), refundId);
  }
  if (openRefund(order)) order = await advanceRefund(platform, order, 'refund');

  const opened = await updateOrder(platform, order, 'refund', (current, ctx) => {
    if (current.refunds.some((r) => r.refundId === refundId)) return null;
    const result = openRefundEntry(current, { refundId, requestId, amountCents, requestedBy: caller.openid }, ctx);
    if ('refused' in result) throw new FunctionFailure(result.refused.code, result.refused.message, orderId);
    return result.order;
  });
  const entry = opened.order.refunds.find((r) => r.refundId === refundId)!;
  if (!opened.changed) return refundResult(opened.order, refundId);
  return refundResult(await sendAndConfirm(platform, opened.order, entry, 'refund'), refundId);
}
