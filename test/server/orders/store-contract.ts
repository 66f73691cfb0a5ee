import type { OrderState } from '../../../typings/payments';
import { newOrder } from '../../../server/orders/attempts';
import { orderIdFor, type Order } from '../../../server/orders/model';
import { allOf, createdCursor, dueCursor, openRefundCursor, pagesOf } from '../../../server/orders/paging';
import { InvalidVersionError, StoreUnavailableError, type OrderStore } from '../../../server/orders/store';

export interface StoreHarness {
  store: OrderStore;
  /** From now on the backend fails (at least every write). */
  breakBackend(): Promise<void> | void;
  /** Writes an orders document as it is, past the adapter (old data, a console edit); returns the store to use from then on. */
  putOrderDocument(doc: { _id: string } & Record<string, unknown>): Promise<OrderStore>;
  /** The orders document as the backend holds it, past the adapter. */
  orderDocument(id: string): Promise<Record<string, unknown> | undefined>;
  dispose(): Promise<void>;
}

/** Opens a fresh, empty store whose clock is `now`. */
export type StoreFactory = (now: () => Date) => Promise<StoreHarness>;

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
export const iso = (offsetSeconds: number) => new Date(T0 + offsetSeconds * 1000).toISOString();

export function makeOrder(overrides: Partial<Order> & { openid?: string; requestId?: string } = {}): Order {
  const openid = overrides.openid ?? 'o-payer-1';
  const requestId = overrides.requestId ?? 'req-00000001';
  const createdAt = overrides.createdAt ?? iso(0);
  const base = newOrder(
    { orderId: orderIdFor(openid, requestId), openid, appid: 'wx0123456789abcdef', requestId, channel: 'MINIPROGRAM', amountCents: 1250, tipCents: 150 },
    createdAt,
  );
  return { ...base, nextCheckAt: iso(120), ...overrides };
}

/** `order` as a write would make it: version bumped, the given fields changed. */
function changed(order: Order, fields: Partial<Order>): Order {
  return { ...order, ...fields, version: order.version + 1 };
}

/** The ids of a whole listing read two orders a page. */
async function idsPagedByTwo(fetch: (last: Order | undefined, limit: number) => Promise<Order[]>): Promise<string[]> {
  return (await allOf(pagesOf(fetch, 2))).map((o) => o.orderId);
}

const newestFirst = (a: Order, b: Order) =>
  a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0;

