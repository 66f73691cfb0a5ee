/**
 * The payment side of an order as pure functions: attempts at OTT Pay and the order state they
 * lead to. Each function returns the order after the change, history included, or null when the
 * facts change nothing; the caller writes it with a compare-and-set.
 */
import type { AppPayRequest, PaymentChannel, WxPaymentParams } from '../../typings/payments';
import { recordStateChange, withHistory, type ChangeContext } from './history';
import {
  attemptIdFor,
  awaitsShipping,
  type AttemptOutcome,
  type HistoryEntry,
  type Order,
  type PaymentAttempt,
  type ReviewKind,
} from './model';
import { isPaidState, isPending } from './state-machine';

/** An order may have at most this many attempts at OTT Pay. */
export const MAX_ATTEMPTS = 10;

export interface NewOrderFields {
  orderId: string;
  openid: string;
  appid: string;
  requestId: string;
  channel: PaymentChannel;
  amountCents: number;
  tipCents: number;
  /** The payer asked for a payment notice. */
  receiptWanted?: boolean;
}

function startedAttempt(ottOrderId: string, at: string): PaymentAttempt {
  return { ottOrderId, state: 'STARTED', createdAt: at, updatedAt: at };
}

/** A new order, CREATED, with its first attempt recorded before OTT Pay is asked. */
export function newOrder(fields: NewOrderFields, at: string): Order {
  const first = startedAttempt(attemptIdFor(fields.orderId, 1), at);
  return {
    ...fields,
    state: 'CREATED',
    currency: 'CAD',
    refundedCents: 0,
    reservedRefundCents: 0,
    version: 0,
    createdAt: at,
    updatedAt: at,
    attempts: [first],
    refunds: [],
    history: [
      { at, cause: 'create', event: 'created', to: 'CREATED', detail: { amount: fields.amountCents, tip: fields.tipCents, channel: fields.channel } },
      { at, cause: 'create', event: 'attempt.started', attempt: first.ottOrderId },
    ],
    nextCheckAt: null,
    openRefundSince: null,
  };
}

/** STARTED or ISSUED: OTT Pay has not settled it yet. */
export function isLive(attempt: PaymentAttempt): boolean {
  return attempt.state === 'STARTED' || attempt.state === 'ISSUED';
}

/** The newest attempt. */
export function latestAttempt(order: Order): PaymentAttempt {
  return order.attempts[order.attempts.length - 1];
}

/** A STARTED attempt younger than this may still be waiting for OTT Pay's answer in some caller. */
export function inFlight(attempt: PaymentAttempt, nowMs: number, inFlightMs: number): boolean {
  return attempt.state === 'STARTED' && nowMs - Date.parse(attempt.createdAt) < inFlightMs;
}

/** A further attempt, recorded before OTT Pay is asked; null when the order has used up its attempts. */
export function startAttempt(order: Order, ctx: ChangeContext): Order | null {
  if (order.attempts.length >= MAX_ATTEMPTS) return null;
  const attempt = startedAttempt(attemptIdFor(order.orderId, order.attempts.length + 1), ctx.at);
  return withHistory(
    { ...order, attempts: [...order.attempts, attempt] },
    { at: ctx.at, cause: ctx.cause, event: 'attempt.started', attempt: attempt.ottOrderId },
  );
}

function replaceAttempt(order: Order, next: PaymentAttempt): Order {
  return { ...order, attempts: order.attempts.map((a) => (a.ottOrderId === next.ottOrderId ? next : a)) };
}

function findAttempt(order: Order, ottOrderId: string): PaymentAttempt | undefined {
  return order.attempts.find((a) => a.ottOrderId === ottOrderId);
}

export interface IssuedDetails {
  payment?: WxPaymentParams;
  codeUrl?: string;
  appPayment?: AppPayRequest;
  saleNum?: string;
  bizpayOrderId?: string;
}

/** OTT Pay's payment details for a STARTED attempt of a pending order: the payer may now pay it. */
export function issueAttempt(order: Order, ottOrderId: string, details: IssuedDetails, ctx: ChangeContext): Order | null {
  const attempt = findAttempt(order, ottOrderId);
  if (!attempt || attempt.state !== 'STARTED' || !isPending(order.state)) return null;
  const issued = withHistory(
    replaceAttempt(order, { ...attempt, ...details, state: 'ISSUED', updatedAt: ctx.at }),
    { at: ctx.at, cause: ctx.cause, event: 'attempt.issued', attempt: ottOrderId },
  );
  return recordStateChange(order, { ...issued, state: 'PAYING' }, ctx);
}

function endAttempt(order: Order, attempt: PaymentAttempt, outcome: AttemptOutcome, ctx: ChangeContext, detail?: HistoryEntry['detail']): Order {
  const entry: HistoryEntry = { at: ctx.at, cause: ctx.cause, event: 'attempt.not_paid', attempt: attempt.ottOrderId, detail: { outcome, ...detail } };
  return withHistory(replaceAttempt(order, { ...attempt, state: 'NOT_PAID', outcome, updatedAt: ctx.at }), entry);
}

/** OTT Pay's answers show the attempt can no longer be paid. */
export function reportNotPaid(order: Order, ottOrderId: string, outcome: AttemptOutcome, ctx: ChangeContext, detail?: HistoryEntry['detail']): Order | null {
  const attempt = findAttempt(order, ottOrderId);
  if (!attempt || !isLive(attempt)) return null;
  return settleState(order, endAttempt(order, attempt, outcome, ctx, detail), ctx);
}

export interface PaidReport {
  /** What OTT Pay reported as taken. */
  paidCents: number;
  moneyAgrees: boolean;
  finishTime?: string;
  tradeTime?: string;
  bizpayOrderId?: string;
  detail: HistoryEntry['detail'];
}

