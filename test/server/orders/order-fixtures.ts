/** Orders built with the pure functions themselves, for the unit tests of attempts, refunds, schedule and history. */
import { issueAttempt, newOrder, reportPaid } from '../../../server/orders/attempts';
import type { ChangeContext } from '../../../server/orders/history';
import { orderIdFor, type Order } from '../../../server/orders/model';

export const T0 = Date.parse('2026-03-02T15:00:00.000Z');

/** The context of a change `seconds` after T0. */
export function at(seconds: number, cause: ChangeContext['cause'] = 'create'): ChangeContext {
  return { at: new Date(T0 + seconds * 1000).toISOString(), cause };
}

export function created(amountCents = 1000, tipCents = 200, requestId = 'unit-request-0001'): Order {
  const openid = 'o-unit-payer';
  return newOrder(
    { orderId: orderIdFor(openid, requestId), openid, appid: 'wx0123456789abcdef', requestId, channel: 'MINIPROGRAM', amountCents, tipCents },
    at(0).at,
  );
}

export function issued(order: Order = created(), ottOrderId = order.orderId, seconds = 1): Order {
  const next = issueAttempt(order, ottOrderId, { payment: { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'MD5', paySign: 'S' } }, at(seconds));
  if (!next) throw new Error('fixture: attempt not issued');
  return next;
}

/** Paid in full and as agreed on its first attempt, by a call-back `seconds` after T0. */
export function paid(order: Order = issued(), seconds = 30): Order {
  const total = order.amountCents + order.tipCents;
  const next = reportPaid(order, order.attempts[0].ottOrderId, { paidCents: total, moneyAgrees: true, detail: { amount: order.amountCents } }, at(seconds, 'callback'));
  if (!next) throw new Error('fixture: not paid');
  return next;
}
