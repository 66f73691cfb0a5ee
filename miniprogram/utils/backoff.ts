/** When to ask again: growing delays, capped, within a total time limit. */
export interface Backoff {
  initialMs: number;
  factor: number;
  capMs: number;
  totalMs: number;
}

/** The result page: about 30 s of checking, quickly at first. */
export const PAYMENT_BACKOFF: Backoff = { initialMs: 1000, factor: 1.5, capMs: 5000, totalMs: 30000 };

/** How long staff show a QR code before it expires on their screen. */
export const QR_VALID_MS = 5 * 60 * 1000;

/** A QR code may be scanned minutes later, and paid a little after it expired on screen. */
export const QR_BACKOFF: Backoff = { initialMs: 2000, factor: 1.5, capMs: 5000, totalMs: QR_VALID_MS + 60 * 1000 };

export function delayFor(attempt: number, backoff: Backoff): number {
  const raw = backoff.initialMs * Math.pow(backoff.factor, Math.max(0, attempt));
  return Math.round(Math.min(backoff.capMs, raw));
}

/** The wait before the next check, shortened to the time left; null once the time limit is reached. */
export function nextDelay(attempt: number, elapsedMs: number, backoff: Backoff): number | null {
  const left = backoff.totalMs - elapsedMs;
  if (left <= 0) return null;
  return Math.min(delayFor(attempt, backoff), left);
}

/** Every delay a full run would wait, in order (for display and tests). */
export function schedule(backoff: Backoff): number[] {
  const delays: number[] = [];
  let elapsed = 0;
  for (let attempt = 0; ; attempt++) {
    const delay = nextDelay(attempt, elapsed, backoff);
    if (delay === null) return delays;
    delays.push(delay);
    elapsed += delay;
  }
}
