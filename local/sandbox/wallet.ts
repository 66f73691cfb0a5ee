/**
 * The simulated WeChat wallet. `pay` takes exactly what a page hands to wx.requestPayment plus the
 * payer's choice, checks paySign as WeChat does and answers as wx.requestPayment would (or, given
 * an order id instead, pays that order's newest payable mini-program transaction); `appPay` takes
 * the PayReq a native app hands to WeChat's OpenSDK and checks its sign; `scan` is a customer
 * scanning an ACTIVEPAY QR code with another phone.
 */
import { randomAlnum } from './formats';
import { isPayable, type Ledger, type PayerOutcome, type SettleResult } from './ledger';
import type { SandboxStore, TransactionRecord, TransactionState } from './store';
import { APP_PACKAGE_VALUE, appSignMatches, paySignMatches, prepayIdOf, type SignedAppParams } from './wechat-pay';

export interface WalletReply {
  status: number;
  /** errCode: what the OpenSDK's PayResp carries (0 paid, -1 error, -2 cancelled by the payer); app payments only. */
  body: { errMsg: string; errCode?: number; orderId?: string };
}

const REQUEST_PAYMENT_FIELDS = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const;
const PAY_REQ_FIELDS = ['appId', 'partnerId', 'prepayId', 'packageValue', 'nonceStr', 'timeStamp', 'sign'] as const;
const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;

const APP_ERR_CODES: Record<Exclude<PayerOutcome, 'close'>, number> = { success: 0, fail: -1, cancel: -2 };
const APP_ERR_COMM = APP_ERR_CODES.fail;

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
    const outcome = outcomeOf(fields.outcome);
    if ('orderId' in fields) {
      if (REQUEST_PAYMENT_FIELDS.some((key) => key in fields)) {
        return fail(400, 'parameter error: give either orderId or the arguments of wx.requestPayment, not both');
      }
      if (typeof fields.orderId !== 'string' || !ORDER_ID.test(fields.orderId)) {
        return fail(400, 'parameter error: orderId must be 1-32 letters or digits');
      }
      if (!outcome) return fail(400, `parameter error: outcome must be one of ${OUTCOMES.join(', ')}`);
      return this.payOrder(fields.orderId, outcome, fail);
    }
    const missing = missingString(fields, REQUEST_PAYMENT_FIELDS);
    if (missing) return fail(400, `parameter error: ${missing} is missing`);
    if (!outcome) return fail(400, `parameter error: outcome must be one of ${OUTCOMES.join(', ')}`);
    const prepayId = prepayIdOf(fields.package as string);
    if (!prepayId) return fail(400, 'parameter error: package must be prepay_id=...');
    const transaction = await this.store.findTransaction({ prepayId });
    if (!transaction) return fail(404, `prepay_id ${prepayId} not found`);
    if (transaction.action !== 'MAPPPAY') return fail(400, `prepay_id ${prepayId} is not a mini-program payment`);
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
    const result = await this.ledger.settle(transaction.orderId, outcome, `wallet: ${outcome}`);
    const refused = this.refusal(result);
    if (refused) return fail(refused.status, refused.reason);
    return { status: 200, body: { errMsg: outcomeMessage('requestPayment', outcome) } };
  }

  /**
   * The order a function returned: OTT's order_id of its first attempt, whose later attempts are
   * that id + "P" + n. Pays the newest of them still payable.
   */
  private async payOrder(orderId: string, outcome: WalletOutcome, fail: (status: number, reason: string) => WalletReply): Promise<WalletReply> {
    const attempts = (await this.store.listAttempts(orderId)).filter((tx) => tx.action === 'MAPPPAY');
    if (attempts.length === 0) return fail(404, `no mini-program payment for order ${orderId}`);
    const payable = attempts.find((tx) => isPayable(tx.state));
    if (!payable) return fail(409, `the order is ${stateWord(attempts[0])}`);
    const result = await this.ledger.settle(payable.orderId, outcome, `wallet: ${outcome}`);
    const refused = this.refusal(result);
    if (refused) return fail(refused.status, refused.reason);
    return { status: 200, body: { errMsg: outcomeMessage('requestPayment', outcome), orderId: payable.orderId } };
  }

  /** The PayReq of WeChat's OpenSDK (`api.sendReq(req)` in the merchant's app) plus the payer's choice. */
  async appPay(body: unknown): Promise<WalletReply> {
    const fail = (status: number, reason: string): WalletReply => ({ status, body: { errCode: APP_ERR_COMM, errMsg: `PayReq:fail ${reason}` } });
    const fields = asObject(body);
    if (!fields) return fail(400, 'parameter error: the body must be a JSON object');
    const missing = missingString(fields, PAY_REQ_FIELDS);
    if (missing) return fail(400, `parameter error: ${missing} is missing`);
    const outcome = outcomeOf(fields.outcome);
    if (!outcome) return fail(400, `parameter error: outcome must be one of ${OUTCOMES.join(', ')}`);
    const req = fields as Record<(typeof PAY_REQ_FIELDS)[number], string>;
    if (req.packageValue !== APP_PACKAGE_VALUE) return fail(400, `packageValue must be ${APP_PACKAGE_VALUE}`);
    const transaction = await this.store.findTransaction({ prepayId: req.prepayId });
    if (!transaction) return fail(404, `prepayId ${req.prepayId} not found`);
    const issued = transaction.appPayInfo;
    if (transaction.action !== 'INAPP' || !issued) return fail(400, `prepayId ${req.prepayId} is not an app payment`);
    if (req.appId !== issued.appId) return fail(400, `appId ${req.appId} does not match the payment's app`);
    if (req.partnerId !== issued.partnerId) return fail(400, `partnerId ${req.partnerId} does not match the payment's merchant`);
    const signed: SignedAppParams = { ...req, packageValue: APP_PACKAGE_VALUE };
    if (!appSignMatches(signed, req.sign, this.wechatApiKey)) return fail(400, '支付验证签名失败 (sign does not match)');
    const result = await this.ledger.settle(transaction.orderId, outcome, `app wallet: ${outcome}`);
    const refused = this.refusal(result);
    if (refused) return fail(refused.status, refused.reason);
    return { status: 200, body: { errCode: APP_ERR_CODES[outcome], errMsg: outcomeMessage('PayReq', outcome) } };
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
    const result = await this.ledger.settle(transaction.orderId, outcome, `QR scan: ${outcome}`, payer);
    const refused = this.refusal(result);
    if (refused) return fail(refused.status, refused.reason, transaction.orderId);
    return { status: 200, body: { errMsg: outcomeMessage('scanPay', outcome), orderId: transaction.orderId } };
  }

  private refusal(result: SettleResult): { status: number; reason: string } | null {
    if (result.ok) return null;
    if (result.reason === 'NOT_FOUND') return { status: 404, reason: 'order not found' };
    return { status: 409, reason: `the order is ${stateWord(result.transaction)}` };
  }
}

function stateWord(transaction: TransactionRecord): string {
  return STATE_WORDS[transaction.state] ?? transaction.state;
}

function outcomeMessage(api: string, outcome: Exclude<PayerOutcome, 'close'>): string {
  if (outcome === 'success') return `${api}:ok`;
  if (outcome === 'cancel') return `${api}:fail cancel`;
  return `${api}:fail the wallet declined the payment`;
}
