import { createHash } from 'crypto';
import type { AppPayRequest, OrderState, OrderView, PaymentChannel, RefundView, WxPaymentParams } from '../../typings/payments';

/**
 * STARTED: recorded before OTT Pay is asked; we hold no payment details for it, so nobody can pay it.
 * ISSUED: OTT Pay's payment details are stored; the payer may pay it.
 * PAID: OTT Pay reported money taken on it (call-back or STATUS_QUERY).
 * NOT_PAID: OTT Pay's answers show it can no longer be paid (see `outcome`).
 */
export type AttemptState = 'STARTED' | 'ISSUED' | 'PAID' | 'NOT_PAID';

/**
 * Why an attempt is NOT_PAID: OTT closed it or reported failure, OTT refused the request, the
 * payment details expired unpaid, or OTT never issued it and never will (lost in flight).
 */
export type AttemptOutcome = 'closed' | 'failed' | 'rejected' | 'expired' | 'lost';

/** One request to OTT Pay for an order's money, under its own OTT `order_id`. */
export interface PaymentAttempt {
  /** OTT's `order_id` for this attempt: the order id for the first, then the order id + "P" + n. */
  ottOrderId: string;
  state: AttemptState;
  outcome?: AttemptOutcome;
  createdAt: string;
  updatedAt: string;
  /** What wx.requestPayment needs, as OTT Pay signed it (mini-program attempts). */
  payment?: WxPaymentParams;
  /** The weixin:// URL a QR code encodes (QR attempts). */
  codeUrl?: string;
  /** The signed PayReq for WeChat's OpenSDK (app attempts); the key it was signed with is never kept. */
  appPayment?: AppPayRequest;
  saleNum?: string;
  bizpayOrderId?: string;
  /** finish_time (call-back) or trade_time (query), verbatim (D12). */
  finishTime?: string;
  tradeTime?: string;
  /** What OTT Pay reported as taken, in cents, once PAID. */
  paidCents?: number;
  /** Whether that money matches the order in every part (amount and tip). */
  moneyAgrees?: boolean;
  /** How many STATUS_QUERY answers about it carried an order_status OTT does not document, and the last one verbatim. */
  unknownStatuses?: number;
  lastUnknownStatus?: string;
  /** When WeChat's order-shipping management accepted this payment's shipping information. */
  shippingUploadedAt?: string;
}

export type RefundState = RefundView['state'];

/** A refund of an order; it lives in the order, so its reservation and its record are one write. */
export interface RefundEntry {
  /** OTT's `order_id` of the refund. */
  refundId: string;
  requestId: string;
  amountCents: number;
  state: RefundState;
  /** openid of the staff member who asked for it. */
  requestedBy: string;
  /** The attempt whose payment is refunded: OTT's `ori_order_id`. */
  oriOrderId: string;
  createdAt: string;
  updatedAt: string;
  /** How many times REFUND was sent for it (always under the same refundId). */
  sends: number;
  lastSentAt: string;
  /**
   * OTT Pay answered a send with SUCCESS, or with ORDER_USED (it already has this refund id): OTT
   * holds the refund. It is then never sent again nor failed; STATUS_QUERY's refund_fee settles it.
   */
  acknowledged?: 'SUCCESS' | 'ORDER_USED';
  /** OTT Pay refused it with this code; it is released once a query shows it was not booked. */
  rejectedCode?: string;
  /** When OTT Pay was last asked about it (a send or a STATUS_QUERY). */
  lastCheckedAt?: string;
  failureCode?: string;
}

export type ChangeCause = 'create' | 'callback' | 'status_query' | 'refund' | 'sweep' | 'ops';

