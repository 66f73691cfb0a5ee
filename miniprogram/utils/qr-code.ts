/** Where a QR code for one amount stands, as the QR page shows it. */
export type QrPhase = 'creating' | 'failed' | 'waiting' | 'paid' | 'expired' | 'hidden' | 'notPaid' | 'review';

/**
 * OTT Pay has no way to close an order, so a code that left the screen (expired, hidden) can
 * still be paid by a customer who scanned it, and a payment under review may still turn out paid.
 */
export function mayStillBePaid(phase: QrPhase): boolean {
  return phase === 'waiting' || phase === 'expired' || phase === 'hidden' || phase === 'review';
}
