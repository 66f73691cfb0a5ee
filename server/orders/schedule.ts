/**
 * When the sweep should next look at an order: while its payment is pending, while a refund
 * waits for OTT Pay, while an attempt nobody could pay is unsettled, and once more after an
 * attempt's payment details expire. The interval grows
 * with the time already waited (half of it, up to a maximum), so a stuck order costs a few
 * queries an hour, and an order just looked at goes to the back of the queue.
 */
import { awaitsOtt, isLive } from './attempts';
import type { Order } from './model';

export interface ScheduleSettings {
  /** First check of a pending order, after its creation. */
  sweepPendingAfterMs: number;
  /** First check of a refund waiting for OTT Pay. */
  refundCheckAfterMs: number;
  /** Longest wait between two checks. */
  maxCheckIntervalMs: number;
  /** How long after it was issued an attempt can no longer be paid (WeChat's prepay validity, plus a margin). */
  prepayValidityMs: number;
}

function followUp(sinceMs: number, firstMs: number, queriedAtMs: number | undefined, maxIntervalMs: number): number {
  const due = sinceMs + firstMs;
  if (queriedAtMs === undefined || queriedAtMs < sinceMs) return due;
  return Math.max(due, queriedAtMs + Math.min((queriedAtMs - sinceMs) / 2, maxIntervalMs));
}

export function nextCheckAt(order: Order, settings: ScheduleSettings): string | null {
  const queriedAt = order.queriedAt === undefined ? undefined : Date.parse(order.queriedAt);
  const max = settings.maxCheckIntervalMs;
  const due: number[] = [];
  if (awaitsOtt(order)) {
    due.push(followUp(Date.parse(order.createdAt), settings.sweepPendingAfterMs, queriedAt, max));
  } else {
    // An attempt nobody received details for is settled soon; one that could be paid, once its details expired.
    for (const attempt of order.attempts.filter(isLive)) {
      const created = Date.parse(attempt.createdAt);
      if (attempt.state === 'STARTED') due.push(followUp(created, settings.sweepPendingAfterMs, queriedAt, max));
      else due.push(followUp(created + settings.prepayValidityMs, 0, queriedAt, max));
    }
  }
  if (order.openRefundSince !== null) {
    due.push(followUp(Date.parse(order.openRefundSince), settings.refundCheckAfterMs, queriedAt, max));
  }
  return due.length === 0 ? null : new Date(Math.min(...due)).toISOString();
}
