/**
 * merchantSummary (staff only): today's takings in the merchant's time zone, from every order paid
 * today (read page by page, so none is left out at any volume), and the day's most recent orders;
 * with orderId, also that one order whatever its day (staff find an order by the number a customer shows).
 */
import type { DailyTakings, MerchantSummaryResult, StaffOrderView } from '../../typings/payments';
import { localDay } from '../app/calendar';
import type { Platform } from '../app/platform';
import { merchantTimeZone } from '../app/settings';
import type { Caller } from '../functions/callable';
import { requireStaff } from '../staff/staff-access';
import { ORDER_ID, ORDER_ID_SHAPE, textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import { heldCents, Order, ORDER_ID_LENGTH, orderIdOfAttempt, toOrderView, toRefundView } from '../orders/model';
import { refundableNow } from '../orders/refund-ledger';
import { pagesOf } from '../orders/paging';
import { isPaidState } from '../orders/state-machine';

const RECENT = 20;

/**
 * Takings of the orders paid in [start, end), as OTT Pay reports the money taken. Orders in REVIEW
 * with money on them are a line of their own: held, but not counted until a person settles them.
 */
export async function takings(platform: Platform, date: string, start: Date, end: Date): Promise<DailyTakings> {
  const totals: DailyTakings = { date, paidCount: 0, grossCents: 0, refundedCents: 0, netCents: 0, reviewCount: 0, reviewHeldCents: 0 };
  const pages = pagesOf((last, limit) =>
    platform.store.listOrdersPaidBetween(start.toISOString(), end.toISOString(), { limit, after: last && { paidAt: last.paidAt!, orderId: last.orderId } }),
  );
  for await (const page of pages) {
    for (const order of page) {
      const held = heldCents(order);
      if (isPaidState(order.state)) {
        totals.paidCount += 1;
        totals.grossCents += held;
        totals.refundedCents += order.refundedCents;
      } else if (order.state === 'REVIEW' && held > order.refundedCents) {
        totals.reviewCount += 1;
        totals.reviewHeldCents += held - order.refundedCents;
      }
    }
  }
  totals.netCents = totals.grossCents - totals.refundedCents;
  return totals;
}

/** One order by its number, or by the OTT order_id of one of its attempts (what OTT's records show). */
async function findOrder(platform: Platform, orderId: string): Promise<Order> {
  const order = await platform.store.getOrder(orderId);
  if (order) return order;
  if (orderId.length > ORDER_ID_LENGTH) {
    const owner = await platform.store.getOrder(orderIdOfAttempt(orderId));
    if (owner?.attempts.some((a) => a.ottOrderId === orderId)) return owner;
  }
  throw new FunctionFailure('NOT_FOUND', 'No order has this number.');
}

/** An order as staff see it: with its refunds, the money OTT holds, what may be refunded now and, in REVIEW, why. */
export function toStaffOrderView(order: Order): StaffOrderView {
  const view: StaffOrderView = {
    ...toOrderView(order),
    refunds: order.refunds.map((r) => toRefundView(order.orderId, r)),
    heldCents: heldCents(order),
    refundableCents: refundableNow(order),
  };
  if (order.state === 'REVIEW' && order.reviewKind !== undefined) view.reviewKind = order.reviewKind;
  if (order.state === 'REVIEW' && order.reviewReason !== undefined) view.reviewReason = order.reviewReason;
  return view;
}

export async function merchantSummary(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<MerchantSummaryResult> {
  const role = await requireStaff(caller, platform);
  const found = event.orderId === undefined ? undefined : await findOrder(platform, textField(event, 'orderId', ORDER_ID, ORDER_ID_SHAPE));
  const day = localDay(merchantTimeZone(platform.settings), platform.now());
  const [today, recent] = await Promise.all([
    takings(platform, day.date, day.start, day.end),
    platform.store.listOrdersCreatedBetween(day.start.toISOString(), day.end.toISOString(), { limit: RECENT, newestFirst: true }),
  ]);
  const summary = { ok: true as const, role, today, recent: recent.map(toOrderView) };
  return found ? { ...summary, order: toStaffOrderView(found) } : summary;
}
