/**
 * What OTT Pay's answers do to an order (D9, D10): a verified call-back or a STATUS_QUERY
 * `success` whose money agrees marks it paid; money that disagrees sends it to REVIEW; closed
 * and failed end it; anything else leaves it pending. Wallet success never counts.
 */
import type { Platform } from '../app/platform';
import { totalCents, type Order } from '../orders/model';
import { isPending } from '../orders/state-machine';
import type { VerifiedCallback } from '../ottpay/callback';
import type { StatusQueryResult } from '../ottpay/client';
import { withoutUndefined } from '../ottpay/data-fields';
import { mapOrderStatus } from '../ottpay/status';
import { Decision, updateOrder, UpdateResult } from './order-updates';

/** A payment OTT Pay reports for an order that we had already closed or failed needs a person. */
function paidAfterEnd(order: Order, source: string): Decision | null {
  if (order.state !== 'CLOSED' && order.state !== 'FAILED') return null;
  return { to: 'REVIEW', changes: { reviewReason: `paid after the order was ${order.state.toLowerCase()} (${source})` } };
}

function paidOrReview(order: Order, moneyAgrees: boolean, mismatch: string, now: Date, ott: Order['ott']): Decision | null {
  if (!isPending(order.state)) return null;
  const mergedOtt = { ...order.ott, ...ott };
  if (!moneyAgrees) return { to: 'REVIEW', changes: { reviewReason: mismatch, ott: mergedOtt } };
  return { to: 'PAID', changes: { paidAt: now.toISOString(), ott: mergedOtt } };
}

export function applyCallback(platform: Platform, callback: VerifiedCallback): Promise<UpdateResult> {
  return updateOrder(platform, callback.orderId, 'callback', (order) => {
    if (callback.orderStatus !== undefined && mapOrderStatus(callback.orderStatus) !== 'paid') return null;
    const amountAgrees = callback.amountCents === order.amountCents;
    const tipAgrees = callback.tipCents === undefined || callback.tipCents === order.tipCents;
    const ott = withoutUndefined({ finishTime: callback.finishTime, bizpayOrderId: callback.bizpayOrderId });
    const mismatch = `call-back amount ${callback.amountCents} tip ${callback.tipCents ?? '-'}; expected ${order.amountCents} tip ${order.tipCents}`;
    const decision = paidAfterEnd(order, 'call-back') ?? paidOrReview(order, amountAgrees && tipAgrees, mismatch, platform.now(), ott);
    return decision && { ...decision, detail: { amount: callback.amountCents, tip: callback.tipCents ?? null } };
  });
}

/** Applies a STATUS_QUERY answer; refund progress is applied by the refund service. */
export function applyStatus(platform: Platform, order: Order, status: StatusQueryResult, cause: 'status_query' | 'sweep' | 'ops'): Promise<UpdateResult> {
  return updateOrder(platform, order.orderId, cause, (current) => {
    const detail = { order_status: status.rawStatus, total_amount: status.totalAmountCents ?? null };
    const ott = withoutUndefined({ tradeTime: status.tradeTime, bizpayOrderId: status.bizpayOrderId });
    switch (status.status) {
      case 'paid': {
        const totalAgrees = status.totalAmountCents === totalCents(current);
        const tipAgrees = status.tipCents === undefined || status.tipCents === current.tipCents;
        const mismatch = `STATUS_QUERY total ${status.totalAmountCents ?? '-'} tip ${status.tipCents ?? '-'}; expected total ${totalCents(current)} tip ${current.tipCents}`;
        const decision = paidAfterEnd(current, 'STATUS_QUERY') ?? paidOrReview(current, totalAgrees && tipAgrees, mismatch, platform.now(), ott);
        return decision && { ...decision, detail };
      }
      case 'closed':
        return isPending(current.state) ? { to: 'CLOSED', detail } : null;
      case 'failed':
        return isPending(current.state) ? { to: 'FAILED', detail } : null;
      case 'partially_refunded':
      case 'refunded':
        return isPending(current.state)
          ? { to: 'REVIEW', changes: { reviewReason: `OTT Pay reports ${status.rawStatus} for an order not known as paid` }, detail }
          : null;
      default:
        return null;
    }
  });
}

/** Asks OTT Pay about a pending order and applies the answer; an unknown answer changes nothing. */
export async function refreshFromOtt(platform: Platform, order: Order, cause: 'status_query' | 'sweep' | 'ops'): Promise<Order> {
  const outcome = await platform.ott.statusQuery(order.orderId);
  if (outcome.kind !== 'ok') {
    platform.log.warn('ott.status_query.unsettled', { orderId: order.orderId, kind: outcome.kind, code: outcome.code });
    return order;
  }
  return (await applyStatus(platform, order, outcome.value, cause)).order;
}
