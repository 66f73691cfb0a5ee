/**
 * The console's test payment: a mini-program payment created the way the mini-program's would be,
 * then paid, cancelled or declined in the simulated wallet, or left unpaid. Run with the merchant's
 * functions (`npm start`), it goes through their `createPayment`; alone, the sandbox plays the
 * merchant's server and sends the MAPPPAY itself with the merchant's credentials.
 */
import type { WxPaymentParams } from '../../typings/payments';
import { OttClient } from '../../server/ottpay/client';
import { loadOttConfig } from '../../server/ottpay/config';
import { formatCents, generatedOrderId } from './formats';
import { paidTotal } from './ledger';
import type { SandboxStore, TransactionRecord } from './store';
import type { Wallet } from './wallet';
import { prepayIdOf } from './wechat-pay';

/** The payer test payments are made as. */
export const CONSOLE_PAYER_OPENID = 'o-console-payer';
/** Where the call-backs of a test payment go when the sandbox runs alone and none is given. */
export const CALLBACK_SINK_PATH = '/sandbox/callback-sink';

export interface MerchantOrderState {
  state: string;
  reviewKind?: string;
}

/** What the console reads and does on the merchant's side when the sandbox runs beside the merchant's functions. */
export interface MerchantSide {
  /** Creates a payment as the mini-program does, as CONSOLE_PAYER_OPENID; throws with the refusal when there is one. */
  createPayment(amountCents: number, tipCents: number): Promise<{ orderId: string; payment: WxPaymentParams }>;
  /** The merchant's state of the order an OTT order id belongs to; null when the merchant has no such order. */
  orderState(ottOrderId: string): Promise<MerchantOrderState | null>;
}

export const TEST_PAYMENT_OUTCOMES = ['success', 'cancel', 'fail', 'unpaid'] as const;
export type TestPaymentOutcome = (typeof TEST_PAYMENT_OUTCOMES)[number];

export const OUTCOME_LABELS: Record<TestPaymentOutcome, string> = {
  success: 'the payer pays',
  cancel: 'the payer cancels',
  fail: 'the wallet declines',
  unpaid: 'leave unpaid',
};

export interface TestPaymentRequest {
  amountCents: number;
  tipCents: number;
  outcome: TestPaymentOutcome;
  /** Alone only: the call_back_url sent; null: the sandbox's own receiver. */
  callbackUrl: string | null;
}

export interface TestPaymentResult {
  /** OTT's order_id of the payment. */
  orderId: string;
  /** The merchant's order id, when the merchant's functions created it. */
  merchantOrderId?: string;
  /** What wx.requestPayment answered, unless the payment was left unpaid. */
  errMsg?: string;
  transaction: TransactionRecord;
  message: string;
}

export class TestPaymentError extends Error {
  constructor(
    readonly status: 400 | 502,
    message: string,
  ) {
    super(message);
  }
}

function cents(body: Record<string, unknown>, key: string, min: number): number {
  const value = body[key] ?? (min === 0 ? 0 : undefined);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TestPaymentError(400, `${key} must be a whole number of cents, at least ${min}`);
  }
  return value;
}

export function parseTestPayment(body: unknown): TestPaymentRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TestPaymentError(400, 'the body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const outcome = fields.outcome as TestPaymentOutcome;
  if (!TEST_PAYMENT_OUTCOMES.includes(outcome)) {
    throw new TestPaymentError(400, `outcome must be one of ${TEST_PAYMENT_OUTCOMES.join(', ')}`);
  }
  const callbackUrl = fields.callbackUrl ?? null;
  if (callbackUrl !== null && (typeof callbackUrl !== 'string' || !/^https?:\/\/\S+$/.test(callbackUrl))) {
    throw new TestPaymentError(400, 'callbackUrl must be an http(s) URL');
  }
  return { amountCents: cents(fields, 'amountCents', 1), tipCents: cents(fields, 'tipCents', 0), outcome, callbackUrl };
}

export interface StandaloneMerchant {
  apiUrl: string;
  merchantId: string;
  operatorId: string;
  signKey: string;
  appId: string;
  sinkUrl: string;
}

/** The merchant's server as the sandbox plays it when it runs alone: a MAPPPAY with the merchant's credentials. */
async function standalonePayment(
  merchant: StandaloneMerchant,
  request: TestPaymentRequest,
): Promise<{ orderId: string; payment: WxPaymentParams }> {
  const config = loadOttConfig({
    OTT_API_URL: merchant.apiUrl,
    OTT_MERCHANT_ID: merchant.merchantId,
    OTT_OPERATOR_ID: merchant.operatorId,
    OTT_SIGN_KEY: merchant.signKey,
    OTT_CALLBACK_URL: request.callbackUrl ?? merchant.sinkUrl,
  });
  const outcome = await new OttClient(config).mappPay({
    orderId: generatedOrderId(new Date()),
    amountCents: request.amountCents,
    tipCents: request.tipCents,
    appId: merchant.appId,
    openId: CONSOLE_PAYER_OPENID,
  });
  if (outcome.kind !== 'ok') throw new TestPaymentError(502, `MAPPPAY: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

export interface TestPaymentServices {
  store: SandboxStore;
  wallet: Wallet;
  merchant: MerchantSide | undefined;
  standalone: () => StandaloneMerchant;
}

export async function runTestPayment(services: TestPaymentServices, request: TestPaymentRequest): Promise<TestPaymentResult> {
  const { store, wallet, merchant } = services;
  let created: { orderId: string; payment: WxPaymentParams };
  try {
    created = merchant
      ? await merchant.createPayment(request.amountCents, request.tipCents)
      : await standalonePayment(services.standalone(), request);
  } catch (error) {
    if (error instanceof TestPaymentError) throw error;
    throw new TestPaymentError(502, `could not create the payment: ${(error as Error).message}`);
  }
  const prepayId = prepayIdOf(created.payment.package);
  const issued = prepayId === null ? null : await store.findTransaction({ prepayId });
  if (!issued) throw new TestPaymentError(502, `the payment details name no transaction of this sandbox (${created.payment.package})`);
  const orderId = issued.orderId;
  await store.updateTransaction(orderId, {}, {}, `console: test payment as ${CONSOLE_PAYER_OPENID}, ${OUTCOME_LABELS[request.outcome]}`);
  const errMsg = request.outcome === 'unpaid' ? undefined : (await wallet.pay({ ...created.payment, outcome: request.outcome })).body.errMsg;
  const transaction = (await store.findTransaction({ orderId }))!;
  const total = formatCents(paidTotal(transaction), transaction.currency);
  return {
    orderId,
    ...(merchant ? { merchantOrderId: created.orderId } : {}),
    ...(errMsg === undefined ? {} : { errMsg }),
    transaction,
    message: `Test payment ${orderId} of ${total}: ${OUTCOME_LABELS[request.outcome]}${errMsg === undefined ? '' : ` (${errMsg})`}; now ${transaction.state}.`,
  };
}
