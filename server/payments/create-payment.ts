/**
 * createPayment: write the order first, then ask OTT Pay (MAPPPAY) for what wx.requestPayment
 * needs. The same payer and requestId always lead to the same order (a double tap, a retry
 * after a timeout), because the order id is derived from them.
 */
import type { CreatePaymentResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';
import { integerField, optionalIntegerField, REQUEST_ID, REQUEST_ID_SHAPE, textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import { Order, orderIdFor } from '../orders/model';
import { updateOrder } from './order-updates';
import { refreshFromOtt } from './settlement';

export interface PaymentRequest {
  amountCents: number;
  tipCents: number;
  requestId: string;
}

export function readPaymentRequest(event: Record<string, unknown>, platform: Platform): PaymentRequest {
  const { maxAmountCents, maxTipCents } = platform.settings;
  return {
    amountCents: integerField(event, 'amountCents', { min: 1, max: maxAmountCents, code: 'INVALID_AMOUNT' }),
    tipCents: optionalIntegerField(event, 'tipCents', { min: 0, max: maxTipCents, code: 'INVALID_TIP', fallback: 0 }),
    requestId: textField(event, 'requestId', REQUEST_ID, REQUEST_ID_SHAPE),
  };
}

/** Writes the order (state CREATED) unless this request already has one, which must agree on money. */
export async function writeOrder(platform: Platform, caller: Caller, request: PaymentRequest, channel: Order['channel']): Promise<Order> {
  const now = platform.now().toISOString();
  const orderId = orderIdFor(caller.openid, request.requestId);
  const { created, order } = await platform.store.createOrder({
    orderId,
    openid: caller.openid,
    appid: caller.appid,
    requestId: request.requestId,
    channel,
    state: 'CREATED',
    amountCents: request.amountCents,
    tipCents: request.tipCents,
    currency: 'CAD',
    refundedCents: 0,
    reservedRefundCents: 0,
    version: 0,
    createdAt: now,
    updatedAt: now,
  });
  if (created) {
    await platform.store.appendAudit({ orderId, at: now, from: null, to: 'CREATED', cause: 'create', detail: { amount: request.amountCents, tip: request.tipCents, channel } });
    platform.log.info('order.created', { orderId, amountCents: request.amountCents, tipCents: request.tipCents, channel });
  } else if (order.amountCents !== request.amountCents || order.tipCents !== request.tipCents || order.channel !== channel) {
    throw new FunctionFailure('REQUEST_CONFLICT', 'This request was already used for a different amount. Start a new payment.', order.orderId);
  }
  return order;
}

export function pendingFailure(orderId: string): FunctionFailure {
  return new FunctionFailure(
    'PAYMENT_PENDING',
    'OTT Pay has not confirmed this order yet. It stays pending and will be checked again; nothing has been charged twice.',
    orderId,
  );
}

export async function createPayment(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<CreatePaymentResult> {
  const request = readPaymentRequest(event, platform);
  const order = await writeOrder(platform, caller, request, 'MINIPROGRAM');
  if (order.payment) return { ok: true, orderId: order.orderId, payment: order.payment };
  if (order.state !== 'CREATED') {
    throw new FunctionFailure('PAYMENT_REJECTED', `This order is ${order.state.toLowerCase()} and cannot be paid again. Start a new payment.`, order.orderId);
  }

  const outcome = await platform.ott.mappPay({
    orderId: order.orderId,
    amountCents: order.amountCents,
    tipCents: order.tipCents,
    appId: order.appid,
    openId: order.openid,
  });
  platform.log.info('ott.mapppay', { orderId: order.orderId, kind: outcome.kind, code: outcome.kind === 'ok' ? 'SUCCESS' : outcome.code });

  switch (outcome.kind) {
    case 'ok': {
      const { payment, saleNum } = outcome.value;
      const { order: updated } = await updateOrder(platform, order.orderId, 'create', (current) =>
        current.state === 'CREATED' && !current.payment
          ? { to: 'PAYING', changes: { payment, ott: { ...current.ott, ...(saleNum ? { saleNum } : {}) } } }
          : null,
      );
      return { ok: true, orderId: order.orderId, payment: updated.payment ?? payment };
    }
    case 'exists':
      await refreshFromOtt(platform, order, 'status_query');
      throw pendingFailure(order.orderId);
    case 'unknown':
      throw pendingFailure(order.orderId);
    case 'rejected':
      await updateOrder(platform, order.orderId, 'create', (current) =>
        current.state === 'CREATED' ? { to: 'FAILED', detail: { code: outcome.code } } : null,
      );
      if (outcome.ourDefect) platform.log.error('ott.mapppay.defect', { orderId: order.orderId, code: outcome.code, message: outcome.message });
      throw new FunctionFailure('PAYMENT_REJECTED', `OTT Pay refused the payment (${outcome.code}).`, order.orderId);
  }
}
