/**
 * sweep (timer): looks at the orders that are due (a payment pending, a refund waiting for OTT
 * Pay, an attempt whose payment details expired), most overdue first, several at a time. Each one
 * looked at moves back in the queue, whatever OTT answered, so a stalling OTT cannot starve the
 * rest; the sweep starts no new order after its budget and reports what it left.
 */
import type { Platform } from '../app/platform';
import { openRefund } from '../orders/model';
import { isPaidState, isPending } from '../orders/state-machine';
import { StoreUnavailableError } from '../orders/store';
import { OrderBusyError } from './order-updates';
import { advanceRefund } from './refund';
import { inspectOrder } from './settlement';

export interface SweepReport {
  /** Orders due when the sweep started (at most BATCH). */
  due: number;
  checked: number;
  paid: number;
  closed: number;
  review: number;
  stillPending: number;
  refundsSettled: number;
  refundsOpen: number;
  /** Due orders not looked at because the budget ran out. */
  left: number;
  /** A whole batch was due: more may be waiting for the next run. */
  moreDue: boolean;
  /** Orders that could not be written (store down, or others kept changing them). */
  failed: number;
}

export const BATCH = 200;
export const CONCURRENCY = 8;

export async function sweep(platform: Platform): Promise<SweepReport> {
  const started = platform.now().getTime();
  const due = await platform.store.listDueOrders(new Date(started).toISOString(), BATCH);
  const report: SweepReport = { due: due.length, checked: 0, paid: 0, closed: 0, review: 0, stillPending: 0, refundsSettled: 0, refundsOpen: 0, left: 0, moreDue: due.length === BATCH, failed: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const order = due[next++];
      if (platform.now().getTime() - started >= platform.settings.sweepBudgetMs) {
        report.left++;
        continue;
      }
      try {
        let after = await inspectOrder(platform, order, 'sweep');
        const refund = openRefund(after);
        if (refund) after = await advanceRefund(platform, after, 'sweep');
        report.checked++;
        if (after.state !== order.state) {
          if (isPaidState(after.state)) report.paid++;
          else if (after.state === 'CLOSED') report.closed++;
          else if (after.state === 'REVIEW') report.review++;
        }
        if (isPending(after.state)) report.stillPending++;
        if (refund && !openRefund(after)) report.refundsSettled++;
        if (openRefund(after)) report.refundsOpen++;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) && !(error instanceof OrderBusyError)) throw error;
        report.failed++;
        platform.log.warn('sweep.order_failed', { orderId: order.orderId, message: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  platform.log.info('sweep.done', { ...report, ms: platform.now().getTime() - started });
  return report;
}
