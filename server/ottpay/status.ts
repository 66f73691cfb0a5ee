/** Decision D10: what a STATUS_QUERY `order_status` means for the order. */
export type PaymentStatus = 'paid' | 'pending' | 'closed' | 'failed' | 'partially_refunded' | 'refunded';

const KNOWN_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  success: 'paid',
  init: 'pending',
  notpay: 'pending',
  canceling: 'pending',
  orderclosed: 'closed',
  failure: 'failed',
  partial_refunded: 'partially_refunded',
  fully_refunded: 'refunded',
};

/** Anything not listed, including other spellings, stays pending: unknown never means paid. */
export function mapOrderStatus(orderStatus: unknown): PaymentStatus {
  if (typeof orderStatus !== 'string') return 'pending';
  return Object.prototype.hasOwnProperty.call(KNOWN_STATUSES, orderStatus) ? KNOWN_STATUSES[orderStatus] : 'pending';
}
