/**
 * The production store adapter through both real SDKs against the local CloudBase database
 * (in-process: the SDK builds every request as on the wire, and the database answers as CloudBase).
 */
import type { Db } from '@cloudbase/database';
import { LocalCloudBaseDatabase, type DatabaseSwitches } from '../../../local/cloudbase/database';
import { inProcessDatabase, releaseInProcess, type SdkName } from '../../../local/cloudbase/sdk-bindings';
import { createCloudBaseStore, isDuplicateKeyError, type CloudBaseDatabaseLike } from '../../../server/orders/cloudbase-store';
import { CLOUDBASE_INDEXES } from '../../../server/orders/indexes';
import { COLLECTIONS, StoreUnavailableError } from '../../../server/orders/store';
import { makeOrder, orderStoreContract } from './store-contract';

type WxDatabase = ReturnType<(typeof import('wx-server-sdk'))['database']>;

// Compile-time only: both SDKs' database objects are accepted without a cast.
export const acceptsWxServerSdk = (db: WxDatabase): CloudBaseDatabaseLike => db;
export const acceptsNodeSdk = (db: Db): CloudBaseDatabaseLike => db;

const SDKS: SdkName[] = ['wx-server-sdk', 'node-sdk'];
const opened: LocalCloudBaseDatabase[] = [];

/** A fresh database with both collections, in memory unless given a folder. */
async function openDatabase(options: { dir?: string; switches?: Partial<DatabaseSwitches> } = {}): Promise<LocalCloudBaseDatabase> {
  const database = new LocalCloudBaseDatabase(options);
  for (const name of Object.values(COLLECTIONS)) await database.createCollection(name);
  opened.push(database);
  return database;
}

afterEach(() => {
  for (const database of opened.splice(0)) {
    database.close();
    releaseInProcess(database);
  }
});

const storeOver = (database: LocalCloudBaseDatabase, sdk: SdkName, now?: () => Date) =>
  createCloudBaseStore(inProcessDatabase(database, sdk), { wrapWrites: sdk === 'wx-server-sdk', now });

for (const sdk of SDKS) {
  orderStoreContract(`cloudbase-store through ${sdk} against the local CloudBase database`, async (now) => {
    const database = await openDatabase();
    const store = storeOver(database, sdk, now);
    return {
      store,
      breakBackend: () => {
        database.unavailable = true;
      },
      putOrderDocument: async (doc) => {
        await database.putDocument(COLLECTIONS.orders, doc);
        return store;
      },
      orderDocument: (id) => database.document(COLLECTIONS.orders, id),
      dispose: async () => undefined,
    };
  });
}

describe.each(SDKS)('cloudbase-store through %s', (sdk) => {
  it('stores an order under its orderId, in the collection named orders', async () => {
    const database = await openDatabase();
    const order = makeOrder();
    await storeOver(database, sdk).createOrder(order);
    expect(await database.documents('orders')).toEqual([{ ...order, _id: order.orderId }]);
  });

  it('stores call-back headers as name/value pairs', async () => {
    const database = await openDatabase();
    const id = await storeOver(database, sdk).recordCallback({ receivedAt: '2024-05-01T12:00:00.000Z', body: 'b', headers: { 'x.a': '1' } });
    expect(await database.documents('ott_callbacks')).toEqual([{ _id: id, receivedAt: '2024-05-01T12:00:00.000Z', body: 'b', headers: [{ name: 'x.a', value: '1' }] }]);
  });

  it.each(['DATABASE_DUPLICATE_WRITE', 'DATABASE_REQUEST_FAILED'] as const)('finds the existing order when a duplicate _id is answered %s', async (duplicateCode) => {
    const store = storeOver(await openDatabase({ switches: { duplicateCode } }), sdk);
    const order = makeOrder();
    await store.createOrder(order);
    expect(await store.createOrder({ ...order, tipCents: 0 })).toEqual({ created: false, order });
  });

  it('throws StoreUnavailableError when an add fails and nothing was written', async () => {
    const database = await openDatabase();
    database.failNext(1, { ops: ['add'] });
    await expect(storeOver(database, sdk).createOrder(makeOrder())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await database.documents('orders')).toEqual([]);
  });

  it('throws StoreUnavailableError when reads or writes fail, and changes nothing', async () => {
    const database = await openDatabase();
    const store = storeOver(database, sdk);
    const order = makeOrder();
    await store.createOrder(order);
    database.failNext(1, { ops: ['get'] });
    await expect(store.getOrder(order.orderId)).rejects.toBeInstanceOf(StoreUnavailableError);
    database.failNext(1, { ops: ['get'], status: 504 });
    await expect(store.listOrdersByOpenid(order.openid, { limit: 5 })).rejects.toBeInstanceOf(StoreUnavailableError);
    database.failNext(1, { ops: ['update'] });
    await expect(store.replaceOrder({ ...order, state: 'PAYING', version: 1 }, 0)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.getOrder(order.orderId)).toEqual(order);
  });

  it('counts a compare-and-set as won under either reading of the updated count', async () => {
    const store = storeOver(await openDatabase({ switches: { updatedMeans: 'modified' } }), sdk);
    const order = makeOrder();
    await store.createOrder(order);
    expect(await store.replaceOrder({ ...order, state: 'PAYING', version: 1 }, 0)).toBe(true);
    expect(await store.replaceOrder({ ...order, state: 'PAYING', version: 1 }, 0)).toBe(false);
  });
});

describe('cloudbase-store', () => {
  it('writes in the dialect it is told to use', async () => {
    const database = await openDatabase();
    const unwrappedOnWx = createCloudBaseStore(inProcessDatabase(database, 'wx-server-sdk'), { wrapWrites: false });
    await expect(unwrappedOnWx.createOrder(makeOrder())).rejects.toBeInstanceOf(StoreUnavailableError);
    const wrappedOnNode = createCloudBaseStore(inProcessDatabase(database, 'node-sdk'), { wrapWrites: true });
    await wrappedOnNode.createOrder(makeOrder()).catch(() => undefined);
    expect((await database.documents('orders')).every((doc) => !('amountCents' in doc))).toBe(true);
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
      'shippingDueAt:asc,orderId:asc',
    ]);
    expect(fields('ott_callbacks')).toEqual(['orderId:asc,receivedAt:desc,_id:desc', 'receivedAt:desc,_id:desc']);
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

    it('does not take other failures for duplicates', () => {
      expect(isDuplicateKeyError(new Error('collection.add:fail -501001 system error. request timed out'))).toBe(false);
      expect(isDuplicateKeyError({ code: 'DATABASE_PERMISSION_DENIED', message: 'permission denied' })).toBe(false);
      expect(isDuplicateKeyError(null)).toBe(false);
      expect(isDuplicateKeyError('ETIMEDOUT')).toBe(false);
    });
  });
});