export type HistoryEvent =
  | 'created'
  | 'attempt.started'
  | 'attempt.issued'
  | 'attempt.paid'
  | 'attempt.not_paid'
  | 'attempt.unknown_status'
  | 'state'
  | 'refund.opened'
  | 'refund.sent'
  | 'refund.acknowledged'
  | 'refund.rejected'
  | 'refund.succeeded'
  | 'refund.failed'
  /** WeChat's order-shipping management accepted a payment's shipping information, or said none is needed. */
  | 'shipping.uploaded'
  /** The payment notice was claimed for sending (at most once; whether WeChat took it is in the log). */
  | 'receipt.sent'
  /** A person settled something by hand (`ops`); detail names who and why. */
  | 'resolved';

/** One change of an order, written in the same document write as the change itself. */
export interface HistoryEntry {
  at: string;
  cause: ChangeCause;
  event: HistoryEvent;
  from?: OrderState;
  to?: OrderState;
  attempt?: string;
  refundId?: string;
  detail?: Record<string, string | number | boolean | null>;
}

/**
 * Why an order is in REVIEW. `status_unknown` (OTT could not be asked past the abandon age) and
 * `unknown_status` (OTT kept answering an order_status it does not document) settle by themselves
 * once OTT gives a documented answer; the others need a person (`ops resolve`).
 */
export type ReviewKind = 'money_mismatch' | 'double_charge' | 'paid_after_end' | 'status_unknown' | 'unknown_status' | 'refund_mismatch';

/** An order as stored in the `orders` collection. Timestamps are ISO 8601 UTC (`Date#toISOString`). */
export interface Order {
  orderId: string;
  openid: string;
  appid: string;
  requestId: string;
  channel: PaymentChannel;
  state: OrderState;
  amountCents: number;
  tipCents: number;
  currency: 'CAD';
  /** Refunds OTT Pay confirmed. */
  refundedCents: number;
  /** refundedCents plus the refund waiting for OTT Pay's answer. */
  reservedRefundCents: number;
  /** Bumped by every write; writes are compare-and-sets on it. */
  version: number;
  createdAt: string;
  updatedAt: string;
  paidAt?: string;
  attempts: PaymentAttempt[];
  refunds: RefundEntry[];
  history: HistoryEntry[];
  /** When the sweep next looks at the order; null when nothing is left to find out. */
  nextCheckAt: string | null;
  /** When OTT Pay was last asked about the order (throttles STATUS_QUERY across callers). */
  queriedAt?: string;
  /** createdAt of the refund waiting for OTT Pay's answer; null when none is. */
  openRefundSince: string | null;
  reviewKind?: ReviewKind;
  reviewReason?: string;
  /** A person accepted money on this many attempts (a double charge kept): only more than that is a new review. */
  acceptedPaidAttempts?: number;
  /**
   * A mini-program payment on it awaits its shipping information at WeChat (发货信息管理): the sweep
   * uploads it from this time on, when WECHAT_SHIPPING_UPLOAD is on; null once every one is accepted.
   */
  shippingDueAt?: string | null;
  /** Uploads refused or unanswered since the last accepted one, and WeChat's last word. */
  shippingFailures?: number;
  shippingError?: string | null;
  /** The payer asked for a payment notice (a one-time subscription, on the Pay tap). */
  receiptWanted?: boolean;
  /** The notice is owed: set with the payment, cleared (null) by the one send that claims it. */
  receiptDueAt?: string | null;
  receiptSentAt?: string;
}

/** Whether a paid attempt of the order still needs its shipping information at WeChat: mini-program payments only. */
export function awaitsShipping(order: Pick<Order, 'channel'>, attempt: PaymentAttempt): boolean {
  return order.channel === 'MINIPROGRAM' && attempt.state === 'PAID' && attempt.shippingUploadedAt === undefined;
}

/** A call-back as OTT Pay delivered it, stored in `ott_callbacks` before anything acts on it. */
export interface RawCallback {
  id?: string;
  receivedAt: string;
  /** OTT's order_id named by a verified call-back. */
  orderId?: string;
  /** As received, after base64 unwrapping; of a rejected call-back only the first REJECTED_BODY_KEPT characters. */
  body: string;
  headers: Record<string, string>;
  /** 'verified', or 'rejected: <reason>'. */
  verdict?: string;
  /** Size and SHA-256 (hex) of the whole body, kept for a rejected call-back. */
  bytes?: number;
  sha256?: string;
}

