/**
 * Every change to an order goes through here: the decision is made on the order as read, then
 * written with a compare-and-set on its version, history included in the same write. A writer
 * that loses the race reads the order again and decides again, so duplicate, late or reordered
 * events change an order at most once; one that keeps losing gives up loudly (OrderBusyError).
 */
import type { Platform } from '../app/platform';
import type { ChangeContext } from '../orders/history';
import { openRefund, type ChangeCause, type Order } from '../orders/model';
import { nextCheckAt } from '../orders/schedule';
import { assertTransition } from '../orders/state-machine';

export interface UpdateResult {
  order: Order;
  changed: boolean;
}

const MAX_ROUNDS = 8;

export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
    this.name = 'OrderNotFoundError';
  }
}

/** Others kept changing the order: nothing was written; the caller answers "busy, try again". */
export class OrderBusyError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} kept changing under ${MAX_ROUNDS} attempts to write it`);
    this.name = 'OrderBusyError';
  }
}

export function changeContext(platform: Platform, cause: ChangeCause): ChangeContext {
  return { at: platform.now().toISOString(), cause };
}

/** `proposed` as it is written over `current`: version, updatedAt, the open refund and the next check. */
export function finishWrite(platform: Platform, current: Order, proposed: Order): Order {
  assertTransition(current.state, proposed.state);
  const next: Order = {
    ...proposed,
    version: current.version + 1,
    updatedAt: platform.now().toISOString(),
    openRefundSince: openRefund(proposed)?.createdAt ?? null,
  };
  next.nextCheckAt = nextCheckAt(next, platform.settings);
  return next;
}

async function readOrder(platform: Platform, orderId: string): Promise<Order> {
  const order = await platform.store.getOrder(orderId);
  if (!order) throw new OrderNotFoundError(orderId);
  return order;
}

/**
 * Asks `decide` what the order becomes (null: nothing) and writes that unless the order changed
 * meanwhile, in which case it reads the order again. `start` is the order as just read, or its id.
 */
export async function updateOrder(
  platform: Platform,
  start: Order | string,
  cause: ChangeCause,
  decide: (order: Order, ctx: ChangeContext) => Order | null,
): Promise<UpdateResult> {
  let order = typeof start === 'string' ? await readOrder(platform, start) : start;
  for (let round = 1; ; round++) {
    const proposed = decide(order, changeContext(platform, cause));
    if (!proposed) return { order, changed: false };
    const next = finishWrite(platform, order, proposed);
    if (await platform.store.replaceOrder(next, order.version)) {
      if (next.state !== order.state) platform.log.info('order.state', { orderId: order.orderId, from: order.state, to: next.state, cause });
      return { order: next, changed: true };
    }
    if (round >= MAX_ROUNDS) {
      platform.log.warn('order.busy', { orderId: order.orderId, cause, rounds: round });
      throw new OrderBusyError(order.orderId);
    }
    order = await readOrder(platform, order.orderId);
  }
}
