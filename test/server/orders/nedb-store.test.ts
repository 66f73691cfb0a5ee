import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'fs/promises';
import os from 'os';
import path from 'path';
import { openNedbStore } from '../../../server/orders/nedb-store';
import { COLLECTIONS, StoreUnavailableError } from '../../../server/orders/store';
import { iso, makeOrder, orderStoreContract } from './store-contract';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'orders-nedb-'));
}

async function lastLineOf(file: string, id: string): Promise<Record<string, unknown> | undefined> {
  const docs = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return docs.filter((doc) => doc._id === id).pop();
}

orderStoreContract('nedb-store', async (now) => {
  const dir = await tempDir();
  const ordersFile = path.join(dir, `${COLLECTIONS.orders}.db`);
  let store = await openNedbStore(dir, { now });
  return {
    get store() {
      return store;
    },
    putOrderDocument: async (doc) => {
      await store.close();
      await appendFile(ordersFile, `${JSON.stringify(doc)}\n`);
      store = await openNedbStore(dir, { now });
      return store;
    },
    orderDocument: (id) => lastLineOf(ordersFile, id),
    breakBackend: async () => {
      // A directory where a data file was makes every append fail (EISDIR).
      for (const name of Object.values(COLLECTIONS)) {
        const file = path.join(dir, `${name}.db`);
        await rm(file, { force: true });
        await mkdir(file);
      }
    },
    dispose: async () => {
      await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('nedb-store', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps one data file per collection', async () => {
    const store = await openNedbStore(dir);
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(['orders.db', 'ott_callbacks.db']);
  });

  it('keeps every record across a restart', async () => {
    const clock = new Date('2024-05-01T13:00:00.000Z');
    const first = await openNedbStore(dir, { now: () => clock });
    const order = makeOrder();
    await first.createOrder(order);
    const paying: typeof order = { ...order, state: 'PAYING', version: 1, attempts: [{ ...order.attempts[0], state: 'ISSUED', codeUrl: 'weixin://x' }] };
    expect(await first.replaceOrder(paying, 0)).toBe(true);
    const callbackId = await first.recordCallback({ receivedAt: clock.toISOString(), orderId: order.orderId, body: 'raw body', headers: { 'x.y': 'z' }, verdict: 'verified' });
    await first.close();

    const second = await openNedbStore(dir, { now: () => clock });
    expect(await second.getOrder(order.orderId)).toEqual(paying);
    expect(await second.listCallbacks({ orderId: order.orderId, limit: 5 })).toEqual([
      { id: callbackId, receivedAt: clock.toISOString(), orderId: order.orderId, body: 'raw body', headers: { 'x.y': 'z' }, verdict: 'verified' },
    ]);
    expect(await second.createOrder({ ...order, amountCents: 1 })).toEqual({ created: false, order: paying });
    expect(await second.replaceOrder({ ...paying, state: 'PAID', version: 1 }, 0)).toBe(false);
    expect(await second.replaceOrder({ ...paying, state: 'PAID', version: 2 }, 1)).toBe(true);
    expect(await second.listDueOrders(iso(1000), 5)).toMatchObject([{ orderId: order.orderId, state: 'PAID' }]);
    await second.close();
  });

  it('refuses calls once closed', async () => {
    const store = await openNedbStore(dir);
    await store.close();
    await expect(store.getOrder('X')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('fails to open with StoreUnavailableError when the directory cannot hold data files', async () => {
    const file = path.join(dir, 'not-a-directory');
    await writeFile(file, 'x');
    await expect(openNedbStore(file)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
