/** merchantSummary (staff only): today's takings in the merchant's time zone, and recent orders. */
import type { DailyTakings, MerchantSummaryResult } from '../../typings/payments';
import { localDay } from '../app/calendar';
import type { Platform } from '../app/platform';
import { Caller, requireStaff } from '../functions/callable';
import { Order, toOrderView, totalCents } from '../orders/model';

const COUNTED = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const MAX_ORDERS_PER_DAY = 5000;

export function takings(date: string, orders: Order[]): DailyTakings {
  const paid = orders.filter((o) => COUNTED.has(o.state));
  const grossCents = paid.reduce((sum, o) => sum + totalCents(o), 0);
  const refundedCents = paid.reduce((sum, o) => sum + o.refundedCents, 0);
  return { date, paidCount: paid.length, grossCents, refundedCents, netCents: grossCents - refundedCents };
}

export async function merchantSummary(_event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<MerchantSummaryResult> {
  requireStaff(caller, platform);
  const day = localDay(platform.settings.timeZone, platform.now());
  const orders = await platform.store.listOrdersCreatedBetween(day.start.toISOString(), day.end.toISOString(), MAX_ORDERS_PER_DAY);
  return { ok: true, today: takings(day.date, orders), recent: orders.slice(0, 20).map(toOrderView) };
}
