/**
 * paymentCallback (D8, D9): record the call-back exactly as received, verify it, check merchant,
 * order and money, compare-and-set the order, and acknowledge only once all of that is stored.
 * 400 FAIL for what does not verify; 503 when the store cannot be written, so OTT Pay retries.
 */
import type { Platform } from '../app/platform';
import { StoreUnavailableError } from '../orders/store';
import { CallbackRejected, readCallbackEnvelope, verifyCallback } from '../ottpay/callback';
import { OrderNotFoundError } from './order-updates';
import { applyCallback } from './settlement';

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

  let callbackId: string;
  try {
    callbackId = await store.recordCallback({ receivedAt: platform.now().toISOString(), body, headers });
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    log.error('callback.unrecorded', { message: error.message, bytes: body.length });
    return reply(503, 'FAIL');
  }

  try {
    let verified;
    try {
      verified = verifyCallback(readCallbackEnvelope(body, headers['content-type']), platform.ottConfig);
    } catch (error) {
      if (!(error instanceof CallbackRejected)) throw error;
      await store.updateCallback(callbackId, { verdict: `rejected: ${error.reason}` });
      log.warn('callback.rejected', { callbackId, reason: error.reason, message: error.message });
      return reply(400, 'FAIL');
    }

    const { orderId } = verified;
    let verdict: string;
    try {
      const { order, changed } = await applyCallback(platform, verified);
      verdict = changed ? `applied: ${order.state}` : `no change: order is ${order.state}`;
    } catch (error) {
      if (!(error instanceof OrderNotFoundError)) throw error;
      verdict = 'unknown order';
      log.warn('callback.unknown_order', { callbackId, orderId });
    }
    await store.updateCallback(callbackId, { orderId, verdict });
    log.info('callback.recorded', { callbackId, orderId, verdict, amountCents: verified.amountCents });
    return reply(200, platform.settings.callbackReplyBody);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    log.error('callback.store_unavailable', { callbackId, message: error.message });
    return reply(503, 'FAIL');
  }
}
