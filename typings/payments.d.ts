/**
 * The contract between the mini-program pages and the cloud functions: events, results, order
 * states and error codes. Amounts are integer minor units (cents of the merchant currency, CAD).
 * Import with `import type`; nothing here exists at run time.
 */

/**
 * Order states. Transitions only move forward:
 *   CREATED → PAYING → PAID → PARTIALLY_REFUNDED → REFUNDED
 *   CREATED | PAYING → FAILED | CLOSED | REVIEW | PAID
 *   FAILED | CLOSED → REVIEW (OTT Pay reports money taken after the order was given up)
 *   PAID | PARTIALLY_REFUNDED | REFUNDED → REVIEW (money on a second attempt, or a refunded amount
 *     the ledger cannot explain)
 *   REVIEW → PAID | CLOSED (only a review for "OTT could not be asked", once OTT answers)
 * CREATED: no payment details were handed out yet. PAYING: an attempt's details were handed out
 * and the payer may pay. CLOSED only on OTT's word that the order is not paid. REVIEW means a
 * person decides (the order's reviewKind says why); it is never counted as paid.
 * The order behind a state holds its attempts at OTT Pay, its refunds and its history (server/orders/model.ts).
 */
export type OrderState =
  | 'CREATED'
  | 'PAYING'
  | 'PAID'
  | 'REVIEW'
  | 'FAILED'
  | 'CLOSED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED';

/** How the order is paid: inside the mini-program, by scanning a QR code shown by staff, or in the merchant's native app. */
export type PaymentChannel = 'MINIPROGRAM' | 'QR' | 'APP';

/** Stable error codes returned by the cloud functions as `{ ok: false, code, message }`. */
export type ErrorCode =
  /** The event is malformed (missing or mistyped field); the message names the field. */
  | 'INVALID_REQUEST'
  /** amountCents is not an integer from 1 to the configured maximum. */
  | 'INVALID_AMOUNT'
  /** tipCents is not an integer from 0 to the configured maximum. */
  | 'INVALID_TIP'
  /** The same requestId was used before with different amounts. */
  | 'REQUEST_CONFLICT'
  /** No such order for this caller (someone else's order reads the same). */
  | 'NOT_FOUND'
  /** The caller is not on the staff list (or, to change the list, not an owner). */
  | 'FORBIDDEN'
  /** The change would leave the shop without an owner: make someone else an owner first. */
  | 'LAST_OWNER'
  /** The staff list holds as many people as it may; remove someone first. */
  | 'STAFF_LIST_FULL'
  /**
   * OTT Pay has not answered (timeout, PROCESSING, SYSTEM_ERROR…) and the payer has no payment details, so nothing
   * can have been charged: retry with the same requestId; once the first try can no longer be waiting for OTT, a
   * retry asks OTT again under a new attempt.
   */
  | 'PAYMENT_PENDING'
  /** OTT Pay refused the request; the message shows OTT's code. */
  | 'PAYMENT_REJECTED'
  /** The order cannot be refunded in its state (not paid, already refunded, under review). */
  | 'NOT_REFUNDABLE'
  /** The refund is more than what was paid minus what was already refunded. */
  | 'REFUND_TOO_LARGE'
  /** The exchange rate cannot be had right now; the page works without it. */
  | 'RATE_UNAVAILABLE'
  /** The store or OTT Pay is unavailable; try again. */
  | 'SERVICE_UNAVAILABLE'
  /** Another change to the same order is under way (concurrent requests); try again shortly. */
  | 'BUSY'
  /**
   * Another refund of this payment was waiting for OTT Pay's word when this one was asked for;
   * `openRefund` names it, in its state now (amount, since when; PENDING, or just confirmed or
   * refused). Nothing new was recorded: staff look at it first, because the earlier refund may
   * already be on its way to the payer, and ask again only for a further refund.
   */
  | 'REFUND_OPEN'
  /** The function's settings are missing or wrong (its log names each problem): the merchant must fix them. */
  | 'CONFIGURATION_ERROR';

export interface FunctionError {
  ok: false;
  code: ErrorCode;
  message: string;
  /** Set when an order exists despite the error (PAYMENT_PENDING), so the page can follow it. */
  orderId?: string;
  /** Set on FORBIDDEN from a staff-only function: the caller's own user id (openid), for the shop owner to add to the staff. */
  userId?: string;
  /** Set on REFUND_OPEN: the earlier refund, in its state now. */
  openRefund?: RefundView;
}

