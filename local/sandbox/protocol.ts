/**
 * OTT Pay's API: `POST /processV2`, the legacy encrypted API (checks the envelope and the sealed
 * data, runs the action against the ledger and seals the answer), and `POST /inAppPay`, the
 * plain-JSON in-app request; both with the response faults applied.
 */
import { unseal, VerificationError, type VerifiedData } from '../../server/ottpay/codec';
import { FaultSwitchboard, IN_APP_ACTION, NormalizedResponseFault, PROTOCOL_ACTIONS, ProtocolAction } from './faults';
import { generatedOrderId, rateText } from './formats';
import { Ledger, paidTotal, type NewPayment } from './ledger';
import { replyNumber, statusFigures, type ReadingBoard } from './readings';
import { corruptData, corruptMd5, gsonJson, ReplyData, sealReply } from './sealing';
import { MERCHANT_CURRENCY, type PaymentAction } from './store';

export interface ProtocolConfig {
  merchantId: string;
  operatorId: string;
  signKey: string;
  appId: string;
  /** The merchant's native app at the WeChat Open Platform: the only `userId` /inAppPay accepts. */
  nativeAppId: string;
  /** Returned as the in-app answer's `wxapikey`, as OTT does. */
  wechatApiKey: string;
  exchangeRateE8: number;
}

/** The synchronous answer: rsp_code and rsp_msg, plus data and md5 on SUCCESS. */
export interface ProtocolReply {
  rsp_code: string;
  rsp_msg: string;
  data?: string;
  md5?: string;
}

/** The in-app answer, as the seed page's example spells it; every value a string. */
export interface InAppReply {
  appId: string;
  bizType: 'WECHATPAY';
  nonceStr: string;
  package_: 'Sign=WXPay';
  partnerId: string;
  paySign: string;
  prepay_id: string;
  reAmount: string;
  timeStamp: string;
  tradeNo: string;
  wxapikey: string;
}

export interface ProtocolOutcome<R extends ProtocolReply | InAppReply = ProtocolReply | InAppReply> {
  reply: R;
  /** TIMEOUT fault: hold the request; answer `reply` after this many ms, or never when null. */
  hold?: { replyAfterMs: number | null };
  action?: string;
  orderId?: string;
  fault?: string;
}

const SUPPORTED_VERSIONS = ['1.0', '1.1'];
const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;
const MINOR_UNITS = /^[0-9]{1,10}$/;
const MAX_MINOR_UNITS = 9_999_999_999;

const MESSAGES: Record<string, string> = {
  ORDER_USED: 'order number duplicated',
  ORDER_PAID: 'order already paid',
  SYSTEM_ERROR: 'system error',
  PROCESSING: 'transaction still processing',
  TIMEOUT: 'timeout',
};

class FieldError extends Error {}

function failure(rsp_code: string, rsp_msg = MESSAGES[rsp_code] ?? rsp_code): ProtocolReply {
  return { rsp_code, rsp_msg };
}

type Fields = Readonly<Record<string, string>>;

function optional(data: Fields, key: string): string | undefined {
  const value = data[key];
  return value === undefined || value === '' ? undefined : value;
}

function required(data: Fields, key: string): string {
  const value = optional(data, key);
  if (value === undefined) throw new FieldError(`${key} is missing`);
  return value;
}

function orderId(data: Fields, key: string): string | undefined {
  const value = optional(data, key);
  if (value !== undefined && !ORDER_ID.test(value)) throw new FieldError(`${key} must be 1-32 letters or digits`);
  return value;
}

function minorUnits(key: string, value: string, min: number): number {
  if (!MINOR_UNITS.test(value) || Number(value) > MAX_MINOR_UNITS) {
    throw new FieldError(`${key} must be a string of digits (minor units)`);
  }
  const amount = Number(value);
  if (amount < min) throw new FieldError(`${key} must be at least ${min}`);
  return amount;
}

function callbackUrl(data: Fields): string {
  const value = required(data, 'call_back_url');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FieldError('call_back_url is not a URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || value.length > 255) {
    throw new FieldError('call_back_url must be an http(s) URL of at most 255 characters');
  }
  return value;
}

