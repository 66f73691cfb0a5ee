/**
 * The simulated WeChat wallet. `pay` takes exactly what a page hands to wx.requestPayment plus the
 * payer's choice, checks paySign as WeChat does and answers as wx.requestPayment would; `scan` is
 * a customer scanning an ACTIVEPAY QR code with another phone.
 */
import { randomAlnum } from './formats';
import type { Ledger, PayerOutcome, SettleResult } from './ledger';
import type { SandboxStore, TransactionState } from './store';
import { paySignMatches, prepayIdOf } from './wechatPay';

export interface WalletReply {
  status: number;
  body: { errMsg: string; orderId?: string };
}

const OUTCOMES = ['success', 'cancel', 'fail'] as const;
type WalletOutcome = (typeof OUTCOMES)[number];

const STATE_WORDS: Partial<Record<TransactionState, string>> = {
  success: 'already paid',
  partial_refunded: 'already paid',
  fully_refunded: 'already paid',
  orderclosed: 'closed',
  failure: 'failed',
};

function asObject(body: unknown): Record<string, unknown> | null {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}

function missingString(fields: Record<string, unknown>, keys: readonly string[]): string | undefined {
  return keys.find((key) => typeof fields[key] !== 'string' || fields[key] === '');
}

function outcomeOf(value: unknown): WalletOutcome | null {
  return OUTCOMES.includes(value as WalletOutcome) ? (value as WalletOutcome) : null;
}

export class Wallet {
  constructor(
    private readonly store: SandboxStore,
    private readonly ledger: Ledger,
    private readonly wechatApiKey: string,
  ) {}

  async pay(body: unknown): Promise<WalletReply> {
    const fail = (status: number, reason: string): WalletReply => ({ status, body: { errMsg: `requestPayment:fail ${reason}` } });
    const fields = asObject(body);
    if (!fields) return fail(400, 'parameter error: the body must be a JSON object');
    const missing = missingString(fields, ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign']);
    if (missing) return fail(400, `parameter error: ${missing} is missing`);
    const outcome = outcomeOf(fields.outcome);
    if (!outcome) return fail(400, `parameter error: outcome must be one of ${OUTCOMES.join(', ')}`);
    const prepayId = prepayIdOf(fields.package as string);
    if (!prepayId) return fail(400, 'parameter error: package must be prepay_id=...');
    const transaction = await this.store.findTransaction({ prepayId });
    if (!transaction) return fail(404, `prepay_id ${prepayId} not found`);
    if (fields.signType !== 'MD5') return fail(400, `signType ${String(fields.signType)} does not match the order (MD5)`);
    const signed = {
      appId: transaction.appId ?? '',
      timeStamp: fields.timeStamp as string,
      nonceStr: fields.nonceStr as string,
      package: fields.package as string,
      signType: 'MD5',
    };
    if (!paySignMatches(signed, fields.paySign as string, this.wechatApiKey)) {
      return fail(400, '支付验证签名失败 (paySign does not match)');
    }
    const result = await this.ledger.settle(transaction.orderId, outcome, 'wallet');
    const refused = this.refusal(result);
    if (refused) return fail(refused.status, refused.reason);
    return { status: 200, body: { errMsg: outcomeMessage('requestPayment', outcome) } };
  }

  async scan(body: unknown): Promise<WalletReply> {
    const fail = (status: number, reason: string, orderId?: string): WalletReply => ({
      status,
      body: { errMsg: `scanPay:fail ${reason}`, ...(orderId ? { orderId } : {}) },
    });
    const fields = asObject(body);
    if (!fields) return fail(400, 'parameter error: the body must be a JSON object');
    if (missingString(fields, ['codeUrl'])) return fail(400, 'parameter error: codeUrl is missing');
    const outcome = outcomeOf(fields.outcome);
    if (!outcome) return fail(400, `parameter error: outcome must be one of ${OUTCOMES.join(', ')}`);
    if (fields.openid !== undefined && (typeof fields.openid !== 'string' || fields.openid === '')) {
      return fail(400, 'parameter error: openid must be a non-empty string');
    }
    const transaction = await this.store.findTransaction({ codeUrl: fields.codeUrl as string });
    if (!transaction) return fail(404, 'code_url not found');
    const payer = (fields.openid as string | undefined) ?? `oSANDBOX${randomAlnum(20)}`;
    const result = await this.ledger.settle(transaction.orderId, outcome, 'QR scan', payer);
    const refused = this.refusal(result);
    if (refused) return fail(refused.status, refused.reason, transaction.orderId);
    return { status: 200, body: { errMsg: outcomeMessage('scanPay', outcome), orderId: transaction.orderId } };
  }

  private refusal(result: SettleResult): { status: number; reason: string } | null {
    if (result.ok) return null;
    if (result.reason === 'NOT_FOUND') return { status: 404, reason: 'order not found' };
    return { status: 409, reason: `the order is ${STATE_WORDS[result.transaction.state] ?? result.transaction.state}` };
  }
}

function outcomeMessage(api: string, outcome: Exclude<PayerOutcome, 'close'>): string {
  if (outcome === 'success') return `${api}:ok`;
  if (outcome === 'cancel') return `${api}:fail cancel`;
  return `${api}:fail the wallet declined the payment`;
}
