import { newRequestId } from './request-id';
import { isRetryable } from './retryable';

/** The idempotency key of one thing being done (a payment, a refund, a QR code) and what it is for. */
export interface Attempt {
  /** What is being done, e.g. the amounts; another key is another attempt. */
  key: string;
  requestId: string;
}

/** The previous attempt while the same thing is tried again, otherwise a new one. */
export function attemptFor(previous: Attempt | undefined, key: string, newId: () => string = newRequestId): Attempt {
  return previous && previous.key === key ? previous : { key, requestId: newId() };
}

/** What to keep after a failure: the attempt when the same request may be sent again, nothing otherwise. */
export function keptAfter(attempt: Attempt, code: string): Attempt | undefined {
  return isRetryable(code) ? attempt : undefined;
}
