/**
 * createAppPayment: the merchant's native app pays through the same orders, attempts, call-backs,
 * queries, sweep and refunds as the mini-program. OTT Pay's in-app request is asked for the
 * WeChat payment; the cloud signs WeChat's PayReq itself, so the WeChat API key never reaches
 * the phone.
 */
import type { CreateAppPaymentResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';
import { FunctionFailure } from '../functions/failure';
import { obtainPayableAttempt, readPaymentRequest } from './create-payment';

export async function createAppPayment(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<CreateAppPaymentResult> {
  if (caller.kind !== 'app') throw new FunctionFailure('FORBIDDEN', 'createAppPayment is for the merchant’s app signed in to CloudBase; the mini-program uses createPayment.');
  const inApp = platform.inApp;
  if (!inApp) throw new Error('createAppPayment runs without the in-app settings');
  const request = readPaymentRequest(event, platform);
  const { order, attempt } = await obtainPayableAttempt(
    platform,
    caller,
    request,
    'APP',
    (current, ottOrderId) => inApp.pay({ orderId: ottOrderId, amountCents: current.amountCents, tipCents: current.tipCents }),
    ({ payReq, tradeNo }) => (tradeNo === undefined ? { appPayment: payReq } : { appPayment: payReq, saleNum: tradeNo }),
  );
  return { ok: true, orderId: order.orderId, payReq: attempt.appPayment! };
}
