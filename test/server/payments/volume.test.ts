/**
 * A busy day: 10,000 orders created today, in the local CloudBase database through both SDKs. Takings, the recent list and
 * the export must be complete whatever a backend caps a query at, and unpaid orders can neither
 * hide paid ones nor count.
 */
import { mkdtemp, rm } from 'fs/promises';
import os from 'os';
import path from 'path';
import { localDay } from '../../../server/app/calendar';
import { silentLogger } from '../../../server/app/log';
import type { Platform } from '../../../server/app/platform';
import { loadPaymentSettings } from '../../../server/app/settings';
import { newOrder } from '../../../server/orders/attempts';
import { createCloudBaseStore } from '../../../server/orders/cloudbase-store';
import { orderIdFor, type Order } from '../../../server/orders/model';
import { COLLECTIONS, type OrderStore } from '../../../server/orders/store';
import { firstOwner } from '../../../server/staff/merchant-staff';
import { merchantSummary, takings } from '../../../server/payments/merchant-summary';
import { runOps } from '../../../scripts/ops';
import { testConfig } from '../ottpay/fake-ott';
import { LocalCloudBaseDatabase } from '../../../local/cloudbase/database';
import { inProcessDatabase, releaseInProcess, type SdkName } from '../../../local/cloudbase/sdk-bindings';

const NOW = new Date('2026-11-21T20:00:00.000Z');
const ZONE = 'America/Toronto';
const DAY = localDay(ZONE, NOW);
const COUNT = 10_000;
const STAFF = { openid: 'o-staff', appid: 'wx1', kind: 'miniprogram' as const };

/** Order i of the day: two in three paid (some partly refunded), the rest unpaid; one payer opens a thousand unpaid ones. */
function dayOrder(i: number): Order {
  const createdAt = new Date(DAY.start.getTime() + Math.floor((i * (DAY.end.getTime() - DAY.start.getTime() - 120_000)) / COUNT)).toISOString();
  const openid = i < 1000 ? 'o-flooder' : `o-payer-${i % 97}`;
  const requestId = `volume-request-${i}`;
  const order = newOrder({ orderId: orderIdFor(openid, requestId), openid, appid: 'wx1', requestId, channel: 'MINIPROGRAM', amountCents: 100 + (i % 500), tipCents: i % 7 }, createdAt);
  if (i < 1000 || i % 3 === 0) return order;
  const paidAt = new Date(Date.parse(createdAt) + 60_000).toISOString();
  const attempts = order.attempts.map((a) => ({ ...a, state: 'PAID' as const, paidCents: order.amountCents + order.tipCents, moneyAgrees: true }));
  return { ...order, attempts, state: i % 10 === 1 ? 'PARTIALLY_REFUNDED' : 'PAID', paidAt, refundedCents: i % 10 === 1 ? 50 : 0, reservedRefundCents: i % 10 === 1 ? 50 : 0 };
}

const ORDERS = Array.from({ length: COUNT }, (_, i) => dayOrder(i));
const PAID = ORDERS.filter((o) => o.paidAt !== undefined);
const EXPECTED = {
  date: DAY.date,
  paidCount: PAID.length,
  grossCents: PAID.reduce((s, o) => s + o.amountCents + o.tipCents, 0),
  refundedCents: PAID.reduce((s, o) => s + o.refundedCents, 0),
  netCents: PAID.reduce((s, o) => s + o.amountCents + o.tipCents - o.refundedCents, 0),
  reviewCount: 0,
  reviewHeldCents: 0,
};

function platformOver(store: OrderStore): Platform {
  const ottConfig = testConfig('http://127.0.0.1:9/unused');
  const settings = loadPaymentSettings({ MERCHANT_TIME_ZONE: ZONE });
  return { settings, ottConfig, ott: {} as Platform['ott'], store, now: () => NOW, log: silentLogger };
}

describe.each(['wx-server-sdk', 'node-sdk'] as SdkName[])('a day of 10,000 orders (through %s)', (sdk) => {
  let store: OrderStore;
  let dir = '';
  let database: LocalCloudBaseDatabase;
  const close = async () => {
    database.close();
    releaseInProcess(database);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'orders-volume-'));
    database = new LocalCloudBaseDatabase({ dir: path.join(dir, 'cloud') });
    for (const name of Object.values(COLLECTIONS)) await database.createCollection(name);
    store = createCloudBaseStore(inProcessDatabase(database, sdk), { wrapWrites: sdk === 'wx-server-sdk' });
    await firstOwner(store, STAFF.openid, 'test', NOW.toISOString());
    for (let i = 0; i < ORDERS.length; i += 500) await Promise.all(ORDERS.slice(i, i + 500).map((o) => store.createOrder(o)));
  }, 60_000);

  afterAll(async () => {
    await close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts every paid order in the takings, and no unpaid one', async () => {
    expect(await takings(platformOver(store), DAY.date, DAY.start, DAY.end)).toEqual(EXPECTED);
  });

  it('gives the same takings from a backend that caps every query at 100', async () => {
    database.switches.documentCap = 100;
    try {
      expect(await takings(platformOver(store), DAY.date, DAY.start, DAY.end)).toEqual(EXPECTED);
    } finally {
      database.switches.documentCap = 1000;
    }
  });

  it('lists the 20 most recent orders of the day for staff', async () => {
    const summary = await merchantSummary({}, STAFF, platformOver(store));
    if (!summary.ok) throw new Error(summary.code);
    expect(summary.today).toEqual(EXPECTED);
    expect(summary.recent.map((o) => o.orderId)).toEqual(ORDERS.slice(-20).reverse().map((o) => o.orderId));
  });

  if (sdk === 'node-sdk') {
    it('exports every order of the day, oldest first, streamed', async () => {
      await close();
      const chunks: string[] = [];
      await runOps(['--local', 'export', DAY.date], { LOCAL_DATA_DIR: dir, MERCHANT_TIME_ZONE: ZONE }, (text) => chunks.push(text));
      const lines = chunks.join('').trim().split('\r\n');
      expect(lines).toHaveLength(COUNT + 1);
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ORDERS.map((o) => o.orderId));
      expect(chunks.length).toBeGreaterThan(10);
    }, 60_000);
  }
});
