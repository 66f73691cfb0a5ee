import type { Db } from '@cloudbase/database';
import {
  createCloudBaseStore,
  isDuplicateKeyError,
  type CloudBaseDatabaseLike,
} from '../../../server/orders/cloudbase-store';
import { CLOUDBASE_INDEXES } from '../../../server/orders/indexes';
import { COLLECTIONS, StoreUnavailableError } from '../../../server/orders/store';
import { FakeCloudBase, type FakeCloudBaseOptions } from './fake-cloudbase';
import { makeOrder, orderStoreContract } from './store-contract';

type WxDatabase = ReturnType<(typeof import('wx-server-sdk'))['database']>;

// Compile-time only: both SDKs' database objects are accepted without a cast.
export const acceptsWxServerSdk = (db: WxDatabase): CloudBaseDatabaseLike => db;
export const acceptsNodeSdk = (db: Db): CloudBaseDatabaseLike => db;

const configs: [string, FakeCloudBaseOptions, boolean][] = [
  ['cloudbase-store over wx-server-sdk', { mode: 'wx-server-sdk' }, true],
  ['cloudbase-store over node-sdk', { mode: 'node-sdk' }, false],
  ['cloudbase-store over node-sdk with throwOnCode off', { mode: 'node-sdk', throwOnCode: false }, false],
];

for (const [name, fakeOptions, wrapWrites] of configs) {
  orderStoreContract(name, async (now) => {
    const fake = new FakeCloudBase(fakeOptions);
    const store = createCloudBaseStore(fake.database, { wrapWrites, now });
    return {
      store,
      breakBackend: () => fake.setUnavailable(true),
      putOrderDocument: async (doc) => {
        fake.putDocument(COLLECTIONS.orders, doc);
        return store;
      },
      orderDocument: async (id) => fake.documents(COLLECTIONS.orders).find((doc) => doc._id === id),
      dispose: async () => undefined,
    };
  });
}

/** A collection whose queries record their sort as "collection field:direction,…". */
function recordingSorts(collection: ReturnType<FakeCloudBase['database']['collection']>, name: string, sorts: string[]): unknown {
  const wrap = (query: ReturnType<FakeCloudBase['database']['collection']>, fields: string[]): unknown => ({
    where: (condition: object) => wrap(query.where(condition) as typeof query, fields),
    orderBy: (field: string, direction: string) => wrap(query.orderBy(field, direction) as typeof query, [...fields, `${field}:${direction}`]),
    limit: (max: number) => wrap(query.limit(max) as typeof query, fields),
    get: () => {
      sorts.push(`${name} ${fields.join(',')}`);
      return query.get();
    },
  });
  return wrap(collection, []);
}

