/**
 * Reading a whole listing page by page. Pages are small and the loop stops only at an empty page,
 * so a backend that caps a query below the size asked for (CloudBase: 100 or 1,000, depending on
 * the SDK) cannot cut a listing short.
 */
import type { Order } from './model';

export const PAGE_SIZE = 1000;

/** Every order of a listing, a page at a time; `fetch` gets the last order of the previous page. */
export async function* pagesOf(fetch: (last: Order | undefined, limit: number) => Promise<Order[]>): AsyncGenerator<Order[]> {
  let last: Order | undefined;
  for (;;) {
    const page = await fetch(last, PAGE_SIZE);
    if (page.length === 0) return;
    yield page;
    last = page[page.length - 1];
  }
}
