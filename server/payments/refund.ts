/**
 * refund (staff only, D14): a refund first reserves its amount on the order (compare-and-set,
 * so concurrent refunds can never add up to more than was paid), then asks OTT Pay, and counts
 * as refunded only once STATUS_QUERY's refund_fee shows it.
 */
import type { RefundResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import { Caller, requireStaff } from '../functions/callable';
import { integerField, ORDER_ID, ORDER_ID_SHAPE, REQUEST_ID, REQUEST_ID_SHAPE, textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import { RefundRecord, refundIdFor, toOrderView, toRefundView, totalCents } from '../orders/model';
import { updateOrder } from './order-updates';

const REFUNDABLE = new Set(['PAID', 'PARTIALLY_REFUNDED']);

async function settleRefund(platform: Platform, refund: RefundRecord, state: 'SUCCEEDED' | 'FAILED', failureCode?: string): Promise<RefundRecord> {
  const updated = await platform.store.updateRefundIf(
    refund.refundId,
    { state: 'PENDING', version: refund.version },
    failureCode === undefined ? { state } : { state, failureCode },
  );
  if (!updated) return refund;
  if (state === 'FAILED') {
    await updateOrder(platform, refund.orderId, 'refund', (order) => ({
      to: order.state,
      changes: { reservedRefundCents: Math.max(0, order.reservedRefundCents - refund.amountCents) },
      detail: { refundId: refund.refundId, released: refund.amountCents },
    }));
  } else {
    await updateOrder(platform, refund.orderId, 'refund', (order) => {
      const refundedCents = order.refundedCents + refund.amountCents;
      return {
        to: refundedCents >= totalCents(order) ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
        changes: { refundedCents },
        detail: { refundId: refund.refundId, refunded: refund.amountCents },
      };
    });
  }
  return updated;
}

/** Confirms a pending refund by STATUS_QUERY (D14); an unknown answer leaves it pending. */
export async function confirmRefund(platform: Platform, refund: RefundRecord): Promise<RefundRecord> {
  if (refund.state !== 'PENDING') return refund;
  const [order, outcome] = await Promise.all([platform.store.getOrder(refund.orderId), platform.ott.statusQuery(refund.orderId)]);
  if (!order || outcome.kind !== 'ok') return refund;
  const pendingBefore = (await platform.store.listRefunds(refund.orderId)).filter((r) => r.state === 'PENDING' && r.createdAt < refund.createdAt);
  const neededFee = order.refundedCents + pendingBefore.reduce((sum, r) => sum + r.amountCents, 0) + refund.amountCents;
  return outcome.value.refundedCents >= neededFee ? settleRefund(platform, refund, 'SUCCEEDED') : refund;
}

export async function refund(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<RefundResult> {
  requireStaff(caller, platform);
  const orderId = textField(event, 'orderId', ORDER_ID, ORDER_ID_SHAPE);
  const amountCents = integerField(event, 'amountCents', { min: 1, max: Number.MAX_SAFE_INTEGER, code: 'INVALID_AMOUNT' });
  const requestId = textField(event, 'requestId', REQUEST_ID, REQUEST_ID_SHAPE);
  const { store } = platform;

  const order = await store.getOrder(orderId);
  if (!order) throw new FunctionFailure('NOT_FOUND', 'No such payment.');
  const now = platform.now().toISOString();
  const { created, refund: record } = await store.createRefund({
    refundId: refundIdFor(orderId, requestId),
    orderId,
    requestId,
    amountCents,
    state: 'PENDING',
    requestedBy: caller.openid,
    version: 0,
    createdAt: now,
    updatedAt: now,
  });
  if (!created) {
    if (record.amountCents !== amountCents) throw new FunctionFailure('REQUEST_CONFLICT', 'This refund request was already used for another amount.');
    const confirmed = await confirmRefund(platform, record);
    return { ok: true, refund: toRefundView(confirmed), order: toOrderView((await store.getOrder(orderId)) ?? order) };
  }

  try {
    await updateOrder(platform, orderId, 'refund', (current) => {
      if (!REFUNDABLE.has(current.state)) {
        throw new FunctionFailure('NOT_REFUNDABLE', `A payment that is ${current.state.toLowerCase()} cannot be refunded.`);
      }
      const refundable = totalCents(current) - current.reservedRefundCents;
      if (amountCents > refundable) {
        throw new FunctionFailure('REFUND_TOO_LARGE', `At most ${refundable} cents can still be refunded.`);
      }
      return { to: current.state, changes: { reservedRefundCents: current.reservedRefundCents + amountCents }, detail: { refundId: record.refundId, reserved: amountCents } };
    });
  } catch (error) {
    if (error instanceof FunctionFailure) await store.updateRefundIf(record.refundId, { state: 'PENDING', version: record.version }, { state: 'FAILED', failureCode: error.code });
    throw error;
  }

  const outcome = await platform.ott.refund({ refundId: record.refundId, originalOrderId: orderId, amountCents });
  platform.log.info('ott.refund', { orderId, refundId: record.refundId, amountCents, kind: outcome.kind, code: outcome.kind === 'ok' ? 'SUCCESS' : outcome.code });
  let result = record;
  if (outcome.kind === 'ok' || outcome.kind === 'exists') result = await confirmRefund(platform, record);
  else if (outcome.kind === 'rejected') result = await settleRefund(platform, record, 'FAILED', outcome.code);
  return { ok: true, refund: toRefundView(result), order: toOrderView((await store.getOrder(orderId)) ?? order) };
}
