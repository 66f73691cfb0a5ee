/**
 * What a STATUS_QUERY `order_status` means for the order. The words are read without regard to
 * case; OTT documents these and no others. A word outside the list is `unknown`: it never means
 * paid, and never not paid either.
 */
export type PaymentStatus = 'paid' | 'pending' | 'closed' | 'failed' | 'partially_refunded' | 'refunded' | 'unknown';

const DOCUMENTED_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  success: 'paid',
  init: 'pending',
  notpay: 'pending',
  canceling: 'pending',
  orderclosed: 'closed',
  failure: 'failed',
  partial_refunded: 'partially_refunded',
  fully_refunded: 'refunded',
};

export function mapOrderStatus(orderStatus: unknown): PaymentStatus {
  if (typeof orderStatus !== 'string') return 'unknown';
  const word = orderStatus.toLowerCase();
  return Object.prototype.hasOwnProperty.call(DOCUMENTED_STATUSES, word) ? DOCUMENTED_STATUSES[word] : 'unknown';
}

/** Whether a status says the money was taken (paid, and possibly refunded since). */
export function isPaidStatus(status: PaymentStatus): boolean {
  return status === 'paid' || status === 'partially_refunded' || status === 'refunded';
}