describe('cloudbase-store', () => {
  const setup = (options: FakeCloudBaseOptions = { mode: 'wx-server-sdk' }) => {
    const fake = new FakeCloudBase(options);
    const store = createCloudBaseStore(fake.database, { wrapWrites: options.mode === 'wx-server-sdk' });
    return { fake, store };
  };

  it('stores an order under its orderId, in the collection named orders', async () => {
    const { fake, store } = setup();
    const order = makeOrder();
    await store.createOrder(order);
    expect(fake.documents('orders')).toEqual([{ ...order, _id: order.orderId }]);
  });

  it('stores call-back headers as name/value pairs', async () => {
    const { fake, store } = setup({ mode: 'node-sdk' });
    const id = await store.recordCallback({ receivedAt: '2024-05-01T12:00:00.000Z', body: 'b', headers: { 'x.a': '1' } });
    expect(fake.documents('ott_callbacks')).toEqual([
      { _id: id, receivedAt: '2024-05-01T12:00:00.000Z', body: 'b', headers: [{ name: 'x.a', value: '1' }] },
    ]);
  });

  it('finds the existing order when a duplicate _id comes back as DATABASE_DUPLICATE_WRITE, whose code wx-server-sdk drops', async () => {
    const { store } = setup({ mode: 'wx-server-sdk', duplicateCode: 'DATABASE_DUPLICATE_WRITE' });
    const order = makeOrder();
    await store.createOrder(order);
    expect(await store.createOrder({ ...order, tipCents: 0 })).toEqual({ created: false, order });
  });

  it('reports created=false for an add whose reply was lost after it landed', async () => {
    const { fake, store } = setup();
    const order = makeOrder();
    fake.failNext(1, { ops: ['add'], afterWrite: true });
    expect(await store.createOrder(order)).toEqual({ created: false, order });
  });

  it('throws StoreUnavailableError when an add fails and nothing was written', async () => {
    const { fake, store } = setup();
    fake.failNext(1, { ops: ['add'] });
    await expect(store.createOrder(makeOrder())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(fake.documents('orders')).toEqual([]);
  });

  it.each(['wx-server-sdk', 'node-sdk'] as const)('throws StoreUnavailableError when reads fail (%s)', async (mode) => {
    const { fake, store } = setup({ mode });
    const order = makeOrder();
    await store.createOrder(order);
    fake.failNext(1, { ops: ['get'] });
    await expect(store.getOrder(order.orderId)).rejects.toBeInstanceOf(StoreUnavailableError);
    fake.failNext(1, { ops: ['get'] });
    await expect(store.listOrdersByOpenid(order.openid, { limit: 5 })).rejects.toBeInstanceOf(StoreUnavailableError);
    fake.failNext(1, { ops: ['update'] });
    await expect(store.replaceOrder({ ...order, state: 'PAYING', version: 1 }, 0)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.getOrder(order.orderId)).toEqual(order);
  });

  it('writes in the dialect it is told to use', async () => {
    const unwrappedOnWx = createCloudBaseStore(new FakeCloudBase({ mode: 'wx-server-sdk' }).database, { wrapWrites: false });
    await expect(unwrappedOnWx.createOrder(makeOrder())).rejects.toBeInstanceOf(StoreUnavailableError);

    const nodeFake = new FakeCloudBase({ mode: 'node-sdk' });
    const wrappedOnNode = createCloudBaseStore(nodeFake.database, { wrapWrites: true });
    await wrappedOnNode.createOrder(makeOrder());
    expect(Object.keys(nodeFake.documents('orders')[0]).sort()).toEqual(['_id', 'data']);
  });

  it('lists the indexes of every collection, each listing’s sort with its tie-break', () => {
    const fields = (name: keyof typeof CLOUDBASE_INDEXES) => CLOUDBASE_INDEXES[name].map((i) => i.fields.map((f) => `${f.field}:${f.direction}`).join(','));
    expect(Object.keys(CLOUDBASE_INDEXES).sort()).toEqual(Object.values(COLLECTIONS).sort());
    expect(fields('orders')).toEqual([
      'openid:asc,createdAt:desc,orderId:desc',
      'nextCheckAt:asc,orderId:asc',
      'state:asc,createdAt:asc,orderId:asc',
      'openRefundSince:asc,orderId:asc',
      'createdAt:desc,orderId:desc',
      'paidAt:asc,orderId:asc',
    ]);
    expect(fields('ott_callbacks')).toEqual(['orderId:asc,receivedAt:desc,_id:desc', 'receivedAt:desc,_id:desc']);
  });

  it('sorts every listing by fields an index holds in that order', async () => {
    const fake = new FakeCloudBase({ mode: 'wx-server-sdk' });
    const sorts: string[] = [];
    const database = {
      command: fake.database.command,
      collection: (name: string) => recordingSorts(fake.database.collection(name), name, sorts),
    };
    const store = createCloudBaseStore(database, { wrapWrites: true });
    const cursor = { createdAt: 'a', orderId: 'b' };
    await store.listOrdersByOpenid('o', { limit: 1, before: cursor });
    await store.listDueOrders('z', 1, { nextCheckAt: 'a', orderId: 'b' });
    await store.listOrdersByState(['REVIEW'], { limit: 1, after: cursor });
    await store.listOrdersWithOpenRefund('z', { limit: 1, after: { openRefundSince: 'a', orderId: 'b' } });
    await store.listOrdersCreatedBetween('a', 'z', { limit: 1, after: cursor });
    await store.listOrdersCreatedBetween('a', 'z', { limit: 1, after: cursor, newestFirst: true });
    await store.listOrdersPaidBetween('a', 'z', { limit: 1, after: { paidAt: 'a', orderId: 'b' } });
    await store.listCallbacks({ limit: 1 });
    await store.listCallbacks({ orderId: 'o', limit: 1 });
    const flip = (sort: string) => sort.replace(/asc|desc/g, (d) => (d === 'asc' ? 'desc' : 'asc'));
    for (const sort of sorts) {
      const [collection, fields] = sort.split(' ');
      // an index serves its own order, read forwards or backwards, and any prefix of it after an equality on its first fields
      const served = CLOUDBASE_INDEXES[collection as keyof typeof CLOUDBASE_INDEXES].some((index) => {
        const all = index.fields.map((f) => `${f.field}:${f.direction}`).join(',');
        return [fields, flip(fields)].some((wanted) => all === wanted || all.endsWith(`,${wanted}`));
      });
      expect([sort, served]).toEqual([sort, true]);
    }
  });

  it.each([
    ['node-sdk', { code: 'DATABASE_COLLECTION_NOT_EXIST', message: 'Db or Table not exist: orders' }],
    ['wx-server-sdk', Object.assign(new Error('collection.get:fail -502005 database collection not exists. [ResourceNotFound] Db or Table not exist: orders'), { errCode: -502005 })],
  ])('names the missing collection and the deployment step when it was never created (%s)', async (_sdk, failure) => {
    const query = { where: () => query, orderBy: () => query, limit: () => query, get: () => Promise.reject(failure), update: () => Promise.reject(failure), add: () => Promise.reject(failure) };
    const store = createCloudBaseStore({ command: {}, collection: () => query }, { wrapWrites: true });
    const error = await store.getOrder('X').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe('getOrder failed: the collection orders does not exist (README, Deploying, step 7: Database)');
    expect(await store.listCallbacks({ limit: 1 }).catch((e: Error) => e.message)).toContain('the collection ott_callbacks does not exist');
  });

  describe('isDuplicateKeyError', () => {
    const e11000 =
      '[FailedOperation.Insert] bulk write error: [{E11000 duplicate key error collection: tnt-abc.orders index: _id_ dup key: { _id: "X" }}]';

    it('recognises what the SDKs produce for a duplicate key', () => {
      expect(isDuplicateKeyError(Object.assign(new Error(e11000), { code: 'DATABASE_REQUEST_FAILED', requestId: 'r' }))).toBe(true);
      expect(isDuplicateKeyError({ code: 'DATABASE_DUPLICATE_WRITE', message: 'duplicate write' })).toBe(true);
      const wx = `collection.add:fail -502001 database request fail. ${e11000}`;
      expect(isDuplicateKeyError(Object.assign(new Error(wx), { errCode: -502001, errMsg: wx }))).toBe(true);
      expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    });

    it('recognises the fake’s duplicate errors in both dialects', async () => {
      for (const options of [{ mode: 'wx-server-sdk' }, { mode: 'node-sdk' }, { mode: 'node-sdk', throwOnCode: false }] as FakeCloudBaseOptions[]) {
        const fake = new FakeCloudBase(options);
        const coll = fake.database.collection('orders');
        const doc = { _id: 'D1', a: 1 };
        const arg = options.mode === 'wx-server-sdk' ? { data: doc } : doc;
        await coll.add(arg);
        const second = await coll.add(arg).then(
          (res) => res,
          (err: unknown) => err,
        );
        expect(isDuplicateKeyError(second)).toBe(true);
      }
    });

    it('does not take other failures for duplicates', () => {
      expect(isDuplicateKeyError(new Error('collection.add:fail -501001 system error. request timed out'))).toBe(false);
      expect(isDuplicateKeyError({ code: 'DATABASE_PERMISSION_DENIED', message: 'permission denied' })).toBe(false);
      expect(isDuplicateKeyError(null)).toBe(false);
      expect(isDuplicateKeyError('ETIMEDOUT')).toBe(false);
    });
  });
});
