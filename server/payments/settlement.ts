/**
 * What OTT Pay's answers do to an order (D9, D10). A verified call-back or a STATUS_QUERY
 * `success` settles the attempt it names: money that agrees makes the order PAID, money that
 * disagrees sends it to REVIEW. An order is closed only on OTT's own word that it is not paid.
 * Wallet success never counts.
 */
import type { Limiter } from '../app/limiter';
import type { Platform } from '../app/platform';
import { awaitsOtt, closeAbandoned, inFlight, isLive, reportNotPaid, reportPaid, reportUnknownStatus, type PaidReport } from '../orders/attempts';
import type { ChangeContext } from '../orders/history';
import { applyRefundFee } from '../orders/refund-ledger';
import { orderIdOfAttempt, totalCents, type ChangeCause, type Order, type PaymentAttempt } from '../orders/model';
import type { VerifiedCallback } from '../ottpay/callback';
import type { StatusQueryResult } from '../ottpay/client';
import { isPaidStatus, mapOrderStatus } from '../ottpay/status';
import { chargedCents } from '../ottpay/tip-reading';
import { OrderNotFoundError, updateOrder, type UpdateResult } from './order-updates';
import { sendDueReceipt } from './receipts';

/** What STATUS_QUERY told about one attempt. */
export type AttemptAnswer =
  | { kind: 'status'; result: StatusQueryResult }
  /** OTT Pay refused the query: it does not know that order_id. */
  | { kind: 'unknown_order'; code: string }
  | { kind: 'unknown'; code: string };

/** The longest an attempt's write may take before its caller asks OTT Pay; a slower write leaves the attempt unasked. */
export const WRITE_MARGIN_MS = 1_000;
/** How far the clocks of two function instances may differ. */
export const CLOCK_SKEW_MS = 1_000;

/** How long a STARTED attempt may still be waiting for OTT Pay's answer in some caller. */
export function inFlightMs(platform: Platform): number {
  return WRITE_MARGIN_MS + platform.ottConfig.timeoutMs + CLOCK_SKEW_MS;
}

export async function askOtt(platform: Platform, ottOrderId: string, timeoutMs?: number): Promise<AttemptAnswer> {
  const outcome = await platform.ott.statusQuery(ottOrderId, timeoutMs === undefined ? {} : { timeoutMs });
  if (outcome.kind === 'ok') return { kind: 'status', result: outcome.value };
  platform.log.warn('ott.status_query.unsettled', { ottOrderId, kind: outcome.kind, code: outcome.code });
  if (outcome.kind === 'rejected' && !outcome.ourDefect) return { kind: 'unknown_order', code: outcome.code };
  return { kind: 'unknown', code: outcome.code };
}

/** What was charged agrees with the order: the whole sum, and the tip wherever OTT names it. */
function moneyAgrees(order: Order, charged: number | undefined, tipCents: number | undefined): boolean {
  return charged === totalCents(order) && (tipCents === undefined || tipCents === order.tipCents);
}

function queryReport(platform: Platform, order: Order, result: StatusQueryResult): PaidReport {
  const { totalAmountCents, tipCents } = result;
  const charged = totalAmountCents === undefined ? undefined : chargedCents('total_amount', totalAmountCents, tipCents, platform.settings.tipReading);
  const report: PaidReport = {
    paidCents: charged ?? 0,
    moneyAgrees: moneyAgrees(order, charged, tipCents),
    detail: { order_status: result.rawStatus, total_amount: result.totalAmountCents ?? null, tip: result.tipCents ?? null },
  };
  if (result.tradeTime !== undefined) report.tradeTime = result.tradeTime;
  if (result.bizpayOrderId !== undefined) report.bizpayOrderId = result.bizpayOrderId;
  return report;
}

/** Whether the answer says, definitively, that the attempt is not paid now. */
function answeredNotPaid(attempt: PaymentAttempt, answer: AttemptAnswer): boolean {
  if (answer.kind === 'unknown_order') return attempt.state === 'STARTED';
  return answer.kind === 'status' && ['pending', 'closed', 'failed'].includes(answer.result.status);
}