export type FunctionResult<T> = ({ ok: true } & T) | FunctionError;

/** Exactly the arguments `wx.requestPayment` takes, as OTT Pay signed them. */
export interface WxPaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'MD5' | 'HMAC-SHA256' | 'RSA';
  paySign: string;
}

/** An order as a page may see it. Timestamps are ISO 8601 UTC. */
export interface OrderView {
  orderId: string;
  state: OrderState;
  channel: PaymentChannel;
  amountCents: number;
  tipCents: number;
  /** amountCents + tipCents: what the payer is charged. */
  totalCents: number;
  refundedCents: number;
  currency: 'CAD';
  createdAt: string;
  paidAt?: string;
}

export interface CreatePaymentEvent {
  amountCents: number;
  tipCents?: number;
  /** Client-generated idempotency key, 8–64 characters of [A-Za-z0-9_-]; reused on retry. */
  requestId: string;
  /** The payer agreed, on the Pay tap, to a payment notice (wx.requestSubscribeMessage). */
  receipt?: boolean;
}
export type CreatePaymentResult = FunctionResult<{ orderId: string; payment: WxPaymentParams }>;

/**
 * Exactly the fields of WeChat OpenSDK's PayReq (Android `com.tencent.mm.opensdk.modelpay.PayReq`,
 * iOS `PayReq`), signed in the cloud with the app's WeChat API key, which never leaves it.
 */
export interface AppPayRequest {
  appId: string;
  partnerId: string;
  prepayId: string;
  packageValue: 'Sign=WXPay';
  nonceStr: string;
  timeStamp: string;
  sign: string;
}

/** createAppPayment: called by the merchant's native app signed in to CloudBase; the same rules as createPayment. */
export type CreateAppPaymentEvent = CreatePaymentEvent;
export type CreateAppPaymentResult = FunctionResult<{ orderId: string; payReq: AppPayRequest }>;

export interface QueryPaymentEvent {
  orderId: string;
}
export type QueryPaymentResult = FunctionResult<{ order: OrderView }>;

export interface ListPaymentsEvent {
  /** 1–50, default 20. */
  pageSize?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}
/** The caller's orders, newest first (createdAt, then orderId, descending); nextCursor is absent on the last page. */
export type ListPaymentsResult = FunctionResult<{ orders: OrderView[]; nextCursor?: string }>;

export interface RefundEvent {
  orderId: string;
  amountCents: number;
  /** Idempotency key of this refund attempt. */
  requestId: string;
}
export interface RefundView {
  refundId: string;
  orderId: string;
  amountCents: number;
  /**
   * PENDING until STATUS_QUERY's refund_fee shows OTT Pay booked it (SUCCEEDED); FAILED only on
   * OTT's word that it does not hold it (a refusal, then a refund_fee without it), its amount then
   * released. Silence never fails a refund: it stays PENDING and keeps being checked. At most one
   * refund per order is PENDING at a time.
   */
  state: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  createdAt: string;
  /** When OTT Pay's answer was last sought for it (sent or queried); PENDING refunds only. */
  lastCheckedAt?: string;
}

/** An order as staff see it: the payer's view plus its refunds and, in REVIEW, why. */
export interface StaffOrderView extends OrderView {
  refunds: RefundView[];
  /** Money OTT Pay reports taken on the order, in cents (several attempts in a double charge). */
  heldCents: number;
  /** What staff may still refund now: money OTT holds less refunds confirmed or waiting; 0 while a refund waits. */
  refundableCents: number;
  reviewKind?: string;
  reviewReason?: string;
}
export type RefundResult = FunctionResult<{ refund: RefundView; order: OrderView }>;

