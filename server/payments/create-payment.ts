/**
 * createPayment: the order and its first attempt are written first, then OTT Pay (MAPPPAY) is
 * asked for what wx.requestPayment needs. The same payer and requestId always lead to the same
 * order (a double tap, a retry after a timeout), because the order id is derived from them. A
 * retry that finds an attempt whose payment details never arrived starts a new attempt under a
 * new OTT order_id, so a lost answer never strands the payer; the lost one is settled by query.
 */
import type { CreatePaymentResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';
import { integerField, optionalIntegerField, REQUEST_ID, REQUEST_ID_SHAPE, textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import { inFlight, issueAttempt, latestAttempt, newOrder, reportNotPaid, startAttempt, type IssuedDetails } from '../orders/attempts';
import { Order, orderIdFor, payableAttempt, type PaymentAttempt } from '../orders/model';
import { nextCheckAt } from '../orders/schedule';
import { isPaidState, isPending } from '../orders/state-machine';
import type { OttOutcome } from '../ottpay/outcome';
import { updateOrder } from './order-updates';
import { inFlightMs, WRITE_MARGIN_MS } from './settlement';

export interface PaymentRequest {
  amountCents: number;
  tipCents: number;
  requestId: string;
  /** The payer asked for a payment notice (createPayment's `receipt`). */
  receiptWanted?: true;
}

export function readPaymentRequest(event: Record<string, unknown>, platform: Platform): PaymentRequest {
  const { maxAmountCents, maxTipCents } = platform.settings;
  return {
    amountCents: integerField(event, 'amountCents', { min: 1, max: maxAmountCents, code: 'INVALID_AMOUNT' }),
    tipCents: optionalIntegerField(event, 'tipCents', { min: 0, max: maxTipCents, code: 'INVALID_TIP', fallback: 0 }),
    requestId: textField(event, 'requestId', REQUEST_ID, REQUEST_ID_SHAPE),
  };
}

export function pendingFailure(orderId: string): FunctionFailure {
  return new FunctionFailure('PAYMENT_PENDING', 'OTT Pay has not answered yet. Nothing has been charged; try again in a few seconds.', orderId);
}

function notPayable(order: Order): FunctionFailure {
  const message = isPaidState(order.state)
    ? 'This payment is already paid. Start a new payment to pay again.'
    : order.state === 'REVIEW'
      ? 'This payment is being checked with OTT Pay. Ask the shop before paying again.'
      : `This payment is ${order.state.toLowerCase()} and cannot be paid. Start a new payment.`;
  return new FunctionFailure('PAYMENT_REJECTED', message, order.orderId);
}

/**
 * An order whose issued details the payer may still be given: a pending one, or one in REVIEW only
 * because OTT keeps answering a status it does not document (the payer may be paying right now;
 * a payment on those details settles the order as any other).
 */
function detailsMayBeGivenAgain(order: Order): boolean {
  return isPending(order.state) || (order.state === 'REVIEW' && order.reviewKind === 'unknown_status');
}

/** The attempt OTT Pay is to be asked about now, recorded on the order before OTT is called. */
async function attemptToAsk(platform: Platform, order: Order): Promise<{ order: Order; attempt: PaymentAttempt } | { order: Order; issued: PaymentAttempt }> {
  const { order: after, changed } = await updateOrder(platform, order, 'create', (current, ctx) => {
    if (!isPending(current.state) || payableAttempt(current)) return null;
    if (inFlight(latestAttempt(current), Date.parse(ctx.at), inFlightMs(platform))) return null;
    const next = startAttempt(current, ctx);
    if (!next) throw new FunctionFailure('PAYMENT_REJECTED', 'OTT Pay did not answer this payment after several tries. Start a new payment.', current.orderId);
    return next;
  });
  if (changed) return { order: after, attempt: latestAttempt(after) };
  const issued = payableAttempt(after);
  if (issued && detailsMayBeGivenAgain(after)) return { order: after, issued };
  if (!isPending(after.state)) throw notPayable(after);
  throw pendingFailure(after.orderId);
}

/**
 * The payable attempt of the payer's request: an existing one, or a new one OTT Pay issues now.
 * `ask` sends the attempt to OTT; `details` picks what the payer needs from its answer.
 */
export async function obtainPayableAttempt<T>(
  platform: Platform,
  caller: Caller,
  request: PaymentRequest,
  channel: Order['channel'],
  ask: (order: Order, ottOrderId: string) => Promise<OttOutcome<T>>,
  details: (value: T) => IssuedDetails,
): Promise<{ order: Order; attempt: PaymentAttempt }> {
  const at = platform.now().toISOString();
  const orderId = orderIdFor(caller.openid, request.requestId);
  const fields = { orderId, openid: caller.openid, appid: caller.appid, channel, ...request };
  const fresh = newOrder(fields, at);
  // Due for the sweep from the start: if OTT's answer is lost and the payer never comes back, the attempt is still settled.
  fresh.nextCheckAt = nextCheckAt(fresh, platform.settings);
  const { created, order: stored } = await platform.store.createOrder(fresh);
  let order = stored;
  let attempt = order.attempts[0];
  // An insert whose reply was lost after it landed reads back as our own order, untouched.
  if (created || (stored.createdAt === at && stored.version === 0)) {
    platform.log.info('order.created', { orderId, amountCents: request.amountCents, tipCents: request.tipCents, channel });
  } else {
    if (order.amountCents !== request.amountCents || order.tipCents !== request.tipCents || order.channel !== channel) {
      throw new FunctionFailure('REQUEST_CONFLICT', 'This request was already used for a different amount. Start a new payment.', orderId);
    }
    const next = await attemptToAsk(platform, order);
    if ('issued' in next) return { order: next.order, attempt: next.issued };
    ({ order, attempt } = next);
  }

  const ottOrderId = attempt.ottOrderId;
  // The in-flight window others see runs from the attempt's stamp: a write that came back late
  // would leave too little of it for OTT's answer, so this attempt is left for the query to settle.
  if (platform.now().getTime() - Date.parse(attempt.createdAt) > WRITE_MARGIN_MS) {
    platform.log.warn('order.attempt_write_slow', { orderId, ottOrderId, ms: platform.now().getTime() - Date.parse(attempt.createdAt) });
    throw pendingFailure(orderId);
  }
  const outcome = await ask(order, ottOrderId);
  platform.log.info('ott.payment_request', { orderId, ottOrderId, channel, kind: outcome.kind, code: outcome.kind === 'ok' ? 'SUCCESS' : outcome.code });
  switch (outcome.kind) {
    case 'ok': {
      const { order: after } = await updateOrder(platform, order, 'create', (current, ctx) => issueAttempt(current, ottOrderId, details(outcome.value), ctx));
      const issued = after.attempts.find((a) => a.ottOrderId === ottOrderId);
      if (issued?.state === 'ISSUED' && isPending(after.state)) return { order: after, attempt: issued };
      throw pendingFailure(orderId);
    }
    case 'rejected':
      await updateOrder(platform, order, 'create', (current, ctx) => reportNotPaid(current, ottOrderId, 'rejected', ctx, { code: outcome.code }));
      if (outcome.ourDefect) platform.log.error('ott.payment_request.defect', { orderId, ottOrderId, code: outcome.code, message: outcome.message });
      throw new FunctionFailure('PAYMENT_REJECTED', `OTT Pay refused the payment (${outcome.code}).`, orderId);
    case 'exists':
    case 'unknown':
      throw pendingFailure(orderId);
  }
}

export async function createPayment(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<CreatePaymentResult> {
  if (caller.kind !== 'miniprogram') throw new FunctionFailure('FORBIDDEN', 'createPayment is for the mini-program; the app uses createAppPayment.');
  if (event.receipt !== undefined && typeof event.receipt !== 'boolean') throw new FunctionFailure('INVALID_REQUEST', 'receipt must be true or false');
  // a notice is sent only where one is configured, and only to a payer who agreed to one
  const receipt = event.receipt === true && platform.settings.receipt !== null;
  const request = { ...readPaymentRequest(event, platform), ...(receipt ? { receiptWanted: true as const } : {}) };
  const { order, attempt } = await obtainPayableAttempt(
    platform,
    caller,
    request,
    'MINIPROGRAM',
    (current, ottOrderId) =>
      platform.ott.mappPay({ orderId: ottOrderId, amountCents: current.amountCents, tipCents: current.tipCents, appId: current.appid, openId: current.openid }),
    ({ payment, saleNum }) => (saleNum === undefined ? { payment } : { payment, saleNum }),
  );
  return { ok: true, orderId: order.orderId, payment: attempt.payment! };
}
