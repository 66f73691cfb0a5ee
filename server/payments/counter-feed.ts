/**
 * counterFeed (staff only): a counter's long poll for payments the product has verified (by
 * call-back, query or sweep; never the wallet's word). A payment's paidAt is the time of the
 * write that verified it, and writes may land a moment out of order, so every answer reaches back
 * OVERLAP_MS before the counter's cursor and the counter keeps what it already shows (`known`):
 * nothing is missed, nothing shown twice.
 */
import type { CounterFeedResult, CounterPayment } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';
import { FunctionFailure } from '../functions/failure';
import { totalCents, type Order } from '../orders/model';
import { isPaidState } from '../orders/state-machine';
import { requireStaff } from '../staff/staff-access';

/** How far before the cursor each answer reaches: longer than a verifying write can take to land. */
export const OVERLAP_MS = 60_000;
/** What a counter opened afresh is shown (not said). */
export const FIRST_LOOK_MS = 10 * 60_000;
export const MAX_KNOWN = 200;
/** Payments one answer carries at most: a minute of a very busy shop, many times over. */
const PAGE = 1000;

function toCounterPayment(order: Order): CounterPayment {
  return { orderId: order.orderId, amountCents: order.amountCents, tipCents: order.tipCents, totalCents: totalCents(order), currency: order.currency, paidAt: order.paidAt!, channel: order.channel };
}

function readEvent(event: Record<string, unknown>, now: Date): { from: string; known: Set<string> } {
  let after: number | undefined;
  if (event.after !== undefined) {
    after = typeof event.after === 'string' ? Date.parse(event.after) : NaN;
    if (!Number.isFinite(after) || after > now.getTime() + 60_000) throw new FunctionFailure('INVALID_REQUEST', 'after must be an ISO time, not in the future');
  }
  const known = event.known ?? [];
  if (!Array.isArray(known) || known.length > MAX_KNOWN || !known.every((id) => typeof id === 'string' && /^[A-Za-z0-9]{1,40}$/.test(id))) {
    throw new FunctionFailure('INVALID_REQUEST', `known must be a list of at most ${MAX_KNOWN} order numbers`);
  }
  const from = after === undefined ? now.getTime() - FIRST_LOOK_MS : after - OVERLAP_MS;
  return { from: new Date(from).toISOString(), known: new Set(known as string[]) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function counterFeed(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<CounterFeedResult> {
  const { counterHoldMs: holdMs, counterCheckMs: checkEveryMs } = platform.settings;
  await requireStaff(caller, platform);
  const started = platform.now();
  const { from, known } = readEvent(event, started);
  const firstLook = event.after === undefined;
  for (;;) {
    const now = platform.now();
    // far in the future: a clock a little ahead of this one has written some paidAt
    const orders = await platform.store.listOrdersPaidBetween(from, '9999-12-31T00:00:00.000Z', { limit: PAGE });
    const payments = orders.filter((o) => isPaidState(o.state) && o.paidAt !== undefined).map(toCounterPayment);
    const waited = now.getTime() - started.getTime();
    if (firstLook || payments.some((p) => !known.has(p.orderId)) || orders.length === PAGE || waited + checkEveryMs > holdMs) {
      // a full page: the next call goes on from its last payment
      const cursor = orders.length === PAGE ? orders[orders.length - 1].paidAt! : now.toISOString();
      return { ok: true, payments, cursor };
    }
    await sleep(checkEveryMs);
  }
}
