/**
 * sweep (timer): orders still pending after a while are asked about at OTT Pay, so a call-back
 * that never came cannot leave them unsettled; orders unpaid past the abandon age are closed.
 */
import type { Platform } from '../app/platform';
import { isPending } from '../orders/state-machine';
import { updateOrder } from './order-updates';
import { refreshFromOtt } from './settlement';

export interface SweepReport {
  checked: number;
  settled: number;
  closed: number;
  stillPending: number;
}

const BATCH = 100;

export async function sweep(platform: Platform): Promise<SweepReport> {
  const now = platform.now().getTime();
  const { sweepPendingAfterMs, closeAbandonedAfterMs } = platform.settings;
  const due = await platform.store.listOrdersByState(['CREATED', 'PAYING'], {
    updatedBefore: new Date(now - sweepPendingAfterMs).toISOString(),
    limit: BATCH,
  });
  const report: SweepReport = { checked: due.length, settled: 0, closed: 0, stillPending: 0 };
  for (const order of due) {
    const after = await refreshFromOtt(platform, order, 'sweep');
    if (!isPending(after.state)) {
      report.settled++;
      continue;
    }
    if (now - Date.parse(after.createdAt) >= closeAbandonedAfterMs) {
      const { changed } = await updateOrder(platform, order.orderId, 'sweep', (current) =>
        isPending(current.state) ? { to: 'CLOSED', detail: { reason: 'abandoned' } } : null,
      );
      if (changed) report.closed++;
      continue;
    }
    report.stillPending++;
  }
  platform.log.info('sweep.done', { ...report });
  return report;
}
