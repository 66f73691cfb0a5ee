import { callFunction, type CallResult } from './cloud';
import type { CollectByQrEvent, RefundEvent } from './types';

export function getMerchantSummary(): Promise<CallResult<'merchantSummary'>> {
  return callFunction('merchantSummary', {});
}

export function refundPayment(event: RefundEvent): Promise<CallResult<'refund'>> {
  return callFunction('refund', event);
}

export function collectByQr(event: CollectByQrEvent): Promise<CallResult<'collectByQr'>> {
  return callFunction('collectByQr', event);
}