/** The behaviour every OrderStore adapter must show. */
export function orderStoreContract(name: string, factory: StoreFactory): void {
  describe(`OrderStore contract: ${name}`, () => {
    let clock: Date;
    let harness: StoreHarness;
    let store: OrderStore;

    beforeEach(async () => {
      clock = new Date(T0 + 3_600_000);
      harness = await factory(() => clock);
      store = harness.store;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    describe('orders', () => {
      it('creates an order with its attempts, refunds and history, and reads it back unchanged', async () => {
        const order = makeOrder();
        const result = await store.createOrder(order);
        expect(result).toEqual({ created: true, order });
        expect(await store.getOrder(order.orderId)).toEqual(order);
      });

      it('returns the first order, unchanged, when the same id is created again', async () => {
        const first = makeOrder();
        await store.createOrder(first);
        const second = { ...first, amountCents: 9999, createdAt: iso(5), updatedAt: iso(5) };
        expect(await store.createOrder(second)).toEqual({ created: false, order: first });
        expect(await store.getOrder(first.orderId)).toEqual(first);
      });

      it('answers null for an order that does not exist', async () => {
        expect(await store.getOrder('NOSUCHORDER0000000000000000')).toBeNull();
      });

      it('writes a whole order, arrays and nested values included, when the version matches', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        const payment = { timeStamp: '1714564800', nonceStr: 'n0nce', package: 'prepay_id=wx1', signType: 'MD5' as const, paySign: 'ABC' };
        const next = changed(order, {
          state: 'PAYING',
          attempts: [{ ...order.attempts[0], state: 'ISSUED', payment, updatedAt: iso(2) }],
          history: [...order.history, { at: iso(2), cause: 'create', event: 'attempt.issued', attempt: order.orderId }],
          nextCheckAt: null,
        });
        expect(await store.replaceOrder(next, 0)).toBe(true);
        expect(await store.getOrder(order.orderId)).toEqual(next);
        const shorter = changed(next, { history: next.history.slice(0, 1), attempts: [] });
        expect(await store.replaceOrder(shorter, 1)).toBe(true);
        expect(await store.getOrder(order.orderId)).toEqual(shorter);
      });

      it('refuses a write with a stale version, and one for a missing order', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        const first = changed(order, { queriedAt: iso(10) });
        expect(await store.replaceOrder(first, 0)).toBe(true);
        expect(await store.replaceOrder(changed(order, { state: 'PAID' }), 0)).toBe(false);
        expect(await store.getOrder(order.orderId)).toEqual(first);
        expect(await store.replaceOrder(changed(makeOrder({ requestId: 'req-missing-1' }), {}), 0)).toBe(false);
        expect(await store.getOrder(orderIdFor('o-payer-1', 'req-missing-1'))).toBeNull();
      });

      it('lets exactly one of 20 concurrent writes with the same expected version win', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        const candidates = Array.from({ length: 20 }, (_, i) => changed(order, { state: i % 2 === 0 ? 'PAID' : 'CLOSED', queriedAt: iso(i) }));
        const results = await Promise.all(candidates.map((next) => store.replaceOrder(next, 0)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.getOrder(order.orderId)).toEqual(candidates[results.indexOf(true)]);
      });
    });

    describe('versions', () => {
      const refusal = (orderId: string) => expect.objectContaining({ name: 'InvalidVersionError', message: expect.stringContaining(orderId) });

      async function outcome(write: () => Promise<unknown>): Promise<unknown> {
        return write().then(
          (value) => ({ resolved: value }),
          (err: unknown) => err,
        );
      }

      it('refuses, writing nothing, a compare-and-set whose versions are not whole numbers in sequence', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        const bad: [number, number][] = [
          [NaN, 0],
          [undefined as unknown as number, 0],
          [1, undefined as unknown as number],
          [1, 0.5],
          [1, '0' as unknown as number],
          [Number.MAX_SAFE_INTEGER + 1, Number.MAX_SAFE_INTEGER],
          [3, 0],
          [0, 0],
        ];
        for (const [nextVersion, expected] of bad) {
          const error = await outcome(() => store.replaceOrder({ ...order, state: 'PAYING', version: nextVersion }, expected));
          expect([nextVersion, expected, error]).toEqual([nextVersion, expected, refusal(order.orderId)]);
          expect(error).toBeInstanceOf(InvalidVersionError);
          expect(error).not.toBeInstanceOf(StoreUnavailableError);
        }
        expect(await store.getOrder(order.orderId)).toEqual(order);
      });

      it.each([
        ['missing', undefined],
        ['null', null],
        ['a string', '2'],
        ['a fraction', 1.5],
      ])('refuses to read an order whose stored version is %s, and no writer wins over it', async (_what, version) => {
        const order = makeOrder();
        const doc: { _id: string } & Record<string, unknown> = { ...order, _id: order.orderId, version };
        if (version === undefined) delete doc.version;
        store = await harness.putOrderDocument(doc);
        const stored = await harness.orderDocument(order.orderId);

        expect(await outcome(() => store.getOrder(order.orderId))).toEqual(refusal(order.orderId));
        expect(await outcome(() => store.listDueOrders(iso(1000), 10))).toEqual(refusal(order.orderId));
        const writers = Array.from({ length: 5 }, (_, i) => outcome(() => store.replaceOrder({ ...order, state: 'PAID', version: NaN, queriedAt: iso(i) }, version as number)));
        for (const error of await Promise.all(writers)) expect(error).toEqual(refusal(order.orderId));
        expect(await harness.orderDocument(order.orderId)).toEqual(stored);
      });
    });

    describe('listing orders', () => {
      async function seedPayer(openid: string, count: number, tag: string): Promise<Order[]> {
        const orders: Order[] = [];
        for (let i = 0; i < count; i += 1) {
          // three orders share each createdAt, so the orderId tie-break matters
          orders.push(makeOrder({ openid, requestId: `${tag}-request-${i}`, createdAt: iso(Math.floor(i / 3)) }));
        }
        for (const order of [...orders].reverse()) await store.createOrder(order);
        return orders;
      }

      it('pages a payer’s orders newest first, without gaps or duplicates, never listing others', async () => {
        const mine = await seedPayer('o-payer-A', 23, 'a');
        await seedPayer('o-payer-B', 7, 'b');
        const seen: Order[] = [];
        let before: { createdAt: string; orderId: string } | undefined;
        for (let guard = 0; guard < 10; guard += 1) {
          const page = await store.listOrdersByOpenid('o-payer-A', { limit: 5, before });
          expect(page.length).toBeLessThanOrEqual(5);
          seen.push(...page);
          if (page.length < 5) break;
          const last = page[page.length - 1];
          before = { createdAt: last.createdAt, orderId: last.orderId };
        }
        expect(seen.map((o) => o.orderId)).toEqual([...mine].sort(newestFirst).map((o) => o.orderId));
        expect(seen.every((o) => o.openid === 'o-payer-A')).toBe(true);
        expect(await store.listOrdersByOpenid('o-payer-C', { limit: 5 })).toEqual([]);
      });

      it('lists due orders, most overdue first, never those with nothing to check', async () => {
        const checks: (string | null)[] = [iso(50), null, iso(10), iso(90), iso(10), null, iso(200)];
        const orders = checks.map((nextCheckAt, i) => makeOrder({ requestId: `due-request-${i}`, nextCheckAt }));
        for (const order of orders) await store.createOrder(order);
        const due = await store.listDueOrders(iso(90), 10);
        const tied = [orders[2], orders[4]].map((o) => o.orderId).sort();
        expect(due.map((o) => o.orderId)).toEqual([...tied, orders[0].orderId, orders[3].orderId]);
        expect((await store.listDueOrders(iso(90), 2)).map((o) => o.orderId)).toEqual(tied);
        expect(await store.listDueOrders(iso(5), 10)).toEqual([]);
      });

      it('pages due orders, most overdue first, without gaps or duplicates', async () => {
        const orders = Array.from({ length: 9 }, (_, i) => makeOrder({ requestId: `due-page-${i}`, nextCheckAt: i === 4 ? null : iso(Math.floor(i / 3) * 10) }));
        for (const order of orders) await store.createOrder(order);
        const due = orders.filter((o) => o.nextCheckAt !== null && o.nextCheckAt <= iso(20));
        due.sort((a, b) => (a.nextCheckAt! < b.nextCheckAt! ? -1 : a.nextCheckAt! > b.nextCheckAt! ? 1 : a.orderId < b.orderId ? -1 : 1));
        const seen = await idsPagedByTwo((last, limit) => store.listDueOrders(iso(20), limit, dueCursor(last)));
        expect(seen).toEqual(due.map((o) => o.orderId));
      });

      it('lists orders in given states, oldest first, created before a time, up to a limit', async () => {
        const states: OrderState[] = ['CREATED', 'PAYING', 'PAID', 'PAYING', 'REVIEW', 'CREATED', 'PAYING'];
        const orders = states.map((state, i) => makeOrder({ requestId: `state-request-${i}`, state, createdAt: iso(100 - i * 10) }));
        for (const order of orders) await store.createOrder(order);
        const pending = await store.listOrdersByState(['CREATED', 'PAYING'], { limit: 10 });
        expect(pending.map((o) => o.requestId)).toEqual(['state-request-6', 'state-request-5', 'state-request-3', 'state-request-1', 'state-request-0']);
        const older = await store.listOrdersByState(['CREATED', 'PAYING'], { createdBefore: iso(70), limit: 10 });
        expect(older.map((o) => o.requestId)).toEqual(['state-request-6', 'state-request-5']);
        const limited = await store.listOrdersByState(['PAYING', 'REVIEW'], { limit: 2 });
        expect(limited.map((o) => o.requestId)).toEqual(['state-request-6', 'state-request-4']);
        expect(await store.listOrdersByState([], { limit: 10 })).toEqual([]);
      });

      it('pages orders in given states, oldest first by (createdAt, orderId), without gaps or duplicates', async () => {
        const states: OrderState[] = ['REVIEW', 'PAYING', 'REVIEW', 'PAID', 'CREATED', 'REVIEW', 'PAYING', 'REVIEW'];
        // two orders share each createdAt, so the orderId tie-break matters
        const orders = states.map((state, i) => makeOrder({ requestId: `state-page-${i}`, state, createdAt: iso(Math.floor(i / 2) * 10) }));
        for (const order of [...orders].reverse()) await store.createOrder(order);
        const expected = (wanted: OrderState[], before: string) =>
          orders.filter((o) => wanted.includes(o.state) && o.createdAt < before).sort(newestFirst).reverse().map((o) => o.orderId);
        expect(await idsPagedByTwo((last, limit) => store.listOrdersByState(['REVIEW'], { limit, after: createdCursor(last) }))).toEqual(expected(['REVIEW'], iso(1000)));
        const older = await idsPagedByTwo((last, limit) => store.listOrdersByState(['CREATED', 'PAYING', 'REVIEW'], { createdBefore: iso(30), limit, after: createdCursor(last) }));
        expect(older).toEqual(expected(['CREATED', 'PAYING', 'REVIEW'], iso(30)));
      });

      it('lists orders with a refund open since before a time, oldest first', async () => {
        const since: (string | null)[] = [iso(30), null, iso(10), iso(60)];
        const orders = since.map((openRefundSince, i) => makeOrder({ requestId: `refund-open-${i}`, openRefundSince }));
        for (const order of orders) await store.createOrder(order);
        const open = await store.listOrdersWithOpenRefund(iso(60), 10);
        expect(open.map((o) => o.requestId)).toEqual(['refund-open-2', 'refund-open-0']);
        expect((await store.listOrdersWithOpenRefund(iso(60), { limit: 1 })).map((o) => o.requestId)).toEqual(['refund-open-2']);
      });

      it('pages orders with a refund open, oldest first by (openRefundSince, orderId), without gaps or duplicates', async () => {
        const since: (string | null)[] = [iso(30), null, iso(10), iso(30), iso(10), iso(30), iso(90)];
        const orders = since.map((openRefundSince, i) => makeOrder({ requestId: `refund-page-${i}`, openRefundSince }));
        for (const order of orders) await store.createOrder(order);
        const open = orders.filter((o) => o.openRefundSince !== null && o.openRefundSince < iso(60));
        open.sort((a, b) => (a.openRefundSince! < b.openRefundSince! ? -1 : a.openRefundSince! > b.openRefundSince! ? 1 : a.orderId < b.orderId ? -1 : 1));
        const seen = await idsPagedByTwo((last, limit) => store.listOrdersWithOpenRefund(iso(60), { limit, after: openRefundCursor(last) }));
        expect(seen).toEqual(open.map((o) => o.orderId));
      });

      it('pages orders created in a half-open range, oldest or newest first, without gaps or duplicates', async () => {
        const orders = Array.from({ length: 9 }, (_, i) => makeOrder({ openid: `o-payer-${i % 2}`, requestId: `range-request-${i}`, createdAt: iso(Math.floor(i / 2) * 60) }));
        for (const order of orders) await store.createOrder(order);
        const inRange = orders.filter((o) => o.createdAt >= iso(60) && o.createdAt < iso(240));
        const oldestFirst = [...inRange].sort(newestFirst).reverse().map((o) => o.orderId);
        for (const newest of [false, true]) {
          const seen: string[] = [];
          let after: { createdAt: string; orderId: string } | undefined;
          for (let guard = 0; guard < 10; guard += 1) {
            const page = await store.listOrdersCreatedBetween(iso(60), iso(240), { limit: 2, after, newestFirst: newest });
            if (page.length === 0) break;
            seen.push(...page.map((o) => o.orderId));
            const last = page[page.length - 1];
            after = { createdAt: last.createdAt, orderId: last.orderId };
          }
          expect(seen).toEqual(newest ? [...oldestFirst].reverse() : oldestFirst);
        }
      });

      it('pages orders paid in a half-open range, oldest payment first, never unpaid ones', async () => {
        const orders = Array.from({ length: 7 }, (_, i) =>
          makeOrder({ requestId: `paid-request-${i}`, ...(i % 3 === 2 ? {} : { state: 'PAID' as const, paidAt: iso(100 + Math.floor(i / 2) * 10) }) }),
        );
        for (const order of orders) await store.createOrder(order);
        const seen: string[] = [];
        let after: { paidAt: string; orderId: string } | undefined;
        for (let guard = 0; guard < 10; guard += 1) {
          const page = await store.listOrdersPaidBetween(iso(100), iso(130), { limit: 2, after });
          if (page.length === 0) break;
          seen.push(...page.map((o) => o.orderId));
          const last = page[page.length - 1];
          after = { paidAt: last.paidAt!, orderId: last.orderId };
        }
        const expected = orders.filter((o) => o.paidAt !== undefined && o.paidAt < iso(130));
        expected.sort((a, b) => (a.paidAt! < b.paidAt! ? -1 : a.paidAt! > b.paidAt! ? 1 : a.orderId < b.orderId ? -1 : 1));
        expect(seen).toEqual(expected.map((o) => o.orderId));
      });
    });

    describe('call-backs', () => {
      it('records call-backs verbatim and lists them newest first, of one order or of all', async () => {
        const body = '{"rsp_code":"SUCCESS","data":"q+/w==\\n","md5":"AB"}\r\nnon-ASCII: 支付 é';
        const headers = { 'content-type': 'application/json', 'x.dotted.name': 'v', $odd: '1' };
        const first = await store.recordCallback({ receivedAt: iso(10), orderId: 'O1', body, headers, verdict: 'verified' });
        const second = await store.recordCallback({ receivedAt: iso(20), body: 'data=broken', headers: {}, verdict: 'rejected: BAD_BASE64', bytes: 11, sha256: 'ab'.repeat(32) });
        const third = await store.recordCallback({ receivedAt: iso(30), body: 'x', headers: {} });
        expect(new Set([first, second, third]).size).toBe(3);

        expect(await store.listCallbacks({ orderId: 'O1', limit: 10 })).toEqual([{ id: first, receivedAt: iso(10), orderId: 'O1', body, headers, verdict: 'verified' }]);
        const all = await store.listCallbacks({ limit: 10 });
        expect(all.map((c) => c.id)).toEqual([third, second, first]);
        expect(all[1]).toEqual({ id: second, receivedAt: iso(20), body: 'data=broken', headers: {}, verdict: 'rejected: BAD_BASE64', bytes: 11, sha256: 'ab'.repeat(32) });
        expect((await store.listCallbacks({ limit: 2 })).map((c) => c.id)).toEqual([third, second]);
      });

      it('gives the same call-back twice two records', async () => {
        const raw = { receivedAt: iso(10), body: 'same', headers: { a: 'b' } };
        const ids = await Promise.all([store.recordCallback(raw), store.recordCallback(raw)]);
        expect(ids[0]).not.toBe(ids[1]);
        expect(await store.listCallbacks({ limit: 10 })).toHaveLength(2);
      });
    });

    describe('backend failure', () => {
      it('rejects writes with StoreUnavailableError', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        await harness.breakBackend();
        const attempts: Record<string, () => Promise<unknown>> = {
          createOrder: () => store.createOrder(makeOrder({ requestId: 'req-after-failure' })),
          replaceOrder: () => store.replaceOrder(changed(order, { state: 'PAYING' }), 0),
          recordCallback: () => store.recordCallback({ receivedAt: iso(1), body: 'b', headers: {} }),
        };
        for (const [what, attempt] of Object.entries(attempts)) {
          const error = await attempt().then(
            () => new Error(`${what} resolved`),
            (err: unknown) => err,
          );
          expect([what, error]).toEqual([what, expect.any(StoreUnavailableError)]);
        }
      });
    });
  });
}