/** The order after one STATUS_QUERY answer about one of its attempts; null when it changes nothing. */
export function applyAnswer(platform: Platform, order: Order, ottOrderId: string, answer: AttemptAnswer, ctx: ChangeContext): Order | null {
  const attempt = order.attempts.find((a) => a.ottOrderId === ottOrderId);
  if (!attempt || answer.kind === 'unknown') return null;
  const nowMs = Date.parse(ctx.at);
  const mayBeLost = attempt.state === 'STARTED' && !inFlight(attempt, nowMs, inFlightMs(platform));
  if (answer.kind === 'unknown_order') return mayBeLost ? reportNotPaid(order, ottOrderId, 'lost', ctx, { code: answer.code }) : null;
  const { result } = answer;
  const detail = { order_status: result.rawStatus };
  switch (result.status) {
    case 'paid':
    case 'partially_refunded':
    case 'refunded':
      return reportPaid(order, ottOrderId, queryReport(platform, order, result), ctx);
    case 'unknown':
      // Nobody holds payment details for an attempt still STARTED past its window: whatever OTT's word means, it cannot be paid.
      if (mayBeLost) return reportNotPaid(order, ottOrderId, 'lost', ctx, detail);
      return reportUnknownStatus(order, ottOrderId, result.rawStatus, platform.settings.unknownStatusReviewAfter, ctx);
    case 'closed':
      return reportNotPaid(order, ottOrderId, 'closed', ctx, detail);
    case 'failed':
      return reportNotPaid(order, ottOrderId, 'failed', ctx, detail);
    case 'pending': {
      if (mayBeLost) return reportNotPaid(order, ottOrderId, 'lost', ctx, detail);
      const expired = attempt.state === 'ISSUED' && nowMs >= Date.parse(attempt.createdAt) + platform.settings.prepayValidityMs;
      return expired ? reportNotPaid(order, ottOrderId, 'expired', ctx, detail) : null;
    }
  }
}

/** A call-back that may settle its attempt by itself, with the money it reports. */
export type DirectPayment = VerifiedCallback & { amountCents: number };

/**
 * The call-back as a payment that settles its attempt by itself: a payment call-back (finish_time,
 * none of a reply's fields, an amount) whose order_status, if any, says paid in a word OTT
 * documents. Null for anything else verified: STATUS_QUERY settles it instead.
 */
export function directPayment(callback: VerifiedCallback): DirectPayment | null {
  if (!callback.paymentCallback || callback.amountCents === undefined) return null;
  const paidWord = callback.orderStatus === undefined || isPaidStatus(mapOrderStatus(callback.orderStatus));
  return paidWord ? { ...callback, amountCents: callback.amountCents } : null;
}

/** Applies a verified payment call-back to the attempt it names; OrderNotFoundError when no order has it. */
export function applyCallback(platform: Platform, callback: DirectPayment, callbackId: string): Promise<UpdateResult> {
  return updateOrder(platform, orderIdOfAttempt(callback.orderId), 'callback', (order, ctx) => {
    if (!order.attempts.some((a) => a.ottOrderId === callback.orderId)) return null;
    const charged = chargedCents('amount', callback.amountCents, callback.tipCents, platform.settings.tipReading);
    const report: PaidReport = {
      paidCents: charged,
      moneyAgrees: moneyAgrees(order, charged, callback.tipCents ?? 0),
      detail: { callbackId, amount: callback.amountCents, tip: callback.tipCents ?? null },
    };
    if (callback.finishTime !== undefined) report.finishTime = callback.finishTime;
    if (callback.bizpayOrderId !== undefined) report.bizpayOrderId = callback.bizpayOrderId;
    return reportPaid(order, callback.orderId, report, ctx);
  });
}

/** OTT Pay did not answer the STATUS_QUERY a call-back asked for: the call-back is answered 503, so OTT sends it again. */
export class OttUnansweredError extends Error {
  constructor(readonly ottOrderId: string, readonly code: string) {
    super(`STATUS_QUERY of ${ottOrderId} went unanswered (${code})`);
    this.name = 'OttUnansweredError';
  }
}

/**
 * CALLBACK_SETTLES=query, or a verified call-back that cannot settle by itself: it only says which
 * attempt to look at; its STATUS_QUERY settles it. An attempt already PAID is not asked about
 * again, so replays cost no query; one already NOT_PAID is, since money on it must not be dropped.
 */
export async function settleByQuery(platform: Platform, ottOrderId: string): Promise<UpdateResult> {
  const order = await platform.store.getOrder(orderIdOfAttempt(ottOrderId));
  const attempt = order?.attempts.find((a) => a.ottOrderId === ottOrderId);
  if (!order || !attempt) throw new OrderNotFoundError(orderIdOfAttempt(ottOrderId));
  if (attempt.state === 'PAID') return { order, changed: false };
  const answer = await askOtt(platform, ottOrderId);
  if (answer.kind === 'unknown') throw new OttUnansweredError(ottOrderId, answer.code);
  return updateOrder(platform, order, 'callback', (current, ctx) => applyAnswer(platform, current, ottOrderId, answer, ctx));
}

