import type { OrderState } from '../../../typings/payments';
import { orderIdFor, refundIdFor, type AuditEntry, type Order, type RefundRecord } from '../../../server/orders/model';
import { InvalidTransitionError } from '../../../server/orders/state-machine';
import { RecordNotFoundError, StoreUnavailableError, type OrderStore } from '../../../server/orders/store';

export interface StoreHarness {
  store: OrderStore;
  /** From now on the backend fails (at least every write). */
  breakBackend(): Promise<void> | void;
  dispose(): Promise<void>;
}

/** Opens a fresh, empty store whose clock is `now`. */
export type StoreFactory = (now: () => Date) => Promise<StoreHarness>;

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const iso = (offsetSeconds: number) => new Date(T0 + offsetSeconds * 1000).toISOString();

export function makeOrder(overrides: Partial<Order> & { openid?: string; requestId?: string } = {}): Order {
  const openid = overrides.openid ?? 'o-payer-1';
  const requestId = overrides.requestId ?? 'req-00000001';
  const createdAt = overrides.createdAt ?? iso(0);
  return {
    orderId: orderIdFor(openid, requestId),
    openid,
    appid: 'wx0123456789abcdef',
    requestId,
    channel: 'MINIPROGRAM',
    state: 'CREATED',
    amountCents: 1250,
    tipCents: 150,
    currency: 'CAD',
    refundedCents: 0,
    reservedRefundCents: 0,
    version: 0,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

export function makeRefund(order: Order, requestId: string, overrides: Partial<RefundRecord> = {}): RefundRecord {
  return {
    refundId: refundIdFor(order.orderId, requestId),
    orderId: order.orderId,
    requestId,
    amountCents: 300,
    state: 'PENDING',
    requestedBy: 'o-staff-1',
    version: 0,
    createdAt: iso(100),
    updatedAt: iso(100),
    ...overrides,
  };
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
      it('creates an order and reads it back unchanged', async () => {
        const order = makeOrder({ ott: { codeUrl: 'weixin://wxpay/bizpayurl?pr=abc' } });
        const result = await store.createOrder(order);
        expect(result).toEqual({ created: true, order });
        expect(await store.getOrder(order.orderId)).toEqual(order);
      });

      it('returns the first order, unchanged, when the same id is created again', async () => {
        const first = makeOrder();
        await store.createOrder(first);
        const second = { ...first, amountCents: 9999, createdAt: iso(5), updatedAt: iso(5) };
        const result = await store.createOrder(second);
        expect(result).toEqual({ created: false, order: first });
        expect(await store.getOrder(first.orderId)).toEqual(first);
      });

      it('answers null for an order that does not exist', async () => {
        expect(await store.getOrder('20240501NOSUCHORDER000000000')).toBeNull();
      });

      it('applies a compare-and-set when state and version match, bumping version and updatedAt', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        const payment = { timeStamp: '1714564800', nonceStr: 'n0nce', package: 'prepay_id=wx1', signType: 'MD5' as const, paySign: 'ABC' };
        const updated = await store.updateOrderIf(order.orderId, { state: 'CREATED', version: 0 }, {
          state: 'PAYING',
          payment,
          ott: { codeUrl: 'weixin://x' },
        });
        expect(updated).toEqual({ ...order, state: 'PAYING', payment, ott: { codeUrl: 'weixin://x' }, version: 1, updatedAt: clock.toISOString() });
        expect(await store.getOrder(order.orderId)).toEqual(updated);
      });

      it('refuses a compare-and-set with a stale version', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        await store.updateOrderIf(order.orderId, { state: 'CREATED', version: 0 }, { lastQueriedAt: iso(10) });
        const stale = await store.updateOrderIf(order.orderId, { state: 'CREATED', version: 0 }, { state: 'PAYING' });
        expect(stale).toBeNull();
        expect(await store.getOrder(order.orderId)).toMatchObject({ state: 'CREATED', version: 1, lastQueriedAt: iso(10) });
      });

      it('refuses a compare-and-set with the wrong state', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        expect(await store.updateOrderIf(order.orderId, { state: 'PAYING', version: 0 }, { state: 'PAID' })).toBeNull();
        expect(await store.getOrder(order.orderId)).toEqual(order);
      });

      it('answers null to a compare-and-set on a missing order', async () => {
        expect(await store.updateOrderIf('20240501MISSING0000000000000', { state: 'CREATED', version: 0 }, { state: 'PAYING' })).toBeNull();
      });

      it('merges ott details key by key and leaves fields given as undefined alone', async () => {
        const order = makeOrder({ ott: { codeUrl: 'weixin://x' }, reviewReason: 'kept' });
        await store.createOrder(order);
        const paid = await store.updateOrderIf(order.orderId, { state: 'CREATED', version: 0 }, {
          state: 'PAID',
          paidAt: iso(30),
          ott: { saleNum: 'S1', finishTime: '20240501120030' },
          reviewReason: undefined,
        });
        expect(paid?.ott).toEqual({ codeUrl: 'weixin://x', saleNum: 'S1', finishTime: '20240501120030' });
        expect(paid?.reviewReason).toBe('kept');
        expect(await store.getOrder(order.orderId)).toEqual(paid);
      });

      it('allows an update that keeps the state, and forbids a backward transition', async () => {
        const order = makeOrder({ state: 'PAID', paidAt: iso(1) });
        await store.createOrder(order);
        const partly = await store.updateOrderIf(order.orderId, { state: 'PAID', version: 0 }, {
          state: 'PARTIALLY_REFUNDED',
          refundedCents: 100,
          reservedRefundCents: 300,
        });
        const more = await store.updateOrderIf(order.orderId, { state: 'PARTIALLY_REFUNDED', version: 1 }, {
          state: 'PARTIALLY_REFUNDED',
          refundedCents: 200,
        });
        expect(more).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedCents: 200, reservedRefundCents: 300, version: 2 });
        expect(partly?.version).toBe(1);
        await expect(
          store.updateOrderIf(order.orderId, { state: 'PARTIALLY_REFUNDED', version: 2 }, { state: 'PAID' }),
        ).rejects.toBeInstanceOf(InvalidTransitionError);
        expect(await store.getOrder(order.orderId)).toEqual(more);
      });

      it('lets exactly one of 20 concurrent compare-and-sets with the same expectation win', async () => {
        const order = makeOrder();
        await store.createOrder(order);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.updateOrderIf(order.orderId, { state: 'CREATED', version: 0 }, {
              state: i % 2 === 0 ? 'PAID' : 'CLOSED',
              lastQueriedAt: iso(i),
            }),
          ),
        );
        const winners = results.filter((r): r is Order => r !== null);
        expect(winners).toHaveLength(1);
        expect(await store.getOrder(order.orderId)).toEqual(winners[0]);
        expect(winners[0].version).toBe(1);
      });
    });

    describe('listing orders', () => {
      async function seedPayer(openid: string, count: number, tag: string): Promise<Order[]> {
        const orders: Order[] = [];
        for (let i = 0; i < count; i += 1) {
          // three orders share each createdAt, so the orderId tie-break matters
          const order = makeOrder({ openid, requestId: `${tag}-request-${i}`, createdAt: iso(Math.floor(i / 3)) });
          orders.push(order);
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

      it('lists orders in given states, oldest update first, before a time, up to a limit', async () => {
        const states: OrderState[] = ['CREATED', 'PAYING', 'PAID', 'PAYING', 'CLOSED', 'CREATED', 'PAYING'];
        const orders = states.map((state, i) =>
          makeOrder({ requestId: `state-request-${i}`, state, createdAt: iso(0), updatedAt: iso(100 - i * 10) }),
        );
        for (const order of orders) await store.createOrder(order);
        const pending = await store.listOrdersByState(['CREATED', 'PAYING'], { limit: 10 });
        expect(pending.map((o) => o.requestId)).toEqual(['state-request-6', 'state-request-5', 'state-request-3', 'state-request-1', 'state-request-0']);
        const older = await store.listOrdersByState(['CREATED', 'PAYING'], { updatedBefore: iso(70), limit: 10 });
        expect(older.map((o) => o.requestId)).toEqual(['state-request-6', 'state-request-5']);
        const limited = await store.listOrdersByState(['PAYING', 'PAID'], { limit: 2 });
        expect(limited.map((o) => o.requestId)).toEqual(['state-request-6', 'state-request-3']);
        expect(await store.listOrdersByState([], { limit: 10 })).toEqual([]);
      });

      it('lists orders created in a half-open range, newest first, up to a limit', async () => {
        const orders = Array.from({ length: 6 }, (_, i) =>
          makeOrder({ openid: `o-payer-${i % 2}`, requestId: `range-request-${i}`, createdAt: iso(i * 60) }),
        );
        for (const order of orders) await store.createOrder(order);
        const inRange = await store.listOrdersCreatedBetween(iso(60), iso(240), 10);
        expect(inRange.map((o) => o.requestId)).toEqual(['range-request-3', 'range-request-2', 'range-request-1']);
        const limited = await store.listOrdersCreatedBetween(iso(0), iso(1000), 2);
        expect(limited.map((o) => o.requestId)).toEqual(['range-request-5', 'range-request-4']);
      });
    });

    describe('refunds', () => {
      it('creates a refund once, lists an order’s refunds oldest first, and compare-and-sets them', async () => {
        const order = makeOrder({ state: 'PAID' });
        const other = makeOrder({ requestId: 'req-other-1', state: 'PAID' });
        const first = makeRefund(order, 'refund-req-1', { createdAt: iso(200), updatedAt: iso(200) });
        const second = makeRefund(order, 'refund-req-2', { createdAt: iso(300), updatedAt: iso(300), amountCents: 50 });
        expect(await store.createRefund(second)).toEqual({ created: true, refund: second });
        expect(await store.createRefund(first)).toEqual({ created: true, refund: first });
        await store.createRefund(makeRefund(other, 'refund-req-1'));
        expect(await store.createRefund({ ...first, amountCents: 1 })).toEqual({ created: false, refund: first });
        expect(await store.listRefunds(order.orderId)).toEqual([first, second]);

        const done = await store.updateRefundIf(first.refundId, { state: 'PENDING', version: 0 }, { state: 'SUCCEEDED' });
        expect(done).toEqual({ ...first, state: 'SUCCEEDED', version: 1, updatedAt: clock.toISOString() });
        expect(await store.updateRefundIf(first.refundId, { state: 'PENDING', version: 0 }, { state: 'FAILED' })).toBeNull();
        expect(await store.updateRefundIf(first.refundId, { state: 'PENDING', version: 1 }, { state: 'FAILED' })).toBeNull();
        expect(await store.updateRefundIf('RNOSUCHREFUND', { state: 'PENDING', version: 0 }, { state: 'FAILED' })).toBeNull();
        const failed = await store.updateRefundIf(second.refundId, { state: 'PENDING', version: 0 }, { state: 'FAILED', failureCode: 'ORDER_NOT_EXIST' });
        expect(failed).toMatchObject({ state: 'FAILED', failureCode: 'ORDER_NOT_EXIST', version: 1 });
        expect(await store.listRefunds(order.orderId)).toEqual([done, failed]);
      });
    });

    describe('audit', () => {
      it('lists an order’s entries oldest first, in the order appended when times are equal', async () => {
        const entries: AuditEntry[] = [
          { orderId: 'A1', at: iso(0), from: null, to: 'CREATED', cause: 'create' },
          { orderId: 'A1', at: iso(1), from: 'CREATED', to: 'PAYING', cause: 'create', detail: { ottCode: 'SUCCESS' } },
          { orderId: 'A2', at: iso(1), from: null, to: 'CREATED', cause: 'create' },
          { orderId: 'A1', at: iso(2), from: 'PAYING', to: 'PAID', cause: 'callback', detail: { amount: 1400, tip: null, verified: true } },
          { orderId: 'A1', at: iso(2), from: 'PAID', to: 'PARTIALLY_REFUNDED', cause: 'refund' },
        ];
        for (const entry of entries) await store.appendAudit(entry);
        const listed = await store.listAudit('A1');
        expect(listed.map(({ id: _id, ...rest }) => rest)).toEqual(entries.filter((e) => e.orderId === 'A1'));
        expect(new Set(listed.map((e) => e.id)).size).toBe(4);
        expect(listed.every((e) => typeof e.id === 'string' && e.id.length > 0)).toBe(true);
        expect(await store.listAudit('A3')).toEqual([]);
      });
    });

    describe('call-backs', () => {
      it('records call-backs verbatim, updates their verdict and lists them newest first', async () => {
        const body = '{"rsp_code":"SUCCESS","data":"q+/w==\\n","md5":"AB"}\r\nnon-ASCII: 支付 é';
        const headers = { 'content-type': 'application/json', 'x.dotted.name': 'v', $odd: '1' };
        const first = await store.recordCallback({ receivedAt: iso(10), body, headers });
        const second = await store.recordCallback({ receivedAt: iso(20), body: 'data=broken', headers: {} });
        const third = await store.recordCallback({ receivedAt: iso(30), body: 'x', headers: {}, verdict: 'unparsable' });
        expect(new Set([first, second, third]).size).toBe(3);

        await store.updateCallback(first, { orderId: 'O1', verdict: 'paid' });
        await store.updateCallback(second, { verdict: 'bad_signature' });

        expect(await store.listCallbacks({ orderId: 'O1', limit: 10 })).toEqual([
          { id: first, receivedAt: iso(10), orderId: 'O1', body, headers, verdict: 'paid' },
        ]);
        const all = await store.listCallbacks({ limit: 10 });
        expect(all.map((c) => c.id)).toEqual([third, second, first]);
        expect(all[1]).toEqual({ id: second, receivedAt: iso(20), body: 'data=broken', headers: {}, verdict: 'bad_signature' });
        expect((await store.listCallbacks({ limit: 2 })).map((c) => c.id)).toEqual([third, second]);
        await expect(store.updateCallback('no-such-callback', { verdict: 'x' })).rejects.toBeInstanceOf(RecordNotFoundError);
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
          updateOrderIf: () => store.updateOrderIf(order.orderId, { state: 'CREATED', version: 0 }, { state: 'PAYING' }),
          createRefund: () => store.createRefund(makeRefund(order, 'refund-after-failure')),
          appendAudit: () => store.appendAudit({ orderId: order.orderId, at: iso(1), from: null, to: 'CREATED', cause: 'create' }),
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
