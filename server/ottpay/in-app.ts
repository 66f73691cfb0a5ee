/**
 * OTT Pay's "Mobile App with WeChat Pay" (the in-app payment request): plain JSON to its own
 * endpoint, answered with what the app's WeChat OpenSDK needs, and the merchant's WeChat API key
 * (`wxapikey`) so that the app could sign the PayReq itself. Here the cloud signs it: the key is
 * used for that one signature and is never stored, logged or returned.
 */
import { createHash } from 'crypto';
import type { AppPayRequest } from '../../typings/payments';
import { outcomeOfCode, unknownOutcome, type OttOutcome } from './outcome';
import { postJson, TransportError, type Transport } from './transport';

export interface InAppConfig {
  /** OTT's in-app endpoint, e.g. https://mppay.ottpay.com/inAppPay. */
  apiUrl: string;
  merchantId: string;
  operatorId: string;
  callbackUrl: string;
  timeoutMs: number;
  /** The app's AppID at the WeChat Open Platform (OTT's `userId`). */
  appId: string;
  /** The merchant's own WeChat API key for the app; OTT's `wxapikey` is used only when this is absent. */
  apiKey?: string;
}

export interface InAppRequest {
  orderId: string;
  amountCents: number;
  tipCents: number;
}

/** What OTT Pay issued for the app, without the key. */
export interface InAppIssued {
  appId: string;
  partnerId: string;
  prepayId: string;
  nonceStr: string;
  timeStamp: string;
  tradeNo?: string;
}


/** WeChat Pay v2's app signature: MD5 of the six fields in ASCII order, then `&key=`, in upper case. */
export function signAppPayRequest(issued: Omit<InAppIssued, 'tradeNo'>, apiKey: string): AppPayRequest {
  const fields: Record<string, string> = {
    appid: issued.appId,
    noncestr: issued.nonceStr,
    package: 'Sign=WXPay',
    partnerid: issued.partnerId,
    prepayid: issued.prepayId,
    timestamp: issued.timeStamp,
  };
  const text = `${Object.keys(fields).sort().map((key) => `${key}=${fields[key]}`).join('&')}&key=${apiKey}`;
  const sign = createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
  return { appId: issued.appId, partnerId: issued.partnerId, prepayId: issued.prepayId, packageValue: 'Sign=WXPay', nonceStr: issued.nonceStr, timeStamp: issued.timeStamp, sign };
}

class ReplyError extends Error {}

function text(fields: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

function required(fields: Record<string, unknown>, ...names: string[]): string {
  const value = text(fields, ...names);
  if (value === undefined) throw new ReplyError(`the reply has no ${names.join(' or ')}`);
  return value;
}

/**
 * Reads OTT's reply defensively: its fields at the top level or under `data`; `prepayId` (the
 * table) or `prepay_id` (the example); `package_` must be Sign=WXPay when present; the AppID
 * must be the app's. An envelope with a `rsp_code` other than SUCCESS is classified like every
 * OTT code (D11).
 */
export function readInAppReply(body: unknown, appId: string): OttOutcome<{ issued: InAppIssued; wxApiKey?: string }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return unknownOutcome('BAD_RESPONSE', 'the in-app reply is not a JSON object');
  const envelope = body as Record<string, unknown>;
  const code = typeof envelope.rsp_code === 'string' ? envelope.rsp_code : 'SUCCESS';
  const message = typeof envelope.rsp_msg === 'string' ? envelope.rsp_msg.slice(0, 200) : code;
  const refused = outcomeOfCode(code, message);
  if (refused) return refused;
  const fields = typeof envelope.data === 'object' && envelope.data !== null ? (envelope.data as Record<string, unknown>) : envelope;
  try {
    const packageValue = text(fields, 'package_', 'package', 'packageValue');
    if (packageValue !== undefined && packageValue !== 'Sign=WXPay') throw new ReplyError(`package_ is ${packageValue}, not Sign=WXPay`);
    const issued: InAppIssued = {
      appId: required(fields, 'appId', 'appid'),
      partnerId: required(fields, 'partnerId', 'partnerid'),
      prepayId: required(fields, 'prepayId', 'prepay_id', 'prepayid'),
      nonceStr: required(fields, 'nonceStr', 'noncestr'),
      timeStamp: required(fields, 'timeStamp', 'timestamp'),
    };
    if (issued.appId !== appId) throw new ReplyError('the reply names another app');
    const tradeNo = text(fields, 'tradeNo');
    if (tradeNo !== undefined) issued.tradeNo = tradeNo;
    const wxApiKey = text(fields, 'wxapikey', 'wxApiKey');
    return { kind: 'ok', value: wxApiKey === undefined ? { issued } : { issued, wxApiKey }, data: {} };
  } catch (error) {
    if (error instanceof ReplyError) return unknownOutcome('BAD_FIELD', `OTT Pay in-app reply: ${error.message}`);
    throw error;
  }
}

/** Asks OTT Pay for an in-app payment and signs the app's PayReq; never retried (like MAPPPAY). */
export interface InAppPayment {
  payReq: AppPayRequest;
  tradeNo?: string;
}

/** What the payment functions call: inAppPay with its configuration, or a stand-in in tests. */
export interface InAppApi {
  pay(request: InAppRequest): Promise<OttOutcome<InAppPayment>>;
}

export async function inAppPay(config: InAppConfig, request: InAppRequest, transport: Transport = postJson): Promise<OttOutcome<InAppPayment>> {
  const body: Record<string, string> = {
    userId: config.appId,
    amount: String(request.amountCents),
    bizType: 'WECHATPAY',
    merchant_id: config.merchantId,
    operator_id: config.operatorId,
    order_id: request.orderId,
    call_back_url: config.callbackUrl,
  };
  if (request.tipCents > 0) body.tip = String(request.tipCents);
  let reply;
  try {
    reply = await transport(config.apiUrl, body, config.timeoutMs);
  } catch (error) {
    if (error instanceof TransportError && error.kind === 'timeout') return unknownOutcome('TRANSPORT_TIMEOUT', error.message);
    return unknownOutcome('NETWORK_ERROR', error instanceof Error ? error.message : 'network error');
  }
  if (reply.status < 200 || reply.status > 299) return unknownOutcome(`HTTP_${reply.status}`, `OTT Pay answered HTTP ${reply.status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.text);
  } catch {
    return unknownOutcome('BAD_RESPONSE', 'the in-app reply is not JSON');
  }
  const outcome = readInAppReply(parsed, config.appId);
  if (outcome.kind !== 'ok') return outcome;
  const key = config.apiKey ?? outcome.value.wxApiKey;
  if (key === undefined) return { kind: 'rejected', code: 'NO_APP_KEY', message: 'no WeChat API key for the app: set WECHAT_APP_API_KEY', ourDefect: true };
  const { issued } = outcome.value;
  const payReq = signAppPayRequest(issued, key);
  return { kind: 'ok', value: issued.tradeNo === undefined ? { payReq } : { payReq, tradeNo: issued.tradeNo }, data: {} };
}
