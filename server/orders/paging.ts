/**
 * Reading a whole listing page by page. Pages are small and the loop stops only at an empty page,
 * so a backend that caps a query below the size asked for (CloudBase: 100 or 1,000, depending on
 * the SDK) cannot cut a listing short.
 */
import type { Order } from './model';
import type { DuePageCursor, OpenRefundPageCursor, OrderPageCursor } from './store';

export const PAGE_SIZE = 1000;

/** Every order of a listing, a page at a time; `fetch` gets the last order of the previous page. */
export async function* pagesOf(
  fetch: (last: Order | undefined, limit: number) => Promise<Order[]>,
  pageSize: number = PAGE_SIZE,
): AsyncGenerator<Order[]> {
  let last: Order | undefined;
  for (;;) {
    const page = await fetch(last, pageSize);
    if (page.length === 0) return;
    yield page;
    last = page[page.length - 1];
  }
}

/** Every order of a listing, read page by page. */
export async function allOf(pages: AsyncIterable<Order[]>): Promise<Order[]> {
  const orders: Order[] = [];
  for await (const page of pages) orders.push(...page);
  return orders;
}

/** Where the next page starts in a listing by creation time (listOrdersByState, listOrdersCreatedBetween). */
export function createdCursor(last: Order | undefined): OrderPageCursor | undefined {
  return last && { createdAt: last.createdAt, orderId: last.orderId };
}

/** Where the next page of listDueOrders starts. */
export function dueCursor(last: Order | undefined): DuePageCursor | undefined {
  return last && { nextCheckAt: listedValue(last, 'nextCheckAt'), orderId: last.orderId };
}

/** Where the next page of listOrdersWithOpenRefund starts. */
export function openRefundCursor(last: Order | undefined): OpenRefundPageCursor | undefined {
  return last && { openRefundSince: listedValue(last, 'openRefundSince'), orderId: last.orderId };
}

function listedValue(order: Order, field: 'nextCheckAt' | 'openRefundSince'): string {
  const value = order[field];
  if (value === null) throw new Error(`order ${order.orderId} has no ${field}: it cannot have been listed by it`);
  return value;
}
