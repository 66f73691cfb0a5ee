/** The local CloudBase database keeps its data in one NeDB file per collection, across restarts. */
import { mkdtemp, readdir, readFile, rm, stat } from 'fs/promises';
import os from 'os';
import path from 'path';
import { LocalCloudBaseDatabase } from '../../../local/cloudbase/database';
import { localOrderStore, releaseInProcess } from '../../../local/cloudbase/sdk-bindings';
import { COLLECTIONS } from '../../../server/orders/store';
import { iso, makeOrder } from '../../server/orders/store-contract';

let dir: string;
const opened: LocalCloudBaseDatabase[] = [];

function open(options: { readOnly?: boolean } = {}): LocalCloudBaseDatabase {
  const database = new LocalCloudBaseDatabase({ dir, ...options });
  opened.push(database);
  return database;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'local-cloudbase-files-'));
});
afterEach(async () => {
  for (const database of opened.splice(0)) {
    database.close();
    releaseInProcess(database);
  }
  await rm(dir, { recursive: true, force: true });
});

it('keeps one data file per collection, made when the collection is', async () => {
  const database = open();
  expect(await readdir(dir)).toEqual([]);
  for (const name of Object.values(COLLECTIONS)) expect(await database.createCollection(name)).toBe(true);
  expect(await database.createCollection(COLLECTIONS.orders)).toBe(false);
  expect((await readdir(dir)).sort()).toEqual(['merchant_staff.db', 'orders.db', 'ott_callbacks.db', 'sweep_state.db']);
});

it('keeps every record across a restart', async () => {
  const clock = new Date('2024-05-01T13:00:00.000Z');
  const first = open();
  for (const name of Object.values(COLLECTIONS)) await first.createCollection(name);
  const before = localOrderStore(first, { now: () => clock });
  const order = makeOrder();
  await before.createOrder(order);
  const paying: typeof order = { ...order, state: 'PAYING', version: 1, attempts: [{ ...order.attempts[0], state: 'ISSUED', codeUrl: 'weixin://x' }] };
  expect(await before.replaceOrder(paying, 0)).toBe(true);
  const callbackId = await before.recordCallback({ receivedAt: clock.toISOString(), orderId: order.orderId, body: 'raw body', headers: { 'x.y': 'z' }, verdict: 'verified' });
  first.close();

  const after = localOrderStore(open(), { now: () => clock });
  expect(await after.getOrder(order.orderId)).toEqual(paying);
  expect(await after.listCallbacks({ orderId: order.orderId, limit: 5 })).toEqual([
    { id: callbackId, receivedAt: clock.toISOString(), orderId: order.orderId, body: 'raw body', headers: { 'x.y': 'z' }, verdict: 'verified' },
  ]);
  expect(await after.createOrder({ ...order, amountCents: 1 })).toEqual({ created: false, order: paying });
  expect(await after.replaceOrder({ ...paying, state: 'PAID', version: 1 }, 0)).toBe(false);
  expect(await after.replaceOrder({ ...paying, state: 'PAID', version: 2 }, 1)).toBe(true);
  expect(await after.listDueOrders(iso(1000), 5)).toMatchObject([{ orderId: order.orderId, state: 'PAID' }]);
});

it('reads the files without rewriting them when opened read-only, and refuses writes', async () => {
  const writer = open();
  for (const name of Object.values(COLLECTIONS)) await writer.createCollection(name);
  const order = makeOrder();
  await localOrderStore(writer).createOrder(order);
  writer.close();
  const file = path.join(dir, 'orders.db');
  const [text, { mtimeMs }] = [await readFile(file, 'utf8'), await stat(file)];

  const reader = localOrderStore(open({ readOnly: true }));
  expect(await reader.getOrder(order.orderId)).toEqual(order);
  await expect(reader.replaceOrder({ ...order, state: 'CLOSED', version: 1 }, 0)).rejects.toThrow('replaceOrder failed');
  expect(await readFile(file, 'utf8')).toBe(text);
  expect((await stat(file)).mtimeMs).toBe(mtimeMs);
});

it('answers nothing once closed', async () => {
  const database = open();
  await database.createCollection(COLLECTIONS.orders);
  database.close();
  await expect(localOrderStore(database).getOrder('X')).rejects.toThrow('getOrder failed');
});
