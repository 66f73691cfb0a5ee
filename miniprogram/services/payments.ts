import { callFunction, type CallResult } from './cloud';
import type { CreatePaymentEvent, WxPaymentParams } from './types';

export function createPayment(event: CreatePaymentEvent): Promise<CallResult<'createPayment'>> {
  return callFunction('createPayment', event);
}

export function queryPayment(orderId: string): Promise<CallResult<'queryPayment'>> {
  return callFunction('queryPayment', { orderId });
}

export function listPayments(cursor?: string, pageSize = 20): Promise<CallResult<'listPayments'>> {
  return callFunction('listPayments', cursor ? { pageSize, cursor } : { pageSize });
}

/** What the wallet said. Never proof of payment: only the order state is. */
export type WalletOutcome = 'ok' | 'cancel' | 'fail';

export function requestPayment(payment: WxPaymentParams): Promise<WalletOutcome> {
  return new Promise((resolve) => {
    try {
      wx.requestPayment({
        timeStamp: payment.timeStamp,
        nonceStr: payment.nonceStr,
        package: payment.package,
        signType: payment.signType,
        paySign: payment.paySign,
        success: () => resolve('ok'),
        fail: (error: { errMsg?: string }) => resolve(/cancel/i.test(error?.errMsg ?? '') ? 'cancel' : 'fail'),
      });
    } catch {
      resolve('fail');
    }
  });
}