const unlimited: Limiter = (work) => work();

/** Marks the order as being asked about now, unless someone did within the throttle; null then. */
async function claimQuery(platform: Platform, order: Order, cause: ChangeCause, force: boolean): Promise<Order | null> {
  const throttled = (o: Order) =>
    !force && o.queriedAt !== undefined && platform.now().getTime() - Date.parse(o.queriedAt) < platform.settings.queryThrottleMs;
  if (throttled(order)) return null;
  const claim = await updateOrder(platform, order, cause, (o, ctx) => (throttled(o) ? null : { ...o, queriedAt: ctx.at }));
  return claim.changed ? claim.order : null;
}

export interface InspectOptions {
  /** Ask OTT Pay even if someone asked within the throttle (the on-call tool). */
  force?: boolean;
  /** Told each answer as it comes (the on-call tool prints them). */
  onAnswer?: (ottOrderId: string, answer: AttemptAnswer) => void;
  /** Bounds the STATUS_QUERYs in flight across the caller's orders (the sweep's). */
  limit?: Limiter;
  /** Gives up on a STATUS_QUERY sooner than OTT_TIMEOUT_MS (the sweep: a slow answer waits for its next run). */
  queryTimeoutMs?: number;
}

/**
 * Asks OTT Pay about every attempt that is not settled and applies the answers; past the abandon
 * age, closes the order on OTT's word that it is not paid, or sends it to REVIEW when OTT cannot
 * be asked. At most one caller per throttle period asks; the others get the order as it stands.
 */
export async function inspectOrder(platform: Platform, start: Order, cause: ChangeCause, options: InspectOptions = {}): Promise<Order> {
  const claimed = await claimQuery(platform, start, cause, options.force ?? false);
  if (!claimed) return start;
  const nowMs = platform.now().getTime();
  const window = inFlightMs(platform);
  const targets = claimed.attempts.filter((a) => isLive(a) && !inFlight(a, nowMs, window));
  // An order's attempts are asked at once, so one order costs at most one OTT timeout.
  const answers = await Promise.all(
    targets.map(async (attempt) => {
      const answer = await (options.limit ?? unlimited)(() => askOtt(platform, attempt.ottOrderId, options.queryTimeoutMs));
      options.onAnswer?.(attempt.ottOrderId, answer);
      return [attempt, answer] as const;
    }),
  );
  const stillPayable = (a: PaymentAttempt) => a.state === 'ISSUED' && nowMs < Date.parse(a.createdAt) + platform.settings.prepayValidityMs;
  const abandoned =
    awaitsOtt(claimed) &&
    nowMs - Date.parse(claimed.createdAt) >= platform.settings.closeAbandonedAfterMs &&
    !claimed.attempts.some((a) => inFlight(a, nowMs, window) || stillPayable(a));
  const notPaid = new Set(answers.filter(([a, answer]) => answeredNotPaid(a, answer)).map(([a]) => a.ottOrderId));
  const { order } = await updateOrder(platform, claimed, cause, (current, ctx) => {
    let next = current;
    for (const [attempt, answer] of answers) next = applyAnswer(platform, next, attempt.ottOrderId, answer, ctx) ?? next;
    if (abandoned) next = closeAbandoned(next, notPaid, ctx) ?? next;
    return next === current ? null : next;
  });
  await sendDueReceipt(platform, order, cause);
  return order;
}

/**
 * Asks OTT Pay for the refunded amount of every paid attempt and applies it: the refund waiting
 * succeeds when it shows; an amount the ledger cannot explain (a refund made in OTT's merchant
 * center) sends the order to REVIEW (the on-call tool's re-check).
 */
export async function checkRefundedAmounts(
  platform: Platform,
  order: Order,
  cause: ChangeCause,
  known: ReadonlyMap<string, AttemptAnswer> = new Map(),
): Promise<{ order: Order; answers: (readonly [string, AttemptAnswer])[] }> {
  const paid = order.attempts.filter((a) => a.state === 'PAID');
  const answers = await Promise.all(paid.filter((a) => !known.has(a.ottOrderId)).map(async (a) => [a.ottOrderId, await askOtt(platform, a.ottOrderId)] as const));
  const { order: after } = await updateOrder(platform, order, cause, (current, ctx) => {
    let next = current;
    for (const [ottOrderId, answer] of [...known, ...answers]) {
      if (!paid.some((a) => a.ottOrderId === ottOrderId)) continue;
      if (answer.kind === 'status') next = applyRefundFee(next, ottOrderId, answer.result.refundedCents, ctx) ?? next;
    }
    return next === current ? null : next;
  });
  return { order: after, answers };
}