/** OTT Pay reported money taken on the attempt (verified call-back or STATUS_QUERY). */
export function reportPaid(order: Order, ottOrderId: string, report: PaidReport, ctx: ChangeContext): Order | null {
  const attempt = findAttempt(order, ottOrderId);
  if (!attempt || attempt.state === 'PAID') return null;
  const { detail, ...facts } = report;
  const paid: PaymentAttempt = { ...attempt, ...facts, state: 'PAID', updatedAt: ctx.at };
  delete paid.outcome;
  const entry: HistoryEntry = { at: ctx.at, cause: ctx.cause, event: 'attempt.paid', attempt: ottOrderId, detail };
  return settleState(order, withHistory(replaceAttempt(order, paid), entry), ctx);
}

function toReview(order: Order, kind: ReviewKind, reason: string): Order {
  return { ...order, state: 'REVIEW', reviewKind: kind, reviewReason: reason };
}

/** REVIEW only because OTT could not be asked, or gave no documented answer: settles like a pending order once OTT answers. */
export function awaitsOtt(order: Order): boolean {
  return isPending(order.state) || (order.state === 'REVIEW' && (order.reviewKind === 'status_unknown' || order.reviewKind === 'unknown_status'));
}

/**
 * OTT Pay answered an order_status it does not document: the attempt stays live (it may yet be
 * paid), and after `reviewAfter` such answers a pending order goes to REVIEW (unknown_status) with
 * the word shown. Neither paid nor not paid is read into it.
 */
export function reportUnknownStatus(order: Order, ottOrderId: string, rawStatus: string, reviewAfter: number, ctx: ChangeContext): Order | null {
  const attempt = findAttempt(order, ottOrderId);
  if (!attempt || !isLive(attempt)) return null;
  const count = (attempt.unknownStatuses ?? 0) + 1;
  const noted = withHistory(
    replaceAttempt(order, { ...attempt, unknownStatuses: count, lastUnknownStatus: rawStatus, updatedAt: ctx.at }),
    { at: ctx.at, cause: ctx.cause, event: 'attempt.unknown_status', attempt: ottOrderId, detail: { order_status: rawStatus, count } },
  );
  if (count < reviewAfter || !isPending(order.state)) return noted;
  const reason = `OTT Pay answered order_status ${JSON.stringify(rawStatus)} for ${ottOrderId} ${count} times: not a status it documents, so the payment is neither counted nor closed`;
  return recordStateChange(order, toReview(noted, 'unknown_status', reason), ctx, { order_status: rawStatus });
}

/** The order state the attempts lead to; `before` is the order as it was read (for the history). */
function settleState(before: Order, order: Order, ctx: ChangeContext): Order {
  const paid = order.attempts.filter((a) => a.state === 'PAID');
  let next = order;
  if (paid.length >= 2) {
    if (order.reviewKind !== 'double_charge' && paid.length > (order.acceptedPaidAttempts ?? 1)) {
      next = toReview(order, 'double_charge', `money taken on ${paid.length} attempts (${paid.map((a) => `${a.ottOrderId}: ${a.paidCents}`).join(', ')}): refund all but one`);
    }
  } else if (paid.length === 1) {
    const [attempt] = paid;
    if (order.paidAt === undefined) next = { ...next, paidAt: ctx.at };
    if (awaitsOtt(order)) {
      next = attempt.moneyAgrees
        ? { ...next, state: 'PAID' }
        : toReview(next, 'money_mismatch', `OTT Pay reports ${attempt.paidCents} taken on ${attempt.ottOrderId}; the order is for ${order.amountCents} + tip ${order.tipCents}`);
    } else if (order.state === 'CLOSED' || order.state === 'FAILED') {
      next = toReview(next, 'paid_after_end', `OTT Pay reports ${attempt.paidCents} taken on ${attempt.ottOrderId} after the order was ${order.state.toLowerCase()}`);
    }
  } else if (awaitsOtt(order) && !order.attempts.some(isLive)) {
    const outcome = latestAttempt(order).outcome;
    if (outcome === 'failed' || outcome === 'rejected') next = { ...order, state: isPending(order.state) ? 'FAILED' : 'CLOSED' };
    else if (outcome === 'closed' || outcome === 'expired') next = { ...order, state: 'CLOSED' };
  }
  // in the same write as the payment, so that no payment's shipping information, or notice, can be forgotten
  if (typeof next.shippingDueAt !== 'string' && next.attempts.some((a) => awaitsShipping(next, a))) next = { ...next, shippingDueAt: ctx.at };
  if (next.receiptWanted === true && next.receiptDueAt === undefined && isPaidState(next.state)) next = { ...next, receiptDueAt: ctx.at };
  return recordStateChange(before, next, ctx);
}

/**
 * Past the abandon age: an order whose every live attempt OTT Pay just answered as not paid is
 * CLOSED; one that OTT could not be asked about goes to REVIEW (status_unknown) and keeps being checked.
 */
export function closeAbandoned(order: Order, answeredNotPaid: ReadonlySet<string>, ctx: ChangeContext): Order | null {
  if (!awaitsOtt(order)) return null;
  const unanswered = order.attempts.filter((a) => isLive(a) && !answeredNotPaid.has(a.ottOrderId));
  if (unanswered.length === 0) return recordStateChange(order, { ...order, state: 'CLOSED' }, ctx, { reason: 'abandoned' });
  if (order.state === 'REVIEW') return null;
  const reason = `unpaid past the abandon age and OTT Pay could not be asked about ${unanswered.map((a) => a.ottOrderId).join(', ')}`;
  return recordStateChange(order, toReview(order, 'status_unknown', reason), ctx, { reason: 'status unknown' });
}
