/**
 * The payer's side of one payment: the request to createPayment (the same requestId while the same
 * amounts are tried again), the WeChat wallet, and a quiet watch for a payment that goes through
 * after the wallet was closed.
 */
import { attemptFor, keptAfter, type Attempt } from '../utils/attempt';
import type { Backoff } from '../utils/backoff';
import { perInstance } from '../utils/instance-state';
import { outcomeOf, type Outcome } from '../utils/order';
import { createPayment, queryPayment, requestPayment } from './payments';
import { pollOrder } from './poll';
import type { OrderView } from './types';

export type PayStep =
  /** The wallet says paid. Not proof: the Result page confirms it. */
  | { kind: 'walletPaid'; orderId: string }
  /** The wallet closed without paying; paying the same amounts again reopens the same order. */
  | { kind: 'walletClosed'; orderId: string; wallet: 'cancel' | 'fail' }
  | { kind: 'failed'; code: string };

/** After the wallet closed unpaid, the order is checked now and then for a minute. */
export const LATE_PAYMENT_BACKOFF: Backoff = { initialMs: 2000, factor: 1.5, capMs: 10000, totalMs: 60000 };

const attempts = perInstance<{ current?: Attempt }>(() => ({}));

/** Pays the amounts; `owner` (the page) keeps the attempt for a retry. `receipt`: the payer agreed to a payment notice. */
export async function pay(owner: object, amountCents: number, tipCents: number, receipt = false): Promise<PayStep> {
  const state = attempts(owner);
  const attempt = attemptFor(state.current, `${amountCents}+${tipCents}`);
  state.current = attempt;
  const created = await createPayment({ amountCents, tipCents, requestId: attempt.requestId, ...(receipt ? { receipt: true } : {}) });
  if (!created.ok) {
    state.current = keptAfter(attempt, created.code);
    return { kind: 'failed', code: created.code };
  }
  const wallet = await requestPayment(created.payment);
  if (wallet === 'ok') {
    state.current = undefined;
    return { kind: 'walletPaid', orderId: created.orderId };
  }
  return { kind: 'walletClosed', orderId: created.orderId, wallet };
}

/** The next payment starts afresh (new amounts, or the last one is over). */
export function forgetAttempt(owner: object): void {
  attempts(owner).current = undefined;
}

/**
 * Resolves with the order if, after the wallet closed, it turns out paid (or in review: money may
 * have moved, so the payer must not pay again); null when it stays unpaid or the watch is stopped.
 */
export async function watchLatePayment(orderId: string, isCancelled: () => boolean): Promise<OrderView | null> {
  const outcome = await pollOrder(orderId, { backoff: LATE_PAYMENT_BACKOFF, isCancelled });
  if (outcome.kind !== 'settled') return null;
  const result = outcomeOf(outcome.order.state);
  return result === 'paid' || result === 'review' ? outcome.order : null;
}

/** What became of an order, asked once; null when the answer did not come. */
export async function outcomeNow(orderId: string): Promise<Outcome | null> {
  const result = await queryPayment(orderId);
  return result.ok ? outcomeOf(result.order.state) : null;
}
