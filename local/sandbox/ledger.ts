/**
 * The acquirer's book of transactions: creating payments, the payer's outcome, closing and
 * refunds. Every change runs one at a time, so each check and the write it guards are atomic.
 */
import { beijingCompact, bizpayOrderId, javaDateText, qrCodeUrl, saleNumber } from './formats';
import { MERCHANT_CURRENCY, type PaymentAction, type RefundRecord, type SandboxStore, type TransactionRecord, type TransactionState } from './store';
import { issueAppPayInfo, issuePayInfo } from './wechat-pay';

/**
 * What the payer is charged: `amount` plus `tip` (OTT's requests carry them separately). Decided
 * here only: the refundable balance, STATUS_QUERY `total_amount` and the console all use it.
 */
export function paidTotal(transaction: Pick<TransactionRecord, 'amount' | 'tip'>): number {
  return transaction.amount + transaction.tip;
}

const PAYABLE: TransactionState[] = ['init', 'notpay'];
const PAID: TransactionState[] = ['success', 'partial_refunded', 'fully_refunded'];
const REFUNDABLE: TransactionState[] = ['success', 'partial_refunded'];

export function isPaid(state: TransactionState): boolean {
  return PAID.includes(state);
}

export function isPayable(state: TransactionState): boolean {
  return PAYABLE.includes(state);
}

export interface NewPayment {
  action: PaymentAction;
  orderId: string;
  operatorId: string;
  amount: number;
  tip: number;
  callbackUrl: string;
  appId?: string;
  openId?: string;
}

export type CreateResult = { ok: true; transaction: TransactionRecord } | { ok: false; code: 'ORDER_USED' | 'ORDER_PAID' };

/** success: paid; cancel: the payer backed out (still payable); fail: the wallet refused; close: the order was closed. */
export type PayerOutcome = 'success' | 'cancel' | 'fail' | 'close';

export type SettleResult =
  | { ok: true; transaction: TransactionRecord }
  | { ok: false; reason: 'NOT_FOUND' }
  | { ok: false; reason: 'NOT_PAYABLE'; transaction: TransactionRecord };

export type RefundResult =
  | { ok: true; refund: RefundRecord; transaction: TransactionRecord }
  | { ok: false; code: 'ORDER_USED' | 'FAIL'; message: string };

export interface LedgerOptions {
  wechatApiKey: string;
  exchangeRateE8: number;
  /**
   * Called once a payment is recorded as paid (with `callbackDue` set), before the payer's request
   * is answered.
   */
  onPaid: (transaction: TransactionRecord) => Promise<void>;
}

export class Ledger {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: SandboxStore,
    private readonly options: LedgerOptions,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  find(orderId: string): Promise<TransactionRecord | null> {
    return this.store.findTransaction({ orderId });
  }

  create(payment: NewPayment): Promise<CreateResult> {
    return this.serial(async () => {
      const existing = await this.store.findTransaction({ orderId: payment.orderId });
      if (existing) return { ok: false, code: isPaid(existing.state) ? 'ORDER_PAID' : 'ORDER_USED' };
      if (await this.store.findRefund(payment.orderId)) return { ok: false, code: 'ORDER_USED' };
      const now = new Date();
      const record: TransactionRecord = {
        orderId: payment.orderId,
        seq: this.store.nextSeq(),
        action: payment.action,
        state: payment.action === 'ACTIVEPAY' ? 'init' : 'notpay',
        amount: payment.amount,
        tip: payment.tip,
        refunded: 0,
        currency: MERCHANT_CURRENCY,
        operatorId: payment.operatorId,
        callbackUrl: payment.callbackUrl,
        saleNum: saleNumber(now),
        exchangeRateE8: this.options.exchangeRateE8,
        tradeTime: javaDateText(now),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        history: [{ at: now.toISOString(), event: `${payment.action} created` }],
      };
      if (payment.appId !== undefined) record.appId = payment.appId;
      if (payment.openId !== undefined) record.openId = payment.openId;
      if (payment.action === 'MAPPPAY') {
        const issued = issuePayInfo(payment.appId ?? '', this.options.wechatApiKey, now);
        record.prepayId = issued.prepayId;
        record.payInfo = issued.payInfo;
      } else if (payment.action === 'INAPP') {
        record.appPayInfo = issueAppPayInfo(payment.appId ?? '', this.options.wechatApiKey, now);
        record.prepayId = record.appPayInfo.prepayId;
      } else {
        record.codeUrl = qrCodeUrl();
        record.bizpayOrderId = bizpayOrderId();
      }
      if (!(await this.store.insertTransaction(record))) return { ok: false, code: 'ORDER_USED' };
      return { ok: true, transaction: record };
    });
  }

