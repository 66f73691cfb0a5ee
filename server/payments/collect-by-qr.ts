/** collectByQr (staff only): an ACTIVEPAY order a customer pays by scanning a QR code with another phone. */
import QRCode from 'qrcode';
import type { CollectByQrResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import { Caller, requireStaff } from '../functions/callable';
import { FunctionFailure } from '../functions/failure';
import { toOrderView } from '../orders/model';
import { pendingFailure, readPaymentRequest, writeOrder } from './create-payment';
import { updateOrder } from './order-updates';

/** The order belongs to the staff member who made it, so their queryPayment can watch it. */
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
