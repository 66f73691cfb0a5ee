/**
 * sweep (timer): looks at the orders that are due (a payment pending, a refund waiting for OTT
 * Pay, an attempt whose payment details expired), most overdue first, several at a time, reading
 * the due list page by page until its budget is used. Each order looked at moves back in the
 * queue, whatever OTT answered, so a stalling OTT cannot starve the rest; the sweep starts no new
 * order after its budget and reports what it left.
 */
import { concurrencyLimit } from '../app/limiter';
import type { Platform } from '../app/platform';
import { openRefund, type Order } from '../orders/model';
import { isPaidState, isPending } from '../orders/state-machine';
import { InvalidVersionError, StoreUnavailableError } from '../orders/store';
import { DueOrders } from './due-orders';
import { OrderBusyError } from './order-updates';
import { advanceRefund } from './refund';
import { inspectOrder } from './settlement';

export interface SweepReport {
  /** Due orders read in this run. */
  due: number;
  checked: number;
  paid: number;
  closed: number;
  review: number;
  stillPending: number;
  refundsSettled: number;
  refundsOpen: number;
  /** Due orders read but not looked at because the budget ran out. */
  left: number;
  /** The run ended before the end of the due list: more may be waiting for the next run. */
  moreDue: boolean;
  /** Orders that could not be written (store down, others kept changing them, a version that is not a whole number). */
  failed: number;
}

/** Due orders read from the store at a time. */
export const BATCH = 200;
export const CONCURRENCY = 8;
/** The sweep function's timeout (cloudbaserc.json). */
export const SWEEP_TIMEOUT_MS = 60_000;
/** Kept for the store calls of the last orders started: a page read, a claim and a result write. */
const STORE_ALLOWANCE_MS = 5_000;

/**
 * How long a run keeps starting orders: the configured budget, cut so that an order started at
 * its end (its STATUS_QUERYs, asked at once, then for an open refund one more OTT request, each
 * bounded by the OTT client's timeout) still ends inside the function's timeout.
 */
export function runBudgetMs(platform: Platform): number {
  const lastOrderMs = 2 * platform.ottConfig.timeoutMs + STORE_ALLOWANCE_MS;
  return Math.max(0, Math.min(platform.settings.sweepBudgetMs, SWEEP_TIMEOUT_MS - lastOrderMs));
}

function isOrderFailure(error: unknown): error is Error {
  return error instanceof StoreUnavailableError || error instanceof OrderBusyError || error instanceof InvalidVersionError;
}

function count(report: SweepReport, before: Order, after: Order, refundWasOpen: boolean): void {
  report.checked++;
  if (after.state !== before.state) {
    if (isPaidState(after.state)) report.paid++;
    else if (after.state === 'CLOSED') report.closed++;
    else if (after.state === 'REVIEW') report.review++;
  }
  if (isPending(after.state)) report.stillPending++;
  if (refundWasOpen && !openRefund(after)) report.refundsSettled++;
  if (openRefund(after)) report.refundsOpen++;
}

/** A run smaller than the whole sweep: a step of normal traffic. */
export interface SweepLimits {
  budgetMs: number;
  maxOrders: number;
}

export async function sweep(platform: Platform, limits?: SweepLimits): Promise<SweepReport> {
  const started = platform.now().getTime();
  const budgetMs = Math.min(runBudgetMs(platform), limits?.budgetMs ?? Infinity);
  const maxOrders = limits?.maxOrders ?? Infinity;
  let handedOut = 0;
  const budgetUsed = () => platform.now().getTime() - started >= budgetMs;
  const due = new DueOrders(platform.store, new Date(started).toISOString(), Math.min(BATCH, maxOrders));
  const report: SweepReport = { due: 0, checked: 0, paid: 0, closed: 0, review: 0, stillPending: 0, refundsSettled: 0, refundsOpen: 0, left: 0, moreDue: false, failed: 0 };
  let unexpected: { error: unknown } | undefined;
  // Shared by every order, so an order with several attempts cannot raise the STATUS_QUERYs in flight past CONCURRENCY.
  const limit = concurrencyLimit(CONCURRENCY);

  const lookAt = async (order: Order): Promise<void> => {
    try {
      let after = await inspectOrder(platform, order, 'sweep', { limit, queryTimeoutMs: platform.settings.sweepQueryTimeoutMs });
      const refundWasOpen = openRefund(after) !== undefined;
      if (refundWasOpen) after = await advanceRefund(platform, after, 'sweep');
      count(report, order, after, refundWasOpen);
    } catch (error) {
      if (!isOrderFailure(error)) throw error;
      report.failed++;
      const level = error instanceof InvalidVersionError ? 'error' : 'warn';
      platform.log[level]('sweep.order_failed', { orderId: order.orderId, message: error.message });
    }
  };

  const worker = async (): Promise<void> => {
    while (unexpected === undefined && !budgetUsed() && handedOut < maxOrders) {
      handedOut++;
      const order = await due.next();
      if (!order) return;
      if (budgetUsed()) {
        report.left++;
        return;
      }
      await lookAt(order).catch((error: unknown) => {
        unexpected ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  report.due = due.seenCount;
  report.left += due.unhanded;
  report.moreDue = !due.readToEnd;
  if (unexpected) throw unexpected.error;
  if (due.readFailure !== undefined) {
    if (report.due === 0) throw due.readFailure;
    platform.log.warn('sweep.read_failed', { message: (due.readFailure as Error)?.message ?? String(due.readFailure) });
  }
  platform.log.info('sweep.done', { ...report, ms: platform.now().getTime() - started });
  return report;
}
