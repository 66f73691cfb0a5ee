/**
 * A counter's view of the feed (counterFeed): what it shows, what it must tell the function it
 * already has, and what it says aloud. Pure: the page asks and plays.
 */
import type { CounterPayment } from '../services/types';

/** As the function reaches back before the cursor (server/payments/counter-feed.ts OVERLAP_MS), with a margin. */
const KNOWN_WINDOW_MS = 90_000;
const MAX_KNOWN = 200;
/** Rows a counter keeps on screen. */
export const MAX_ROWS = 100;
/** More than this at once is said as one sentence. */
const ONE_BY_ONE = 3;

export interface CounterState {
  /** What to send as `after`; null before the first answer. */
  cursor: string | null;
  /** Newest first. */
  rows: CounterPayment[];
  /** Every payment shown this shift, by order number, with when it was verified. */
  seen: Record<string, string>;
}

export const NEW_COUNTER: CounterState = { cursor: null, rows: [], seen: {} };

/** The order numbers the function may answer again (within its reach back): the counter has them. */
export function knownIds(state: CounterState): string[] {
  if (state.cursor === null) return [];
  const from = Date.parse(state.cursor) - KNOWN_WINDOW_MS;
  return Object.entries(state.seen)
    .filter(([, paidAt]) => Date.parse(paidAt) >= from)
    .map(([orderId]) => orderId)
    .slice(-MAX_KNOWN);
}

/** The state after an answer, and the payments it brought that the counter did not have. */
export function mergeFeed(state: CounterState, payments: CounterPayment[], cursor: string): { state: CounterState; fresh: CounterPayment[] } {
  const fresh = payments.filter((p) => !(p.orderId in state.seen));
  const seen = { ...state.seen };
  for (const p of fresh) seen[p.orderId] = p.paidAt;
  const rows = [...fresh].reverse().concat(state.rows).slice(0, MAX_ROWS);
  return { state: { cursor, rows, seen }, fresh };
}

export type Announcement = { kind: 'payment'; payment: CounterPayment } | { kind: 'summary'; count: number; totalCents: number };

/**
 * What to say of the payments an answer brought: nothing for what a counter finds on opening
 * (it was not there), one sentence for what came while it was away or in a burst, else each one.
 */
export function announcementsFor(fresh: CounterPayment[], situation: { firstLook: boolean; afterGap: boolean }): Announcement[] {
  if (situation.firstLook || fresh.length === 0) return [];
  if ((situation.afterGap && fresh.length > 1) || fresh.length > ONE_BY_ONE) {
    return [{ kind: 'summary', count: fresh.length, totalCents: fresh.reduce((sum, p) => sum + p.totalCents, 0) }];
  }
  return fresh.map((payment) => ({ kind: 'payment', payment }));
}
