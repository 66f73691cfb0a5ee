import { nextDelay, type Backoff } from '../utils/backoff';
import { isSettled } from '../utils/order';
import type { CallResult } from './cloud';
import { queryPayment } from './payments';
import type { OrderView } from './types';

export type PollOutcome =
  /** The order reached a settled state. */
  | { kind: 'settled'; order: OrderView }
  /** The time limit passed; order is the last state seen, if any answer came. */
  | { kind: 'timeout'; order?: OrderView; lastFailure?: Exclude<CallResult<'queryPayment'>, { ok: true }> }
  /** The order cannot be followed (not found, forbidden, malformed request). */
  | { kind: 'error'; failure: Exclude<CallResult<'queryPayment'>, { ok: true }> }
  /** isCancelled() turned true (the page was closed). */
  | { kind: 'cancelled' };

export interface PollOptions {
  backoff: Backoff;
  onUpdate?: (order: OrderView) => void;
  isCancelled?: () => boolean;
  /** Injected in tests; default real time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Failures worth asking again about; any other code stops polling. */
const TRANSIENT = ['NETWORK', 'SERVICE_UNAVAILABLE', 'PAYMENT_PENDING'];

/** Asks for the order now, then after each back-off delay, until it settles or time runs out. */
export async function pollOrder(orderId: string, options: PollOptions): Promise<PollOutcome> {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? defaultSleep;
  const cancelled = options.isCancelled ?? (() => false);
  const started = now();
  let order: OrderView | undefined;
  let lastFailure: Exclude<CallResult<'queryPayment'>, { ok: true }> | undefined;

  for (let attempt = 0; ; attempt++) {
    const result = await queryPayment(orderId);
    if (cancelled()) return { kind: 'cancelled' };
    if (result.ok) {
      order = result.order;
      lastFailure = undefined;
      options.onUpdate?.(order);
      if (isSettled(order.state)) return { kind: 'settled', order };
    } else if (TRANSIENT.includes(result.code)) {
      lastFailure = result;
    } else {
      return { kind: 'error', failure: result };
    }
    const delay = nextDelay(attempt, now() - started, options.backoff);
    if (delay === null) return { kind: 'timeout', order, lastFailure };
    await sleep(delay);
    if (cancelled()) return { kind: 'cancelled' };
  }
}
