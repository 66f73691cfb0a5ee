/**
 * The payment notice (订阅消息) a payer asked for on the Pay tap: sent once, by whichever function
 * verified the payment, right after. Claimed by a compare-and-set before it is sent, so a
 * call-back that comes three times sends one; a refused or failed send is logged once and never
 * touches the payment.
 */
import { localDateTime } from '../app/calendar';
import type { Platform } from '../app/platform';
import type { ReceiptPart, ReceiptSettings } from '../app/settings';
import type { ChangeCause, Order } from '../orders/model';
import { merchantTimeZone } from '../app/settings';
import { describeCloudCall } from '../wechat/cloud-call';
import { withHistory } from '../orders/history';
import { updateOrder } from './order-updates';

export interface ReceiptMessage {
  touser: string;
  template_id: string;
  page: string;
  data: Record<string, { value: string }>;
}

function cad(cents: number): string {
  return `${(cents / 100).toFixed(2)} CAD`;
}

/** The notice of a paid order, with each configured part in its keyword. */
export function receiptMessage(order: Order, settings: ReceiptSettings, zone: string): ReceiptMessage {
  const values: Record<ReceiptPart, string> = {
    amount: cad(order.amountCents + order.tipCents),
    tip: cad(order.tipCents),
    // a `time` keyword's form, on the merchant's clock
    time: localDateTime(zone, new Date(order.paidAt ?? order.updatedAt)),
    shop: settings.shopName,
    order: order.orderId,
  };
  const data: Record<string, { value: string }> = {};
  for (const [part, keyword] of Object.entries(settings.fields)) data[keyword!] = { value: values[part as ReceiptPart] };
  return { touser: order.openid, template_id: settings.templateId, page: settings.page, data };
}

/** Sends the order's notice if it is owed and this caller wins the claim; never throws. */
export async function sendDueReceipt(platform: Platform, order: Order, cause: ChangeCause): Promise<void> {
  const settings = platform.settings.receipt;
  if (!settings || !platform.messages || typeof order.receiptDueAt !== 'string') return;
  try {
    const claim = await updateOrder(platform, order, cause, (current, ctx) =>
      typeof current.receiptDueAt === 'string' ? withHistory({ ...current, receiptDueAt: null, receiptSentAt: ctx.at }, { at: ctx.at, cause: ctx.cause, event: 'receipt.sent' }) : null,
    );
    if (!claim.changed) return;
    const answer = await platform.messages.send(receiptMessage(claim.order, settings, merchantTimeZone(platform.settings)));
    if (answer.kind === 'accepted') platform.log.info('receipt.sent', { orderId: order.orderId });
    else platform.log.warn('receipt.failed', { orderId: order.orderId, answer: describeCloudCall(answer) });
  } catch (error) {
    platform.log.warn('receipt.failed', { orderId: order.orderId, answer: (error as Error).message });
  }
}
