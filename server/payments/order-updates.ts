/**
 * Every change to an order goes through here: a compare-and-set on the order's state and
 * version, then an audit entry. Concurrent writers re-read and decide again, so duplicate,
 * late or reordered events change an order at most once.
 */
import type { OrderState } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { AuditCause, Order } from '../orders/model';
import { assertTransition } from '../orders/state-machine';
import type { OrderChanges } from '../orders/store';

export interface Decision {
  to: OrderState;
  changes?: Omit<OrderChanges, 'state'>;
  detail?: Record<string, string | number | boolean | null>;
}

export interface UpdateResult {
  order: Order;
  changed: boolean;
}

const MAX_ATTEMPTS = 8;

export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
    this.name = 'OrderNotFoundError';
  }
}

/**
 * Reads the order, asks `decide` what to do with it as it is now (null: nothing), and applies
 * the answer only if nobody changed the order meanwhile; otherwise reads it again.
 */
export async function updateOrder(
  platform: Platform,
  orderId: string,
  cause: AuditCause,
  decide: (order: Order) => Decision | null,
): Promise<UpdateResult> {
  for (let attempt = 1; ; attempt++) {
    const order = await platform.store.getOrder(orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    const decision = decide(order);
    if (!decision) return { order, changed: false };
    assertTransition(order.state, decision.to);
    const updated = await platform.store.updateOrderIf(
      orderId,
      { state: order.state, version: order.version },
      { ...decision.changes, state: decision.to },
    );
    if (updated) {
      await platform.store.appendAudit({
        orderId,
        at: platform.now().toISOString(),
        from: order.state,
        to: decision.to,
        cause,
        detail: decision.detail,
      });
      platform.log.info('order.updated', { orderId, from: order.state, to: decision.to, cause });
      return { order: updated, changed: true };
    }
    if (attempt >= MAX_ATTEMPTS) {
      platform.log.warn('order.contended', { orderId, cause, attempts: attempt });
      const latest = await platform.store.getOrder(orderId);
      return { order: latest ?? order, changed: false };
    }
  }
}
