/**
 * merchantSummary (staff only): today's takings in the merchant's time zone, from every order paid
 * today (read page by page, so none is left out at any volume), and the most recent orders.
 */
import type { DailyTakings, MerchantSummaryResult } from '../../typings/payments';
import { localDay } from '../app/calendar';
import type { Platform } from '../app/platform';
import { merchantTimeZone } from '../app/settings';
import { Caller, requireStaff } from '../functions/callable';
import { toOrderView, totalCents } from '../orders/model';
import { pagesOf } from '../orders/paging';
import { isPaidState } from '../orders/state-machine';

const RECENT = 20;

/** Takings of the orders paid in [start, end): only orders the payer was charged for count. */
export async function takings(platform: Platform, date: string, start: Date, end: Date): Promise<DailyTakings> {
  const totals: DailyTakings = { date, paidCount: 0, grossCents: 0, refundedCents: 0, netCents: 0 };
  const pages = pagesOf((last, limit) =>
    platform.store.listOrdersPaidBetween(start.toISOString(), end.toISOString(), { limit, after: last && { paidAt: last.paidAt!, orderId: last.orderId } }),
  );
  for await (const page of pages) {
    for (const order of page.filter((o) => isPaidState(o.state))) {
      totals.paidCount += 1;
      totals.grossCents += totalCents(order);
      totals.refundedCents += order.refundedCents;
    }
  }
  totals.netCents = totals.grossCents - totals.refundedCents;
  return totals;
}

export async function merchantSummary(_event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<MerchantSummaryResult> {
  requireStaff(caller, platform);
  const day = localDay(merchantTimeZone(platform.settings), platform.now());
  const [today, recent] = await Promise.all([
    takings(platform, day.date, day.start, day.end),
    platform.store.listOrdersCreatedBetween(day.start.toISOString(), day.end.toISOString(), { limit: RECENT, newestFirst: true }),
  ]);
  return { ok: true, today, recent: recent.map(toOrderView) };
}
