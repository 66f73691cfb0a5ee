/**
 * Typed OTT Pay actions over the legacy encrypted API (D1).
 *
 * Every action returns an OttOutcome and never throws for trouble on OTT Pay's side or on the
 * network; it throws a TypeError only when the caller passes arguments that cannot be sent.
 * Nothing is retried here: MAPPPAY, ACTIVEPAY and REFUND are not idempotent, and a repeated
 * request after an unknown outcome could charge or refund twice. Callers settle an 'unknown'
 * outcome by STATUS_QUERY later.
 */
import type { WxPaymentParams } from '../../typings/payments';
import { seal, type VerifiedData } from './codec';
import type { OttConfig } from './config';
import {
  DataFieldError,
  optionalMinorUnits,
  optionalText,
  requiredMinorUnits,
  requiredText,
  withoutUndefined,
} from './data-fields';
import { unknownOutcome, type OttOutcome } from './outcome';
import { parsePayInfo, PayInfoError } from './pay-info';
import { readReply } from './reply';
import { mapOrderStatus, type PaymentStatus } from './status';
import { postJson, TransportError, type Transport } from './transport';

export interface MappPayRequest {
  orderId: string;
  amountCents: number;
  tipCents?: number;
  /** The mini-program's AppID. */
  appId: string;
  /** The payer's openid for that mini-program. */
  openId: string;
}

export interface MappPayResult {
  orderId: string;
  amountCents?: number;
  saleNum?: string;
  /** The AppID inside payInfo, as OTT Pay signed it. */
  appId?: string;
  payment: WxPaymentParams;
}

export interface ActivePayRequest {
  orderId: string;
  amountCents: number;
  tipCents?: number;
}

export interface ActivePayResult {
  orderId: string;
  /** The weixin:// URL a QR code should encode. */
  codeUrl: string;
  bizpayOrderId?: string;
}

export interface StatusQueryResult {
  orderId: string;
  status: PaymentStatus;
  /** order_status exactly as OTT Pay sent it. */
  rawStatus: string;
  totalAmountCents?: number;
  refundedCents: number;
  tipCents?: number;
  /** trade_time verbatim (D12). */
  tradeTime?: string;
  bizpayOrderId?: string;
  /** exchange_rate verbatim, e.g. "5.24740000". */
  exchangeRate?: string;
}

export interface RefundRequest {
  /** A new order id for the refund itself. */
  refundId: string;
  originalOrderId: string;
  amountCents: number;
}

export interface RefundResponse {
  refundId: string;
  originalOrderId: string;
  amountCents?: number;
  /** A status OTT Pay may return (order_status or refund_status), verbatim; confirm by STATUS_QUERY (D14). */
  rawStatus?: string;
  tradeTime?: string;
}

export interface ExchangeRateResult {
  feeType: string;
  /** CNY per unit of feeType, scaled by 10^8 (D13). */
  rateE8: number;
}

const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;
const CURRENCY = /^[A-Z]{3}$/;

function checkOrderId(value: unknown, name: string): string {
  if (typeof value !== 'string' || !ORDER_ID.test(value)) {
    throw new TypeError(`${name} must be 1 to 32 ASCII letters or digits`);
  }
  return value;
}

function checkCents(value: unknown, name: string, minimum: 0 | 1): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new TypeError(`${name} must be an integer number of cents, at least ${minimum}`);
  }
  return String(value);
}

function checkText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim()) {
    throw new TypeError(`${name} must be a non-empty string without surrounding spaces`);
  }
  return value;
}

class MismatchError extends Error {}

/** The verified data must not name another order than ours. */
function sameOrder(data: VerifiedData, field: string, expected: string): string {
  const named = optionalText(data, field);
  if (named !== undefined && named !== expected) {
    throw new MismatchError(`OTT Pay reply names another ${field}`);
  }
  return expected;
}

/** The actions the payment functions use: OttClient, or a stand-in in tests. */
export type OttApi = Pick<OttClient, 'mappPay' | 'activePay' | 'statusQuery' | 'refund' | 'exchangeRate'>;

export class OttClient {
  private readonly transport: Transport;

  constructor(
    private readonly config: OttConfig,
    transport: Transport = postJson,
  ) {
    this.transport = transport;
  }

  /** MAPPPAY: a WeChat Pay order for the mini-program; returns the wx.requestPayment arguments. */
  mappPay(request: MappPayRequest): Promise<OttOutcome<MappPayResult>> {
    const orderId = checkOrderId(request.orderId, 'orderId');
    const data = this.paymentData(orderId, request.amountCents, request.tipCents, {
      app_id: checkText(request.appId, 'appId'),
      open_id: checkText(request.openId, 'openId'),
    });
    return this.call('MAPPPAY', this.config.versions.mappPay, data, undefined, (verified) => {
      const { appId, payment } = parsePayInfo(verified.payInfo);
      const result: MappPayResult = { orderId: sameOrder(verified, 'order_id', orderId), payment };
      const optional = {
        amountCents: optionalMinorUnits(verified, 'amount'),
        saleNum: optionalText(verified, 'sale_num'),
        appId,
      };
      return Object.assign(result, withoutUndefined(optional));
    });
  }

  /** ACTIVEPAY: a WeChat Pay order paid by scanning a QR code (PC browser flow). */
  activePay(request: ActivePayRequest): Promise<OttOutcome<ActivePayResult>> {
    const orderId = checkOrderId(request.orderId, 'orderId');
    const data = this.paymentData(orderId, request.amountCents, request.tipCents, {});
    return this.call('ACTIVEPAY', this.config.versions.activePay, data, undefined, (verified) => {
      const result: ActivePayResult = {
        orderId: sameOrder(verified, 'order_id', orderId),
        codeUrl: requiredText(verified, 'code_url'),
      };
      return Object.assign(result, withoutUndefined({ bizpayOrderId: optionalText(verified, 'bizpay_order_id') }));
    });
  }

