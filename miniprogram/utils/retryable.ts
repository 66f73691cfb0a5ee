/**
 * Failures after which the same request may be sent again with the same requestId, because nothing
 * was decided: no answer (NETWORK), the store or OTT Pay unavailable, no payment details handed out
 * yet (PAYMENT_PENDING), or another change to the same order under way (BUSY). Any other code is an
 * answer. The one list of them: payments, refunds, QR codes and polling all follow it.
 */
const RETRYABLE: readonly string[] = ['NETWORK', 'SERVICE_UNAVAILABLE', 'PAYMENT_PENDING', 'BUSY'];

export function isRetryable(code: string): boolean {
  return RETRYABLE.includes(code);
}
