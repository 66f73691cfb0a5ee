/**
 * OTT Pay's asynchronous call-back (D5, D8, D9): reading the envelope from the HTTP body and
 * verifying it. Only the verified data counts; the envelope's plaintext rsp_code, rsp_msg and
 * merchant_id are carried along but never trusted.
 */
import { unseal, VerificationError, type VerificationFailure, type VerifiedData } from './codec';
import type { OttConfig } from './config';
import {
  DataFieldError,
  optionalMinorUnits,
  optionalText,
  requiredMinorUnits,
  requiredText,
  withoutUndefined,
} from './data-fields';

export interface CallbackEnvelope {
  rsp_code: string;
  rsp_msg: string;
  merchant_id: string;
  data: string;
  md5: string;
}

export type CallbackRejection = 'MALFORMED_BODY' | VerificationFailure | 'FOREIGN_MERCHANT' | 'BAD_FIELD';

/**
 * Fields only OTT Pay's synchronous replies carry (MAPPPAY, ACTIVEPAY, STATUS_QUERY, REFUND,
 * EX_RATE_QUERY). Every OTT message is sealed with the same key, so a reply posted to the
 * call-back URL verifies: these fields, or a missing finish_time (which every documented payment
 * call-back has), mark a message that may not settle an order by itself; OTT's STATUS_QUERY then
 * decides (OTT may also add fields or leave finish_time out: its documents do not promise).
 */
export const REPLY_ONLY_FIELDS = ['payInfo', 'code_url', 'total_amount', 'refund_fee', 'trade_time', 'ori_order_id', 'refund_amt', 'refund_status', 'return_code', 'rate', 'feeType', 'fee_type'] as const;

/** The call-back must be refused (HTTP 400, D8). The message never contains key material. */
export class CallbackRejected extends Error {
  constructor(
    readonly reason: CallbackRejection,
    message: string,
  ) {
    super(message);
    this.name = 'CallbackRejected';
  }
}

export interface VerifiedCallback {
  orderId: string;
  /**
   * True for a payment call-back as documented: finish_time present and none of a reply's fields.
   * Otherwise `reason` says why, and only a STATUS_QUERY may settle the attempt it names.
   */
  paymentCallback: boolean;
  reason?: string;
  /** The `amount` field; absent only when paymentCallback is false. */
  amountCents?: number;
  tipCents?: number;
  merchantId: string;
  /** finish_time verbatim (D12). */
  finishTime?: string;
  bizpayOrderId?: string;
  /** exchange_rate verbatim, e.g. "5.057030". */
  exchangeRate?: string;
  /** order_status verbatim whenever OTT Pay sends one, even empty (card flows and the newer API do). */
  orderStatus?: string;
  data: VerifiedData;
}

const ENVELOPE_FIELDS: ReadonlyArray<keyof CallbackEnvelope> = ['rsp_code', 'rsp_msg', 'merchant_id', 'data', 'md5'];

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function looksLikeJson(body: string, type: string): boolean {
  if (type === 'application/json' || type.endsWith('+json')) return true;
  if (type === 'application/x-www-form-urlencoded') return false;
  return body.trimStart().startsWith('{');
}

/**
 * The envelope fields present as strings in a JSON or form-urlencoded body. Without a telling
 * Content-Type, a body that starts with "{" is read as JSON. In a form body an unescaped '+'
 * of the Base64 data arrives as a space; the codec reads it back (D6).
 */
export function readCallbackEnvelope(body: string, contentType: string | undefined): Partial<CallbackEnvelope> {
  const envelope: Partial<CallbackEnvelope> = {};
  if (looksLikeJson(body, mediaType(contentType))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new CallbackRejected('MALFORMED_BODY', 'call-back body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CallbackRejected('MALFORMED_BODY', 'call-back body is not a JSON object');
    }
    const fields = parsed as Record<string, unknown>;
    for (const name of ENVELOPE_FIELDS) {
      const value = fields[name];
      if (typeof value === 'string') envelope[name] = value;
    }
    return envelope;
  }
  const form = new URLSearchParams(body);
  for (const name of ENVELOPE_FIELDS) {
    const value = form.get(name);
    if (value !== null) envelope[name] = value;
  }
  return envelope;
}

/** Verifies a call-back and reads its money and identifiers. Throws CallbackRejected. */
export function verifyCallback(
  envelope: Partial<CallbackEnvelope>,
  config: Pick<OttConfig, 'signKey' | 'merchantId'>,
): VerifiedCallback {
  let data: VerifiedData;
  try {
    data = unseal({ md5: envelope.md5, data: envelope.data }, config.signKey);
  } catch (error) {
    if (error instanceof VerificationError) throw new CallbackRejected(error.reason, `call-back does not verify: ${error.message}`);
    throw error;
  }
  const merchantId = data.merchant_id;
  if (merchantId !== config.merchantId) {
    throw new CallbackRejected(
      'FOREIGN_MERCHANT',
      merchantId === undefined || merchantId === null ? 'call-back data names no merchant' : 'call-back data names another merchant',
    );
  }
  const replyField = REPLY_ONLY_FIELDS.find((field) => field in data);
  const reason =
    replyField !== undefined ? `sealed data with ${replyField}, a field of OTT's replies` : 'finish_time' in data ? undefined : 'sealed data without finish_time';
  try {
    const orderId = requiredText(data, 'order_id');
    if (reason !== undefined) {
      return { orderId, paymentCallback: false, reason, merchantId: config.merchantId, data };
    }
    const optional = withoutUndefined({
      tipCents: optionalMinorUnits(data, 'tip'),
      finishTime: optionalText(data, 'finish_time'),
      bizpayOrderId: optionalText(data, 'bizpay_order_id'),
      exchangeRate: optionalText(data, 'exchange_rate'),
      orderStatus: data.order_status === '' ? '' : optionalText(data, 'order_status'),
    });
    return {
      orderId,
      paymentCallback: true,
      amountCents: requiredMinorUnits(data, 'amount'),
      ...optional,
      merchantId: config.merchantId,
      data,
    };
  } catch (error) {
    if (error instanceof DataFieldError) throw new CallbackRejected('BAD_FIELD', `call-back data: ${error.message}`);
    throw error;
  }
}
