/**
 * The sweep's last step where WECHAT_SHIPPING_UPLOAD is on: the shipping information of every
 * mini-program payment, uploaded to WeChat's order-shipping management until it is accepted. The
 * order was marked due in the same write as its payment, so none is forgotten; an upload never
 * changes the payment itself.
 */
import type { Platform } from '../app/platform';
import { awaitsShipping, type Order } from '../orders/model';
import { answerSettles, recordShippingAnswers, shippingInfo, SHIPPING_GIVE_UP_AFTER } from '../orders/shipping';
import { describeCloudCall } from '../wechat/cloud-call';
import type { UploadAnswer } from '../wechat/shipping-api';
import { updateOrder } from './order-updates';

export interface ShippingReport {
  /** Orders looked at. */
  orders: number;
  /** Payments WeChat accepted (or said need nothing more). */
  uploaded: number;
  /** Payments to try again later. */
  failed: number;
}

/** Orders a run looks at, at most. */
export const SHIPPING_BATCH = 20;

async function uploadOrder(platform: Platform, order: Order, report: ShippingReport): Promise<void> {
  const settings = platform.settings.shipping!;
  const answers = new Map<string, UploadAnswer>();
  for (const attempt of order.attempts.filter((a) => awaitsShipping(order, a))) {
    const info = shippingInfo(order, attempt, settings, platform.now());
    const answer: UploadAnswer = 'missing' in info ? { kind: 'unanswered', message: info.missing } : await platform.shipping!.uploadShippingInfo(info);
    answers.set(attempt.ottOrderId, answer);
    const fields = { orderId: order.orderId, attempt: attempt.ottOrderId, answer: describeCloudCall(answer) };
    if (answerSettles(answer)) {
      report.uploaded++;
      platform.log.info('shipping.uploaded', fields);
    } else {
      report.failed++;
      platform.log.warn('shipping.failed', { ...fields, failures: (order.shippingFailures ?? 0) + 1 });
    }
  }
  const { order: after } = await updateOrder(platform, order, 'sweep', (current, ctx) => recordShippingAnswers(current, answers, ctx));
  if (after.shippingDueAt === null && after.attempts.some((a) => awaitsShipping(after, a))) {
    platform.log.error('shipping.given_up', { orderId: order.orderId, failures: SHIPPING_GIVE_UP_AFTER, lastError: after.shippingError ?? null });
  }
}

export async function uploadDueShipping(platform: Platform, budgetUsed: () => boolean): Promise<ShippingReport> {
  const report: ShippingReport = { orders: 0, uploaded: 0, failed: 0 };
  if (!platform.settings.shipping || !platform.shipping) return report;
  const due = await platform.store.listShippingDue(platform.now().toISOString(), SHIPPING_BATCH);
  for (const order of due) {
    if (budgetUsed()) break;
    report.orders++;
    try {
      await uploadOrder(platform, order, report);
    } catch (error) {
      // the answer is not recorded: the order stays due and is sent again, which WeChat answers as already shipped
      platform.log.warn('shipping.unrecorded', { orderId: order.orderId, message: (error as Error).message });
    }
  }
  return report;
}