/** OTT's pages: a currency_type, where sent, must be the merchant's currency. */
function checkCurrency(data: Fields): void {
  const currency = data.currency_type;
  if (currency !== undefined && currency !== MERCHANT_CURRENCY) {
    throw new FieldError(`currency_type ${JSON.stringify(currency)} is not the merchant's currency ${MERCHANT_CURRENCY}`);
  }
}

function jsonObject(body: string): { fields: Record<string, unknown> } | { refusal: ProtocolReply } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { refusal: failure('PARAM_ERROR', 'request body is not JSON') };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { refusal: failure('PARAM_ERROR', 'request body is not a JSON object') };
  }
  return { fields: parsed as Record<string, unknown> };
}

export function replyCode(reply: ProtocolReply | InAppReply): string {
  return 'rsp_code' in reply ? reply.rsp_code : 'SUCCESS';
}

type NewPaymentFields = Pick<NewPayment, 'orderId' | 'amount' | 'tip' | 'callbackUrl'>;

function onlyStrings(data: Readonly<Record<string, unknown>>): Fields {
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') throw new FieldError(`${key} must be a string`);
  }
  return data as Fields;
}

export class ProtocolHandler {
  constructor(
    private readonly config: ProtocolConfig,
    private readonly ledger: Ledger,
    private readonly faults: FaultSwitchboard,
    private readonly readings: ReadingBoard,
  ) {}

  /** `POST /processV2`. */
  async handle(body: string): Promise<ProtocolOutcome<ProtocolReply>> {
    const parsed = jsonObject(body);
    if ('refusal' in parsed) return { reply: parsed.refusal };
    const { fields } = parsed;
    const action = typeof fields.action === 'string' ? fields.action : '';
    const outcome = await this.withResponseFault(action, () => this.process(fields, action));
    if (outcome.fault !== undefined || outcome.reply.rsp_code !== 'SUCCESS') return outcome;
    const late = this.faults.takeResponseFault(action, ['CORRUPT_DATA', 'WRONG_MD5']);
    if (!late) return outcome;
    const reply = { ...outcome.reply };
    if (late.mode === 'CORRUPT_DATA') reply.data = corruptData(reply.data!);
    else reply.md5 = corruptMd5(reply.md5!);
    return { ...outcome, reply, fault: late.mode };
  }

  /** `POST /inAppPay`: OTT's in-app payment request, plain JSON both ways. */
  async handleInApp(body: string): Promise<ProtocolOutcome> {
    const parsed = jsonObject(body);
    if ('refusal' in parsed) return { action: IN_APP_ACTION, reply: parsed.refusal };
    return this.withResponseFault(IN_APP_ACTION, () => this.inAppPay(parsed.fields));
  }

  /** Runs `process` unless a SYSTEM_ERROR, PROCESSING or TIMEOUT fault for `action` stands in for it or for its answer. */
  private async withResponseFault<R extends ProtocolReply | InAppReply>(
    action: string,
    process: () => Promise<ProtocolOutcome<R>>,
  ): Promise<ProtocolOutcome<R | ProtocolReply>> {
    const early = this.faults.takeResponseFault(action, ['SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT']);
    if (early && !early.afterProcessing) return this.faulted<R>(early, { action }, null);
    const outcome = await process();
    return early ? this.faulted(early, outcome, outcome.reply) : outcome;
  }

  /** The answer a response fault gives instead of `processed` (null: the request was not processed). */
  private faulted<R extends ProtocolReply | InAppReply>(
    fault: NormalizedResponseFault,
    context: Pick<ProtocolOutcome, 'action' | 'orderId'>,
    processed: R | null,
  ): ProtocolOutcome<R | ProtocolReply> {
    const label = `${fault.mode}${fault.afterProcessing ? ' after processing' : ''}`;
    if (fault.mode === 'TIMEOUT') {
      return { ...context, reply: processed ?? failure('TIMEOUT'), hold: { replyAfterMs: fault.replyAfterMs }, fault: label };
    }
    return { ...context, reply: failure(fault.mode), fault: label };
  }

