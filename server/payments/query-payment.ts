/**
 * queryPayment and listPayments: a payer sees only their own orders. A pending order the payer
 * may have paid, older than a few seconds, is checked at OTT Pay first, so a lost call-back
 * cannot strand a payer; at most one such check per order runs in QUERY_THROTTLE_MS.
 */
import type { ListPaymentsResult, QueryPaymentResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';
import { integerField, ORDER_ID, ORDER_ID_SHAPE, textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import { awaitsOtt } from '../orders/attempts';
import { Order, payableAttempt, toOrderView } from '../orders/model';
import { inspectOrder } from './settlement';

/** The caller's own order; anyone else's reads exactly like a missing one. */
export async function ownOrder(platform: Platform, caller: Caller, orderId: string): Promise<Order> {
  const order = await platform.store.getOrder(orderId);
  if (!order || order.openid !== caller.openid) throw new FunctionFailure('NOT_FOUND', 'No such payment.');
  return order;
}

export async function queryPayment(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<QueryPaymentResult> {
  let order = await ownOrder(platform, caller, textField(event, 'orderId', ORDER_ID, ORDER_ID_SHAPE));
  const age = platform.now().getTime() - Date.parse(order.createdAt);
  if (awaitsOtt(order) && payableAttempt(order) && age >= platform.settings.queryPendingAfterMs) {
    order = await inspectOrder(platform, order, 'status_query');
  }
  return { ok: true, order: toOrderView(order) };
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)~([A-Za-z0-9]{1,32})$/;

export async function listPayments(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<ListPaymentsResult> {
  const pageSize = event.pageSize === undefined ? 20 : integerField(event, 'pageSize', { min: 1, max: 50 });
  let before: { createdAt: string; orderId: string } | undefined;
  if (event.cursor !== undefined) {
    const match = typeof event.cursor === 'string' ? CURSOR.exec(event.cursor) : null;
    if (!match) throw new FunctionFailure('INVALID_REQUEST', 'cursor must be the nextCursor of a previous page');
    before = { createdAt: match[1], orderId: match[2] };
  }
  const orders = await platform.store.listOrdersByOpenid(caller.openid, { limit: pageSize + 1, before });
  const page = orders.slice(0, pageSize);
  const last = page[page.length - 1];
  return orders.length > pageSize && last
    ? { ok: true, orders: page.map(toOrderView), nextCursor: `${last.createdAt}~${last.orderId}` }
    : { ok: true, orders: page.map(toOrderView) };
}
