/**
 * paymentCallback (D8, D9): verify the call-back, record it, then apply it to the attempt it
 * names (or, with CALLBACK_SETTLES=query, settle that attempt by STATUS_QUERY), and acknowledge
 * only once all of that is stored. 400 FAIL for what does not verify (recorded in bounded form:
 * its hash, size, reason, first bytes and a few headers); 503 when the store cannot
 * be written or the order keeps changing, so OTT Pay retries.
 */
import { createHash } from 'crypto';
import type { Platform } from '../app/platform';
import { StoreUnavailableError } from '../orders/store';
import { CallbackRejected, readCallbackEnvelope, verifyCallback, type VerifiedCallback } from '../ottpay/callback';
import { OrderBusyError, OrderNotFoundError } from './order-updates';
import { sendDueReceipt } from './receipts';
import { applyCallback, directPayment, OttUnansweredError, settleByQuery } from './settlement';

export interface HttpRequestEvent {
  httpMethod?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** How much of a rejected call-back's body is kept; with its hash, size and a few headers, well under 1 KB a record. */
export const REJECTED_BODY_KEPT = 256;

/** The headers kept of a rejected call-back: enough to see where junk came from. */
const REJECTED_HEADERS_KEPT = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-real-ip'];

function reply(statusCode: number, body: string): HttpResponse {
  return { statusCode, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body };
}

function lowerCaseKeys(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

export async function handlePaymentCallback(event: HttpRequestEvent, platform: Platform): Promise<HttpResponse> {
  if ((event.httpMethod ?? 'POST').toUpperCase() !== 'POST') return reply(405, 'FAIL');
  const headers = lowerCaseKeys(event.headers);
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const { store, log } = platform;
  const receivedAt = platform.now().toISOString();

  let verified: VerifiedCallback;
  try {
    verified = verifyCallback(readCallbackEnvelope(body, headers['content-type']), platform.ottConfig);
  } catch (error) {
    if (!(error instanceof CallbackRejected)) throw error;
    const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
    const bytes = Buffer.byteLength(body, 'utf8');
    log.warn('callback.rejected', { reason: error.reason, message: error.message, bytes, sha256 });
    const kept = body.length > REJECTED_BODY_KEPT ? body.slice(0, REJECTED_BODY_KEPT) : body;
    const keptHeaders = Object.fromEntries(REJECTED_HEADERS_KEPT.filter((name) => name in headers).map((name) => [name, headers[name].slice(0, 128)]));
    await store
      .recordCallback({ receivedAt, body: kept, headers: keptHeaders, verdict: `rejected: ${error.reason}`, bytes, sha256 })
      .catch((failure: Error) => log.error('callback.unrecorded', { reason: error.reason, message: failure.message }));
    return reply(400, 'FAIL');
  }

  const { orderId: ottOrderId } = verified;
  let callbackId: string;
  try {
    callbackId = await store.recordCallback({ receivedAt, orderId: ottOrderId, body, headers, verdict: 'verified' });
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    log.error('callback.unrecorded', { ottOrderId, message: error.message });
    return reply(503, 'FAIL');
  }

  try {
    if (!verified.paymentCallback) log.warn('callback.settled_by_query', { callbackId, ottOrderId, reason: verified.reason ?? '' });
    const payment = platform.settings.callbackSettles === 'direct' ? directPayment(verified) : null;
    const { order, changed } = payment ? await applyCallback(platform, payment, callbackId) : await settleByQuery(platform, ottOrderId);
    log.info('callback.applied', { callbackId, ottOrderId, orderId: order.orderId, changed, state: order.state, amountCents: verified.amountCents ?? null, by: payment ? 'callback' : 'query' });
    await sendDueReceipt(platform, order, 'callback');
  } catch (error) {
    if (error instanceof OrderNotFoundError) {
      log.warn('callback.unknown_order', { callbackId, ottOrderId });
    } else if (error instanceof StoreUnavailableError || error instanceof OrderBusyError || error instanceof OttUnansweredError) {
      log.error('callback.unapplied', { callbackId, ottOrderId, message: error.message });
      return reply(503, 'FAIL');
    } else {
      throw error;
    }
  }
  return reply(200, platform.settings.callbackReplyBody);
}
