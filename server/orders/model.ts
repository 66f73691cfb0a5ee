import { createHash } from 'crypto';
import type { OrderState, OrderView, PaymentChannel, RefundView, WxPaymentParams } from '../../typings/payments';

/** What OTT Pay told us about an order; values kept verbatim as OTT sent them (D12). */
export interface OttOrderInfo {
  saleNum?: string;
  bizpayOrderId?: string;
  finishTime?: string;
  tradeTime?: string;
  codeUrl?: string;
}

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
  refundedCents: number;
  /** Cents held by refunds asked of OTT Pay that have not failed (confirmed ones included). */
  reservedRefundCents: number;
  /** Bumped by every compare-and-set update. */
  version: number;
  createdAt: string;
  updatedAt: string;
  paidAt?: string;
  /** What wx.requestPayment needs, as OTT Pay signed it; kept so a retried createPayment answers the same. */
  payment?: WxPaymentParams;
  ott?: OttOrderInfo;
  reviewReason?: string;
  lastQueriedAt?: string;
}

export type RefundState = RefundView['state'];

/** A refund attempt, stored in the `refunds` collection. */
export interface RefundRecord {
  refundId: string;
  orderId: string;
  requestId: string;
  amountCents: number;
  state: RefundState;
  /** openid of the staff member who asked for it. */
  requestedBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  failureCode?: string;
}

export type AuditCause = 'create' | 'callback' | 'status_query' | 'refund' | 'sweep' | 'ops';

/** One state change of an order, stored in `order_audit`. */
export interface AuditEntry {
  id?: string;
  orderId: string;
  at: string;
  from: OrderState | null;
  to: OrderState;
  cause: AuditCause | (string & {});
  detail?: Record<string, string | number | boolean | null>;
}

/** A call-back as OTT Pay delivered it, stored in `ott_callbacks` before anything acts on it. */
export interface RawCallback {
  id?: string;
  receivedAt: string;
  /** Set only once the call-back has verified. */
  orderId?: string;
  /** Exactly as received, after base64 unwrapping. */
  body: string;
  headers: Record<string, string>;
  verdict?: string;
}

/** What the payer is charged: the amount plus the tip. */
export function totalCents(order: Pick<Order, 'amountCents' | 'tipCents'>): number {
  return order.amountCents + order.tipCents;
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

export function toRefundView(refund: RefundRecord): RefundView {
  return {
    refundId: refund.refundId,
    orderId: refund.orderId,
    amountCents: refund.amountCents,
    state: refund.state,
    createdAt: refund.createdAt,
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

/**
 * The order id for a payer's request: 28 characters of [0-9A-Z] derived from openid and
 * requestId, ASCII letters/digits as OTT's `order_id` requires. The same request always maps to
 * the same order, on any day, which is what makes createPayment idempotent.
 */
export function orderIdFor(openid: string, requestId: string): string {
  return digestChars(`${openid}\n${requestId}`, 28);
}

/** The refund id (OTT's refund `order_id`) for a refund request on an order: 'R' + 24 characters of [0-9A-Z]. */
export function refundIdFor(orderId: string, requestId: string): string {
  return 'R' + digestChars(`${orderId}\n${requestId}`, 24);
}
