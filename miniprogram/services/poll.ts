import { nextDelay, type Backoff } from '../utils/backoff';
import { isSettled } from '../utils/order';
import { isRetryable } from '../utils/retryable';
import type { CallResult } from './cloud';
import { queryPayment } from './payments';
import type { OrderView } from './types';

export type QueryFailure = Exclude<CallResult<'queryPayment'>, { ok: true }>;

export type PollOutcome =
  /** The order reached a settled state. */
  | { kind: 'settled'; order: OrderView }
  /** The time limit passed (a back-off without steadyMs); order is the last state seen, if any answer came. */
  | { kind: 'timeout'; order?: OrderView; lastFailure?: QueryFailure }
  /** The order cannot be followed (not found, forbidden, malformed request). */
  | { kind: 'error'; failure: QueryFailure }
  /** isCancelled() turned true (the page was closed). */
  | { kind: 'cancelled' };

export interface PollOptions {
  backoff: Backoff;
  onUpdate?: (order: OrderView) => void;
  /** A check that got no answer and will be made again (the status is unknown meanwhile). */
  onRetrying?: (failure: QueryFailure) => void;
  /** Called once, when backoff.totalMs has passed with the order still open (with steadyMs, the asking goes on). */
  onWaiting?: () => void;
  isCancelled?: () => boolean;
  /** Injected in tests; default real time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Asks for the order now, then after each back-off delay, until it settles or time runs out (never, with steadyMs). */
export async function pollOrder(orderId: string, options: PollOptions): Promise<PollOutcome> {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? defaultSleep;
  const cancelled = options.isCancelled ?? (() => false);
  const started = now();
  let order: OrderView | undefined;
  let lastFailure: QueryFailure | undefined;
  let waiting = false;

  for (let attempt = 0; ; attempt++) {
    const result = await queryPayment(orderId);
    if (cancelled()) return { kind: 'cancelled' };
    if (result.ok) {
      order = result.order;
      lastFailure = undefined;
      options.onUpdate?.(order);
      if (isSettled(order.state)) return { kind: 'settled', order };
    } else if (isRetryable(result.code)) {
      lastFailure = result;
      options.onRetrying?.(result);
    } else {
      return { kind: 'error', failure: result };
    }
    const elapsed = now() - started;
    if (!waiting && elapsed >= options.backoff.totalMs) {
      waiting = true;
      options.onWaiting?.();
    }
    const delay = nextDelay(attempt, elapsed, options.backoff);
    if (delay === null) return { kind: 'timeout', order, lastFailure };
    await sleep(delay);
    if (cancelled()) return { kind: 'cancelled' };
  }
}