/** What the payer is charged: the amount plus the tip. */
export function totalCents(order: Pick<Order, 'amountCents' | 'tipCents'>): number {
  return order.amountCents + order.tipCents;
}

/** The attempt the payer paid, if any. */
export function paidAttempt(order: Pick<Order, 'attempts'>): PaymentAttempt | undefined {
  return order.attempts.find((a) => a.state === 'PAID');
}

/** What OTT Pay reports taken on the order: the money of every paid attempt (two in a double charge). */
export function heldCents(order: Pick<Order, 'attempts'>): number {
  return order.attempts.reduce((sum, a) => sum + (a.state === 'PAID' ? (a.paidCents ?? 0) : 0), 0);
}

/** The newest attempt whose payment details we hold and that may still be paid. */
export function payableAttempt(order: Pick<Order, 'attempts'>): PaymentAttempt | undefined {
  for (let i = order.attempts.length - 1; i >= 0; i -= 1) {
    if (order.attempts[i].state === 'ISSUED') return order.attempts[i];
  }
  return undefined;
}

/** The refund waiting for OTT Pay's answer: at most one per order. */
export function openRefund(order: Pick<Order, 'refunds'>): RefundEntry | undefined {
  return order.refunds.find((r) => r.state === 'PENDING');
}

export function toOrderView(order: Order): OrderView {
  const view: OrderView = {
    orderId: order.orderId,
    state: order.state,
    channel: order.channel,
    amountCents: order.amountCents,
    tipCents: order.tipCents,
    totalCents: totalCents(order),
    refundedCents: order.refundedCents,
    currency: order.currency,
    createdAt: order.createdAt,
  };
  if (order.paidAt !== undefined) view.paidAt = order.paidAt;
  return view;
}

export function toRefundView(orderId: string, refund: RefundEntry): RefundView {
  return {
    refundId: refund.refundId,
    orderId,
    amountCents: refund.amountCents,
    state: refund.state,
    createdAt: refund.createdAt,
    ...(refund.state === 'PENDING' && refund.lastCheckedAt !== undefined ? { lastCheckedAt: refund.lastCheckedAt } : {}),
  };
}

const ID_ALPHABET_SIZE = BigInt(36);

/** `length` characters of [0-9A-Z] taken from the SHA-256 of `input`. */
function digestChars(input: string, length: number): string {
  let value = BigInt('0x' + createHash('sha256').update(input, 'utf8').digest('hex'));
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out += Number(value % ID_ALPHABET_SIZE).toString(36);
    value /= ID_ALPHABET_SIZE;
  }
  return out.toUpperCase();
}

export const ORDER_ID_LENGTH = 28;

/**
 * The order id for a payer's request: 28 characters of [0-9A-Z] derived from openid and
 * requestId, ASCII letters/digits as OTT's `order_id` requires. The same request always maps to
 * the same order, on any day, which is what makes createPayment idempotent.
 */
export function orderIdFor(openid: string, requestId: string): string {
  return digestChars(`${openid}\n${requestId}`, ORDER_ID_LENGTH);
}

/** OTT's order_id of the n-th attempt (1-based): the order id itself, then the order id + "P" + n (at most 31 characters). */
export function attemptIdFor(orderId: string, n: number): string {
  return n === 1 ? orderId : `${orderId}P${n}`;
}

/** The order an attempt's OTT order_id belongs to. */
export function orderIdOfAttempt(ottOrderId: string): string {
  return ottOrderId.slice(0, ORDER_ID_LENGTH);
}

/** The refund id (OTT's refund `order_id`) for a refund request on an order: 'R' + 24 characters of [0-9A-Z]. */
export function refundIdFor(orderId: string, requestId: string): string {
  return 'R' + digestChars(`${orderId}\n${requestId}`, 24);
}