export interface MerchantSummaryEvent {
  /**
   * Staff lookup of one order by its number (or by the OTT order_id of one of its attempts), whatever
   * its day: the result then also carries `order`, or is NOT_FOUND when there is no such order.
   */
  orderId?: string;
}
export interface DailyTakings {
  /** The merchant's local calendar day, YYYY-MM-DD. */
  date: string;
  /** Orders paid (PAID, PARTIALLY_REFUNDED, REFUNDED) today. */
  paidCount: number;
  /** What OTT Pay reports taken on those orders. */
  grossCents: number;
  refundedCents: number;
  netCents: number;
  /** Orders in REVIEW created or paid today on which OTT Pay reports money taken: held, but not yet counted above. */
  reviewCount: number;
  reviewHeldCents: number;
}
/** Today's takings and the day's most recent orders; with orderId in the event, that order too. */
export type MerchantSummaryResult = FunctionResult<{ role: StaffRole; today: DailyTakings; recent: OrderView[]; order?: StaffOrderView }>;

/** An owner also manages the staff list. */
export type StaffRole = 'owner' | 'staff';

export interface StaffMemberView {
  userId: string;
  role: StaffRole;
  /** What the owner calls them; may be empty. */
  name: string;
  addedAt: string;
}

export interface StaffChangeView {
  at: string;
  action: 'add' | 'remove';
  userId: string;
  role: StaffRole;
  name: string;
  /** Who made the change: a member's user id, or "ops: NAME" from the command line. */
  by: string;
  /** The name of the member who made it, when they are on the list now. */
  byName: string;
}

/** merchantStaff (owners only): the list by default; `add` (or change the role or name of) and `remove` a member. */
export type MerchantStaffEvent =
  | { action?: 'list' }
  | { action: 'add'; userId: string; name?: string; role?: StaffRole }
  | { action: 'remove'; userId: string };
/** The list after the change, owners first; the latest changes, newest first. */
export type MerchantStaffResult = FunctionResult<{ members: StaffMemberView[]; changes: StaffChangeView[] }>;

export interface CollectByQrEvent {
  amountCents: number;
  requestId: string;
}
export type CollectByQrResult = FunctionResult<{
  order: OrderView;
  /** The weixin:// URL the QR code encodes. */
  codeUrl: string;
  /** The QR code as a PNG data URL, ready for an <image> src. */
  qrDataUrl: string;
}>;

/**
 * counterFeed (staff only): the payments verified since `after` (ISO time; the last ten minutes
 * when absent). It answers at once when one is new to the caller (not in `known`), else waits for
 * one up to COUNTER_HOLD_MS (15 s, inside the mini-program's 20-second call limit) and answers
 * what it has.
 */
export interface CounterFeedEvent {
  after?: string;
  /** Order numbers of payments the counter already shows, verified less than a minute before `after`. */
  known?: string[];
}
/** A verified payment as a counter shows and says it; no payer identity. */
export interface CounterPayment {
  orderId: string;
  amountCents: number;
  tipCents: number;
  totalCents: number;
  currency: 'CAD';
  /** When the product verified the payment (call-back or query), ISO 8601 UTC. */
  paidAt: string;
  channel: PaymentChannel;
}
export type CounterFeedResult = FunctionResult<{
  /** Oldest first: every verified payment from a minute before `after` on, known ones included. */
  payments: CounterPayment[];
  /** The time to send as `after` next. */
  cursor: string;
}>;

export type ExchangeRateEvent = Record<string, never>;
export type ExchangeRateResult = FunctionResult<{
  currency: 'CAD';
  /** CNY per unit of the merchant currency, scaled by 10^8 (OTT's EX_RATE_QUERY `rate`). */
  rateE8: number;
  /** When the rate was read from OTT Pay (ISO 8601 UTC). */
  fetchedAt: string;
}>;

/** Names of the functions called with wx.cloud.callFunction, with their events and results. */
export interface CloudFunctions {
  createPayment: { event: CreatePaymentEvent; result: CreatePaymentResult };
  createAppPayment: { event: CreateAppPaymentEvent; result: CreateAppPaymentResult };
  queryPayment: { event: QueryPaymentEvent; result: QueryPaymentResult };
  listPayments: { event: ListPaymentsEvent; result: ListPaymentsResult };
  refund: { event: RefundEvent; result: RefundResult };
  merchantSummary: { event: MerchantSummaryEvent; result: MerchantSummaryResult };
  merchantStaff: { event: MerchantStaffEvent; result: MerchantStaffResult };
  counterFeed: { event: CounterFeedEvent; result: CounterFeedResult };
  collectByQr: { event: CollectByQrEvent; result: CollectByQrResult };
  exchangeRate: { event: ExchangeRateEvent; result: ExchangeRateResult };
}
