/**
 * The shipping information of an order's mini-program payments at WeChat (发货信息管理): what to
 * send for a payment, and how WeChat's answers change the order. Pure: the sweep does the asking.
 */
import type { ShippingSettings } from '../app/settings';
import { describeCloudCall } from '../wechat/cloud-call';
import { SHIPPING_SETTLED_ERRCODES, type ShippingInfo, type UploadAnswer } from '../wechat/shipping-api';
import { withHistory, type ChangeContext } from './history';
import { awaitsShipping, type HistoryEntry, type Order, type PaymentAttempt } from './model';

/** Waits before the next upload after 1, 2, 3… failures in a row: WeChat may not know a payment for a few seconds. */
export const SHIPPING_RETRY_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000] as const;
/** After this many failures in a row the order is left to a person (about two days at the longest wait). */
export const SHIPPING_GIVE_UP_AFTER = 12;

/** What WeChat is told about one paid attempt, or why it cannot be told yet. */
export function shippingInfo(order: Order, attempt: PaymentAttempt, settings: ShippingSettings, at: Date): ShippingInfo | { missing: string } {
  let orderKey: ShippingInfo['order_key'];
  if (settings.orderKey.by === 'transaction') {
    if (!attempt.bizpayOrderId) return { missing: `OTT Pay has not reported WeChat's transaction id (bizpay_order_id) of ${attempt.ottOrderId}` };
    orderKey = { order_number_type: 2, transaction_id: attempt.bizpayOrderId };
  } else {
    orderKey = { order_number_type: 1, mchid: settings.orderKey.mchid, out_trade_no: attempt.ottOrderId };
  }
  return {
    order_key: orderKey,
    logistics_type: settings.kind === 'self-pickup' ? 4 : 3,
    delivery_mode: 1,
    shipping_list: [{ item_desc: settings.itemDesc }],
    upload_time: at.toISOString(),
    payer: { openid: order.openid },
  };
}

/** WeChat's answer settles the attempt: accepted, or nothing more is to be sent. */
export function answerSettles(answer: UploadAnswer): boolean {
  return answer.kind === 'accepted' || (answer.kind === 'refused' && SHIPPING_SETTLED_ERRCODES.has(answer.errcode));
}


/**
 * The order once WeChat's answers (by OTT order id) are recorded: settled attempts are marked,
 * and while one still waits the order is due again later, until SHIPPING_GIVE_UP_AFTER failures;
 * null when nothing changes.
 */
export function recordShippingAnswers(order: Order, answers: ReadonlyMap<string, UploadAnswer>, ctx: ChangeContext): Order | null {
  const entries: HistoryEntry[] = [];
  const attempts = order.attempts.map((attempt) => {
    const answer = answers.get(attempt.ottOrderId);
    if (!answer || !awaitsShipping(order, attempt) || !answerSettles(answer)) return attempt;
    const detail = answer.kind === 'refused' ? { errcode: answer.errcode, errmsg: answer.errmsg } : undefined;
    entries.push({ at: ctx.at, cause: ctx.cause, event: 'shipping.uploaded', attempt: attempt.ottOrderId, ...(detail ? { detail } : {}) });
    return { ...attempt, shippingUploadedAt: ctx.at };
  });
  const next: Order = withHistory({ ...order, attempts }, ...entries);
  const waiting = next.attempts.filter((a) => awaitsShipping(next, a));
  if (waiting.length === 0) return { ...next, shippingDueAt: null, shippingFailures: 0, shippingError: null };
  const failed = waiting.map((a) => answers.get(a.ottOrderId)).find((a): a is UploadAnswer => a !== undefined);
  if (!failed) return entries.length > 0 ? next : null;
  const failures = (order.shippingFailures ?? 0) + 1;
  const wait = SHIPPING_RETRY_MS[Math.min(failures, SHIPPING_RETRY_MS.length) - 1];
  const dueAt = failures >= SHIPPING_GIVE_UP_AFTER ? null : new Date(Date.parse(ctx.at) + wait).toISOString();
  return { ...next, shippingDueAt: dueAt, shippingFailures: failures, shippingError: describeCloudCall(failed) };
}