  private async process(envelope: Record<string, unknown>, action: string): Promise<ProtocolOutcome<ProtocolReply>> {
    for (const key of ['action', 'version', 'merchant_id', 'data', 'md5']) {
      if (typeof envelope[key] !== 'string' || envelope[key] === '') {
        return { action, reply: failure('PARAM_INVALID', `${key} is missing`) };
      }
    }
    if (envelope.merchant_id !== this.config.merchantId) {
      return { action, reply: failure('PARAM_INVALID', 'merchant_id is not a merchant of this acquirer') };
    }
    if (!PROTOCOL_ACTIONS.includes(action as ProtocolAction)) {
      return { action, reply: failure('PARAM_INVALID', `unknown action ${action}`) };
    }
    if (!SUPPORTED_VERSIONS.includes(envelope.version as string)) {
      return { action, reply: failure('PARAM_INVALID', `version ${String(envelope.version)} is not supported`) };
    }
    let verified: VerifiedData;
    try {
      verified = unseal({ md5: envelope.md5 as string, data: envelope.data as string }, this.config.signKey);
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      return { action, reply: failure('PARAM_ERROR', `md5 check failed: ${error.message}`) };
    }
    const context: { action: string; orderId?: string } = { action };
    try {
      const data = onlyStrings(verified);
      context.orderId = optional(data, action === 'REFUND' ? 'ori_order_id' : 'order_id');
      checkCurrency(data);
      switch (action as ProtocolAction) {
        case 'MAPPPAY':
        case 'ACTIVEPAY':
          return { ...context, reply: await this.pay(action as Exclude<PaymentAction, 'INAPP'>, data) };
        case 'STATUS_QUERY':
          return { ...context, reply: await this.statusQuery(data) };
        case 'REFUND':
          return { ...context, reply: await this.refund(data) };
        case 'EX_RATE_QUERY':
          return { ...context, reply: this.exchangeRate(data) };
      }
    } catch (error) {
      if (error instanceof FieldError) return { ...context, reply: failure('PARAM_INVALID', error.message) };
      throw error;
    }
  }

  private success(values: ReplyData): ProtocolReply {
    return { rsp_code: 'SUCCESS', rsp_msg: 'success', ...sealReply(values, this.config.signKey, this.faults.get().numberDigest) };
  }

  /** What every payment request carries, checked; the order id generated when the request has none. */
  private paymentFields(data: Fields, bizTypeKey: string): NewPaymentFields {
    const id = orderId(data, 'order_id') ?? generatedOrderId(new Date());
    if (required(data, 'operator_id') !== this.config.operatorId) {
      throw new FieldError('operator_id is not an operator of this merchant');
    }
    const amount = minorUnits('amount', required(data, 'amount'), 1);
    if (data.tip !== undefined && data.Tip !== undefined) throw new FieldError('tip is given twice (tip and Tip)');
    const tipText = optional(data, 'tip') ?? optional(data, 'Tip');
    const tip = tipText === undefined ? 0 : minorUnits('tip', tipText, 0);
    if (required(data, bizTypeKey) !== 'WECHATPAY') throw new FieldError(`${bizTypeKey} must be WECHATPAY`);
    return { orderId: id, amount, tip, callbackUrl: callbackUrl(data) };
  }

  private async pay(action: Exclude<PaymentAction, 'INAPP'>, data: Fields): Promise<ProtocolReply> {
    const payment = this.paymentFields(data, 'biz_type');
    let appId: string | undefined;
    let openId: string | undefined;
    if (action === 'MAPPPAY') {
      appId = required(data, 'app_id');
      if (appId !== this.config.appId) throw new FieldError(`app_id ${appId} is not bound to this merchant`);
      openId = required(data, 'open_id');
      if (openId.length > 128) throw new FieldError('open_id is longer than 128 characters');
    }
    const created = await this.ledger.create({ action, operatorId: this.config.operatorId, ...payment, appId, openId });
    if (!created.ok) return failure(created.code);
    const tx = created.transaction;
    if (action === 'ACTIVEPAY') {
      return this.success({ bizpay_order_id: tx.bizpayOrderId!, code_url: tx.codeUrl!, order_id: tx.orderId });
    }
    return this.success({
      payInfo: gsonJson(tx.payInfo),
      merchant_id: this.config.merchantId,
      order_id: tx.orderId,
      amount: replyNumber(tx.amount, this.readings.get()),
      sale_num: tx.saleNum,
    });
  }

