/** The staff-only functions behind the merchant view: today's takings, and collect by QR code. */
import QRCode from 'qrcode';
import type { CollectByQrResult, DailyTakings, MerchantSummaryResult } from '../../typings/payments';
import { localDay } from '../app/calendar';
import type { Platform } from '../app/platform';
import { Caller, requireStaff } from '../functions/callable';
import { FunctionFailure } from '../functions/failure';
import { Order, toOrderView } from '../orders/model';
import { pendingFailure, readPaymentRequest, writeOrder } from './create-payment';
import { updateOrder } from './order-updates';

const COUNTED = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const MAX_ORDERS_PER_DAY = 5000;

export function takings(date: string, orders: Order[]): DailyTakings {
  const paid = orders.filter((o) => COUNTED.has(o.state));
  const grossCents = paid.reduce((sum, o) => sum + o.amountCents + o.tipCents, 0);
  const refundedCents = paid.reduce((sum, o) => sum + o.refundedCents, 0);
  return { date, paidCount: paid.length, grossCents, refundedCents, netCents: grossCents - refundedCents };
}

export async function merchantSummary(_event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<MerchantSummaryResult> {
  requireStaff(caller, platform);
  const day = localDay(platform.settings.timeZone, platform.now());
  const orders = await platform.store.listOrdersCreatedBetween(day.start.toISOString(), day.end.toISOString(), MAX_ORDERS_PER_DAY);
  return { ok: true, today: takings(day.date, orders), recent: orders.slice(0, 20).map(toOrderView) };
}

/** An ACTIVEPAY order the customer pays by scanning; the staff member who made it can watch it. */
export async function collectByQr(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<CollectByQrResult> {
  requireStaff(caller, platform);
  const request = readPaymentRequest(event, platform);
  const order = await writeOrder(platform, caller, request, 'QR');
  let codeUrl = order.ott?.codeUrl;
  if (codeUrl === undefined) {
    if (order.state !== 'CREATED') throw new FunctionFailure('PAYMENT_REJECTED', `This order is ${order.state.toLowerCase()}. Start a new one.`, order.orderId);
    const outcome = await platform.ott.activePay({ orderId: order.orderId, amountCents: order.amountCents, tipCents: order.tipCents });
    platform.log.info('ott.activepay', { orderId: order.orderId, kind: outcome.kind, code: outcome.kind === 'ok' ? 'SUCCESS' : outcome.code });
    if (outcome.kind === 'rejected') {
      await updateOrder(platform, order.orderId, 'create', (current) => (current.state === 'CREATED' ? { to: 'FAILED', detail: { code: outcome.code } } : null));
      throw new FunctionFailure('PAYMENT_REJECTED', `OTT Pay refused the order (${outcome.code}).`, order.orderId);
    }
    if (outcome.kind !== 'ok') throw pendingFailure(order.orderId);
    const { value } = outcome;
    const { order: updated } = await updateOrder(platform, order.orderId, 'create', (current) =>
      current.state === 'CREATED' && !current.ott?.codeUrl
        ? { to: 'PAYING', changes: { ott: { ...current.ott, codeUrl: value.codeUrl, ...(value.bizpayOrderId ? { bizpayOrderId: value.bizpayOrderId } : {}) } } }
        : null,
    );
    codeUrl = updated.ott?.codeUrl ?? value.codeUrl;
  }
  const qrDataUrl = await QRCode.toDataURL(codeUrl, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
  const latest = (await platform.store.getOrder(order.orderId)) ?? order;
  return { ok: true, order: toOrderView(latest), codeUrl, qrDataUrl };
}
