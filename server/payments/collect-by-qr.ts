/** collectByQr (staff only): an ACTIVEPAY order a customer pays by scanning a QR code with another phone. */
import type { CollectByQrResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';
import { requireStaff } from '../staff/staff-access';
import { toOrderView } from '../orders/model';
import { obtainPayableAttempt, readPaymentRequest } from './create-payment';

/** The order belongs to the staff member who made it, so their queryPayment can watch it. */
export async function collectByQr(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<CollectByQrResult> {
  await requireStaff(caller, platform);
  const request = readPaymentRequest(event, platform);
  const { order, attempt } = await obtainPayableAttempt(
    platform,
    caller,
    request,
    'QR',
    (current, ottOrderId) => platform.ott.activePay({ orderId: ottOrderId, amountCents: current.amountCents, tipCents: current.tipCents }),
    ({ codeUrl, bizpayOrderId }) => (bizpayOrderId === undefined ? { codeUrl } : { codeUrl, bizpayOrderId }),
  );
  const codeUrl = attempt.codeUrl!;
  // Loaded when the first QR code is drawn, not at the function's cold start.
  const QRCode = await import('qrcode');
  const qrDataUrl = await QRCode.toDataURL(codeUrl, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
  return { ok: true, order: toOrderView(order), codeUrl, qrDataUrl };
}
