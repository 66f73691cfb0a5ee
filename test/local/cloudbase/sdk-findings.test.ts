/**
 * What the real SDKs do on the wire that a hand-written imitation of their API hid, and what the
 * order store does about it, against the local CloudBase database in-process.
 */
import { LocalCloudBaseDatabase } from '../../../local/cloudbase/database';
import { inProcessDatabase, releaseInProcess, type SdkName } from '../../../local/cloudbase/sdk-bindings';
import { createCloudBaseStore } from '../../../server/orders/cloudbase-store';
import { orderToDocument } from '../../../server/orders/documents';
import { COLLECTIONS, InvalidVersionError, StoreUnavailableError, type OrderStore } from '../../../server/orders/store';
import { makeOrder } from '../../server/orders/store-contract';

type Db = {
  collection(name: string): {
    where(condition: object): { update(arg: object): Promise<unknown>; limit(n: number): { get(): Promise<{ data: unknown[] }> }; orderBy(f: string, d: string): { get(): Promise<unknown> } };
    add(arg: object): Promise<unknown>;
  };
};

describe.each(['wx-server-sdk', 'node-sdk'] as SdkName[])('%s against the local CloudBase database', (sdk) => {
  let database: LocalCloudBaseDatabase;
  let db: Db;
  let store: OrderStore;
  const wrap = (data: object) => (sdk === 'wx-server-sdk' ? { data } : data);

  beforeEach(async () => {
    database = new LocalCloudBaseDatabase({});
    for (const name of Object.values(COLLECTIONS)) await database.createCollection(name);
    const bound = inProcessDatabase(database, sdk);
    db = bound as unknown as Db;
    store = createCloudBaseStore(bound, { wrapWrites: sdk === 'wx-server-sdk' });
  });
  afterEach(() => {
    database.close();
    releaseInProcess(database);
  });

  it('drops an undefined value from a filter: an update filtered on { _id, version: undefined } matches whatever version is stored', async () => {
    await database.putDocument(COLLECTIONS.orders, { _id: 'o-1', version: 'not a number', note: 'before' });
    const reply = (await db.collection(COLLECTIONS.orders).where({ _id: 'o-1', version: undefined }).update(wrap({ note: 'after' }))) as { stats?: { updated: number }; updated?: number };
    expect(reply.stats?.updated ?? reply.updated).toBe(1);
    expect(await database.document(COLLECTIONS.orders, 'o-1')).toMatchObject({ note: 'after' });
  });

  it('so the order store refuses to read or write an order whose version is not a whole number, and writes nothing', async () => {
    const order = makeOrder();
    const { version: _dropped, ...withoutVersion } = orderToDocument(order);
    await database.putDocument(COLLECTIONS.orders, withoutVersion as typeof withoutVersion & { _id: string });
    await expect(store.getOrder(order.orderId)).rejects.toBeInstanceOf(InvalidVersionError);
    await expect(store.replaceOrder({ ...order, state: 'CLOSED', version: Number.NaN }, undefined as unknown as number)).rejects.toBeInstanceOf(InvalidVersionError);
    expect(await database.document(COLLECTIONS.orders, order.orderId)).toMatchObject({ state: order.state });
    expect(await database.document(COLLECTIONS.orders, order.orderId)).not.toHaveProperty('version');
  });

  it('lets exactly one of 20 concurrent compare-and-sets on one order win', async () => {
    const order = makeOrder();
    await store.createOrder(order);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.replaceOrder({ ...order, tipCents: i, version: order.version + 1 }, order.version)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await store.getOrder(order.orderId);
    expect(stored?.version).toBe(order.version + 1);
    expect(stored?.tipCents).toBe(results.indexOf(true));
  });

  it('finds an order whose insert landed though its answer was lost, and keeps it once', async () => {
    const order = makeOrder();
    database.failNext(1, { ops: ['add'], afterWrite: true });
    const first = await store.createOrder(order);
    expect(first.order).toEqual(order);
    expect((await store.createOrder(order)).created).toBe(false);
    expect((await database.documents(COLLECTIONS.orders)).filter((d) => d._id === order.orderId)).toHaveLength(1);
  });

  it('reports an update whose answer was lost as a failure, and the write is there for the next read to see', async () => {
    const order = makeOrder();
    await store.createOrder(order);
    database.failNext(1, { ops: ['update'], afterWrite: true });
    await expect(store.replaceOrder({ ...order, state: 'PAYING', version: order.version + 1 }, order.version)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.getOrder(order.orderId)).toMatchObject({ state: 'PAYING', version: order.version + 1 });
    expect(await store.replaceOrder({ ...order, state: 'CLOSED', version: order.version + 1 }, order.version)).toBe(false);
  });

  it('gives at most 1,000 documents to one query, whatever limit is asked', async () => {
    for (let i = 0; i < 1005; i += 1) await database.putDocument(COLLECTIONS.callbacks, { _id: `cb-${String(i).padStart(5, '0')}`, orderId: 'O-1', receivedAt: '2026-01-01T00:00:00.000Z' });
    const reply = await db.collection(COLLECTIONS.callbacks).where({ orderId: 'O-1' }).limit(5000).get();
    expect(reply.data).toHaveLength(1000);
  });

  it('is refused a query no declared index serves, with the index to declare', async () => {
    const failure = await db.collection(COLLECTIONS.orders).where({ state: 'PAID' }).orderBy('paidAt', 'desc').get().then(
      (reply) => reply,
      (error: unknown) => error,
    );
    // wx-server-sdk throws; node-sdk throws as well, both keep the server's words
    expect(String((failure as { errMsg?: string; message?: string }).errMsg ?? (failure as Error).message)).toMatch(/no declared index serves this query \(filter on: state; sort: paidAt desc\)/);
  });

  it('says which deployment step is missing when a collection does not exist', async () => {
    const bare = new LocalCloudBaseDatabase({});
    const bareStore = createCloudBaseStore(inProcessDatabase(bare, sdk), { wrapWrites: sdk === 'wx-server-sdk' });
    const failure = await bareStore.getOrder('O-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(/collection orders does not exist \(README, Deploying, step 7/);
    const cause = (failure as StoreUnavailableError).cause as { errCode?: number; code?: string; message?: string; errMsg?: string };
    if (sdk === 'wx-server-sdk') expect(cause.errCode).toBe(-502005);
    else expect(cause.code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    expect(cause.errMsg ?? cause.message).toMatch(/Db or Table not exist: orders/);
    releaseInProcess(bare);
  });
});