  private async inAppPay(fields: Record<string, unknown>): Promise<ProtocolOutcome> {
    const context: { action: string; orderId?: string } = { action: IN_APP_ACTION };
    try {
      const data = onlyStrings(fields);
      context.orderId = optional(data, 'order_id');
      if (required(data, 'merchant_id') !== this.config.merchantId) {
        throw new FieldError('merchant_id is not a merchant of this acquirer');
      }
      checkCurrency(data);
      const userId = required(data, 'userId');
      if (userId !== this.config.nativeAppId) throw new FieldError(`userId ${userId} is not an app bound to this merchant`);
      const payment = this.paymentFields(data, 'bizType');
      const created = await this.ledger.create({ action: 'INAPP', operatorId: this.config.operatorId, ...payment, appId: userId });
      if (!created.ok) return { ...context, reply: failure(created.code) };
      const tx = created.transaction;
      const app = tx.appPayInfo!;
      const reply: InAppReply = {
        appId: app.appId,
        bizType: 'WECHATPAY',
        nonceStr: app.nonceStr,
        package_: app.packageValue,
        partnerId: app.partnerId,
        paySign: app.sign,
        prepay_id: app.prepayId,
        reAmount: String(paidTotal(tx)),
        timeStamp: app.timeStamp,
        tradeNo: tx.saleNum,
        wxapikey: this.config.wechatApiKey,
      };
      return { action: IN_APP_ACTION, orderId: tx.orderId, reply };
    } catch (error) {
      if (error instanceof FieldError) return { ...context, reply: failure('PARAM_INVALID', error.message) };
      throw error;
    }
  }

  private async statusQuery(data: Fields): Promise<ProtocolReply> {
    const id = orderId(data, 'order_id');
    if (id === undefined) throw new FieldError('order_id is missing');
    const tx = await this.ledger.find(id);
    if (!tx) return failure('FAIL', `order not found: ${id}`);
    const values: Record<string, string | number> = {};
    if (tx.bizpayOrderId !== undefined) values.bizpay_order_id = tx.bizpayOrderId;
    const figures = statusFigures(tx, this.readings.get(), new Date());
    Object.assign(values, {
      order_id: tx.orderId,
      total_amount: figures.total_amount,
      refund_fee: figures.refund_fee,
      order_status: figures.order_status,
      trade_time: tx.tradeTime,
      tip: figures.tip,
      exchange_rate: rateText(tx.exchangeRateE8, 8),
    });
    return this.success(values);
  }

  private async refund(data: Fields): Promise<ProtocolReply> {
    const refundId = orderId(data, 'order_id') ?? generatedOrderId(new Date());
    const original = orderId(data, 'ori_order_id');
    if (original === undefined) throw new FieldError('ori_order_id is missing');
    const amount = minorUnits('refund_amt', required(data, 'refund_amt'), 1);
    const result = await this.ledger.refund(refundId, original, amount);
    if (!result.ok) return failure(result.code, result.code === 'ORDER_USED' ? MESSAGES.ORDER_USED : result.message);
    return this.success({
      order_id: refundId,
      ori_order_id: original,
      refund_amt: String(amount),
      refund_status: 'success',
    });
  }

  private exchangeRate(data: Fields): ProtocolReply {
    const currency = required(data, 'fee_type');
    if (currency !== MERCHANT_CURRENCY) throw new FieldError(`fee_type ${currency} is not supported`);
    return this.success({ feeType: currency, rate: String(this.config.exchangeRateE8) });
  }
}
