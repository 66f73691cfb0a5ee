/**
 * The due orders of one sweep run, read page by page as its workers ask for them (keyset-paged on
 * nextCheckAt then orderId), each handed out once even if a write moved it further down the list.
 */
import type { Order } from '../orders/model';
import { dueCursor } from '../orders/paging';
import type { DuePageCursor, OrderStore } from '../orders/store';

export class DueOrders {
  private inHand: Order[] = [];
  private cursor: DuePageCursor | undefined;
  private reading: Promise<void> | undefined;
  private readonly seen = new Set<string>();
  private ended = false;
  /** The page read that failed; nothing more is read after it. */
  readFailure: unknown;

  constructor(
    private readonly store: OrderStore,
    private readonly dueBy: string,
    private readonly pageSize: number,
  ) {}

  /** The next due order, reading a page when none is in hand; undefined at the end of the list or after a failed read. */
  async next(): Promise<Order | undefined> {
    while (this.inHand.length === 0 && !this.ended) {
      this.reading ??= this.readPage().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.inHand.shift();
  }

  /** Orders read so far. */
  get seenCount(): number {
    return this.seen.size;
  }

  /** Orders read and not handed out. */
  get unhanded(): number {
    return this.inHand.length;
  }

  /** Whether the list was read to its end. */
  get readToEnd(): boolean {
    return this.ended && this.readFailure === undefined;
  }

  private async readPage(): Promise<void> {
    let page: Order[];
    try {
      page = await this.store.listDueOrders(this.dueBy, this.pageSize, this.cursor);
    } catch (error) {
      this.readFailure = error;
      this.ended = true;
      return;
    }
    if (page.length === 0) {
      this.ended = true;
      return;
    }
    this.cursor = dueCursor(page[page.length - 1]);
    for (const order of page) {
      if (this.seen.has(order.orderId)) continue;
      this.seen.add(order.orderId);
      this.inHand.push(order);
    }
  }
}