  /** Applies what happened at the payer's end (or the console's close) to a payable order; `event` is the line its history gets. */
  async settle(orderId: string, outcome: PayerOutcome, event: string, payerOpenId?: string): Promise<SettleResult> {
    const result = await this.serial(async (): Promise<SettleResult> => {
      const current = await this.store.findTransaction({ orderId });
      if (!current) return { ok: false, reason: 'NOT_FOUND' };
      if (!isPayable(current.state)) return { ok: false, reason: 'NOT_PAYABLE', transaction: current };
      const now = new Date();
      const set: Partial<TransactionRecord> = {};
      if (payerOpenId !== undefined) set.payerOpenId = payerOpenId;
      switch (outcome) {
        case 'success':
          Object.assign(set, {
            state: 'success',
            paidAt: now.toISOString(),
            finishTime: beijingCompact(now),
            bizpayOrderId: current.bizpayOrderId ?? bizpayOrderId(),
            callbackDue: true,
          });
          break;
        case 'cancel':
          set.state = 'notpay';
          break;
        case 'fail':
          set.state = 'failure';
          break;
        case 'close':
          set.state = 'orderclosed';
          break;
      }
      const updated = await this.store.updateTransaction(orderId, { state: current.state }, set, event);
      return updated ? { ok: true, transaction: updated } : { ok: false, reason: 'NOT_PAYABLE', transaction: current };
    });
    if (result.ok && outcome === 'success') await this.options.onPaid(result.transaction);
    return result;
  }

  refund(refundOrderId: string, oriOrderId: string, amount: number): Promise<RefundResult> {
    return this.serial(async (): Promise<RefundResult> => {
      if ((await this.store.findRefund(refundOrderId)) || (await this.store.findTransaction({ orderId: refundOrderId }))) {
        return { ok: false, code: 'ORDER_USED', message: `order_id ${refundOrderId} is already used` };
      }
      const original = await this.store.findTransaction({ orderId: oriOrderId });
      if (!original) return { ok: false, code: 'FAIL', message: `original order ${oriOrderId} not found` };
      if (!REFUNDABLE.includes(original.state)) {
        const why = original.state === 'fully_refunded' ? 'is already fully refunded' : `is not paid (${original.state})`;
        return { ok: false, code: 'FAIL', message: `original order ${oriOrderId} ${why}` };
      }
      const refundable = paidTotal(original) - original.refunded;
      if (amount < 1 || amount > refundable) {
        return { ok: false, code: 'FAIL', message: `refund_amt ${amount} exceeds the refundable amount ${refundable}` };
      }
      const refunded = original.refunded + amount;
      const now = new Date();
      const refund: RefundRecord = {
        refundOrderId,
        oriOrderId,
        amount,
        seq: this.store.nextSeq(),
        createdAt: now.toISOString(),
      };
      const updated = await this.store.updateTransaction(
        oriOrderId,
        { state: original.state, refunded: original.refunded },
        { refunded, state: refunded === paidTotal(original) ? 'fully_refunded' : 'partial_refunded' },
        `REFUND ${refundOrderId}: ${amount}`,
        refund,
      );
      if (!updated) return { ok: false, code: 'FAIL', message: 'the original order changed during the refund; try again' };
      return { ok: true, refund, transaction: updated };
    });
  }
}
