import { callFunction, type CallResult } from './cloud';
import type { CollectByQrEvent, CounterFeedEvent, MerchantStaffEvent, RefundEvent } from './types';

/** Today's takings and orders; with an order number, that order too (any day). */
export function getMerchantSummary(orderId?: string): Promise<CallResult<'merchantSummary'>> {
  return callFunction('merchantSummary', orderId === undefined ? {} : { orderId });
}

export function refundPayment(event: RefundEvent): Promise<CallResult<'refund'>> {
  return callFunction('refund', event);
}

export function collectByQr(event: CollectByQrEvent): Promise<CallResult<'collectByQr'>> {
  return callFunction('collectByQr', event);
}

/** The staff list (owners only); with an action, the list after the change. */
export function manageStaff(event: MerchantStaffEvent = {}): Promise<CallResult<'merchantStaff'>> {
  return callFunction('merchantStaff', event);
}

/** Payments verified since the counter's cursor; the function waits for one up to about 15 seconds. */
export function fetchCounterFeed(event: CounterFeedEvent): Promise<CallResult<'counterFeed'>> {
  return callFunction('counterFeed', event);
}
