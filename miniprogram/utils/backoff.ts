/** When to ask again: every quickMs for the first quickForMs, then growing delays, capped, within a total time limit. */
export interface Backoff {
  initialMs: number;
  factor: number;
  capMs: number;
  totalMs: number;
  quickMs?: number;
  quickForMs?: number;
  /**
   * Past totalMs, keep asking without a time limit instead of stopping: a quarter of the time
   * waited so far apart, no less than capMs and no more than steadyMs.
   */
  steadyMs?: number;
}

/**
 * The result page: every half second for the first 3 s after the wallet closes (a call-back
 * usually lands then, and the page shows PAID within half a second of it), then backing off
 * over 30 s; after that it keeps asking, more and more slowly, down to every 30 s, until the
 * order settles or the page closes.
 */
export const PAYMENT_BACKOFF: Backoff = { quickMs: 500, quickForMs: 3000, initialMs: 1000, factor: 1.5, capMs: 5000, totalMs: 30000, steadyMs: 30000 };

/** How long staff show a QR code before it expires on their screen. */
export const QR_VALID_MS = 5 * 60 * 1000;

/** A QR code may be scanned minutes later, and paid a little after it expired on screen. */
export const QR_BACKOFF: Backoff = { initialMs: 2000, factor: 1.5, capMs: 5000, totalMs: QR_VALID_MS + 60 * 1000 };

export function delayFor(attempt: number, backoff: Backoff): number {
  const raw = backoff.initialMs * Math.pow(backoff.factor, Math.max(0, attempt));
  return Math.round(Math.min(backoff.capMs, raw));
}

/** The wait before the next check, shortened to the time left; past the time limit, the steady wait or null. */
export function nextDelay(attempt: number, elapsedMs: number, backoff: Backoff): number | null {
  const left = backoff.totalMs - elapsedMs;
  if (left <= 0) {
    if (backoff.steadyMs === undefined) return null;
    return Math.min(backoff.steadyMs, Math.max(backoff.capMs, Math.round(elapsedMs / 4)));
  }
  const quickAttempts = backoff.quickMs ? Math.ceil((backoff.quickForMs ?? 0) / backoff.quickMs) : 0;
  if (attempt < quickAttempts) return Math.min(backoff.quickMs!, left);
  return Math.min(delayFor(attempt - quickAttempts, backoff), left);
}

/** Every delay a run would wait within untilMs, in order (for display and tests). */
export function schedule(backoff: Backoff, untilMs = backoff.totalMs): number[] {
  const delays: number[] = [];
  let elapsed = 0;
  for (let attempt = 0; elapsed < untilMs; attempt++) {
    const delay = nextDelay(attempt, elapsed, backoff);
    if (delay === null) break;
    delays.push(delay);
    elapsed += delay;
  }
  return delays;
}