  /** STATUS_QUERY: where an order stands (D10); `timeoutMs` shortens the configured timeout for this call. */
  statusQuery(orderId: string, options: { timeoutMs?: number } = {}): Promise<OttOutcome<StatusQueryResult>> {
    const checked = checkOrderId(orderId, 'orderId');
    return this.call('STATUS_QUERY', this.config.versions.statusQuery, { order_id: checked }, options.timeoutMs, (verified) => {
      const rawStatus = requiredText(verified, 'order_status');
      const result: StatusQueryResult = {
        orderId: sameOrder(verified, 'order_id', checked),
        status: mapOrderStatus(rawStatus),
        rawStatus,
        refundedCents: optionalMinorUnits(verified, 'refund_fee') ?? 0,
      };
      const optional = {
        totalAmountCents: optionalMinorUnits(verified, 'total_amount'),
        tipCents: optionalMinorUnits(verified, 'tip'),
        tradeTime: optionalText(verified, 'trade_time'),
        bizpayOrderId: optionalText(verified, 'bizpay_order_id') ?? optionalText(verified, 'biz_order_id'),
        exchangeRate: optionalText(verified, 'exchange_rate'),
      };
      return Object.assign(result, withoutUndefined(optional));
    });
  }

  /** REFUND (D14): the outcome is confirmed by STATUS_QUERY of the original order. */
  refund(request: RefundRequest): Promise<OttOutcome<RefundResponse>> {
    const refundId = checkOrderId(request.refundId, 'refundId');
    const originalOrderId = checkOrderId(request.originalOrderId, 'originalOrderId');
    const data = {
      order_id: refundId,
      ori_order_id: originalOrderId,
      refund_amt: checkCents(request.amountCents, 'amountCents', 1),
    };
    return this.call('REFUND', this.config.versions.refund, data, undefined, (verified) => {
      const result: RefundResponse = {
        refundId: sameOrder(verified, 'order_id', refundId),
        originalOrderId: sameOrder(verified, 'ori_order_id', originalOrderId),
      };
      const optional = {
        amountCents: optionalMinorUnits(verified, 'refund_amt') ?? optionalMinorUnits(verified, 'refund_fee'),
        rawStatus: optionalText(verified, 'order_status') ?? optionalText(verified, 'refund_status'),
        tradeTime: optionalText(verified, 'trade_time'),
      };
      return Object.assign(result, withoutUndefined(optional));
    });
  }

  /** EX_RATE_QUERY (D13): CNY per unit of the currency, scaled by 10^8. */
  exchangeRate(feeType: string = this.config.currency): Promise<OttOutcome<ExchangeRateResult>> {
    if (typeof feeType !== 'string' || !CURRENCY.test(feeType)) {
      throw new TypeError('feeType must be three uppercase letters (ISO 4217)');
    }
    return this.call('EX_RATE_QUERY', this.config.versions.exRate, { fee_type: feeType }, undefined, (verified) => {
      const named = optionalText(verified, 'feeType') ?? optionalText(verified, 'fee_type');
      if (named !== undefined && named !== feeType) throw new MismatchError('OTT Pay reply names another currency');
      const rateE8 = requiredMinorUnits(verified, 'rate');
      if (rateE8 === 0) throw new DataFieldError('rate', 'rate is zero');
      return { feeType, rateE8 };
    });
  }

  private paymentData(
    orderId: string,
    amountCents: number,
    tipCents: number | undefined,
    extra: Record<string, string>,
  ): Record<string, string> {
    const tip = checkCents(tipCents ?? 0, 'tipCents', 0);
    return {
      order_id: orderId,
      operator_id: this.config.operatorId,
      amount: checkCents(amountCents, 'amountCents', 1),
      ...(tip === '0' ? {} : { tip }),
      biz_type: 'WECHATPAY',
      ...extra,
      call_back_url: this.config.callbackUrl,
    };
  }

  private async call<T>(
    action: string,
    version: string,
    data: Record<string, string>,
    timeoutMs: number | undefined,
    read: (verified: VerifiedData) => T,
  ): Promise<OttOutcome<T>> {
    const sealed = seal(data, this.config.signKey);
    const envelope = { action, version, merchant_id: this.config.merchantId, data: sealed.data, md5: sealed.md5 };
    let reply;
    try {
      reply = await this.transport(this.config.apiUrl, envelope, Math.min(timeoutMs ?? this.config.timeoutMs, this.config.timeoutMs));
    } catch (error) {
      if (error instanceof TransportError && error.kind === 'timeout') return unknownOutcome('TRANSPORT_TIMEOUT', error.message);
      return unknownOutcome('NETWORK_ERROR', error instanceof Error ? error.message : 'network error');
    }
    const outcome = readReply(reply, this.config.signKey, this.config.merchantId);
    if (outcome.kind !== 'ok') return outcome;
    try {
      return { kind: 'ok', value: read(outcome.data), data: outcome.data };
    } catch (error) {
      if (error instanceof MismatchError) return unknownOutcome('ORDER_MISMATCH', error.message);
      if (error instanceof DataFieldError) return unknownOutcome('BAD_FIELD', `OTT Pay reply: ${error.message}`);
      if (error instanceof PayInfoError) return unknownOutcome('BAD_PAY_INFO', `OTT Pay reply: ${error.message}`);
      throw error;
    }
  }
}
