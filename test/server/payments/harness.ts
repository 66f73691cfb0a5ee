/**
 * A Platform for the payment services over the production store adapter, through either real SDK
 * (wx-server-sdk as the functions use it, or @cloudbase/node-sdk as the tools do) against the
 * local CloudBase database (in memory), with the fake acquirer, a clock the test moves,
 * and settings read from an env object. The database's own switches make the backend fail; the
 * store is wrapped so a test can make compare-and-sets lose.
 */
import type { ErrorCode, OrderState } from '../../../typings/payments';
import { silentLogger } from '../../../server/app/log';
import type { Platform } from '../../../server/app/platform';
import { loadPaymentSettings, type PaymentSettings } from '../../../server/app/settings';
import type { Caller } from '../../../server/functions/callable';
import { FunctionFailure } from '../../../server/functions/failure';
import { createCloudBaseStore } from '../../../server/orders/cloudbase-store';
import { documentToOrder } from '../../../server/orders/documents';
import type { Order, RawCallback } from '../../../server/orders/model';
import {
  COLLECTIONS,
  StoreUnavailableError,
  type DuePageCursor,
  type OpenRefundPageCursor,
  type OrderPageCursor,
  type OrderStore,
  type Page,
  type PaidPageCursor,
  type SweepRunRecord,
} from '../../../server/orders/store';
import type { OttConfig } from '../../../server/ottpay/config';
import { OrderBusyError } from '../../../server/payments/order-updates';
import { handlePaymentCallback, type HttpResponse } from '../../../server/payments/payment-callback';
import { inFlightMs } from '../../../server/payments/settlement';
import { sweep, type SweepReport } from '../../../server/payments/sweep';
import { firstOwner } from '../../../server/staff/merchant-staff';
import type { StaffList } from '../../../server/staff/staff-list';
import { LocalCloudBaseDatabase } from '../../../local/cloudbase/database';
import { inProcessDatabase, releaseInProcess, type SdkName } from '../../../local/cloudbase/sdk-bindings';
import { testConfig } from '../ottpay/fake-ott';
import { AcquirerCrash, FakeAcquirer, type AcquirerReadings } from './fake-acquirer';

export type StoreKind = SdkName;
export const STORE_KINDS: readonly StoreKind[] = ['wx-server-sdk', 'node-sdk'];

/** 10:00 in Toronto. */
export const T0 = Date.parse('2026-03-02T15:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export const PAYER: Caller = { openid: 'o-payer-0001', appid: 'wx0123456789abcdef', kind: 'miniprogram' };
export const STAFF: Caller = { openid: 'o-staff-0001', appid: 'wx0123456789abcdef', kind: 'miniprogram' };

/** The platform's clock: stands still unless the test moves it, or tracks real time when asked. */
export class TestClock {
  private baseMs: number;
  private realAnchor: number | null = null;

  constructor(startMs: number = T0) {
    this.baseMs = startMs;
  }

  readonly now = (): Date => new Date(this.ms());

  ms(): number {
    return this.realAnchor === null ? this.baseMs : this.baseMs + (performance.now() - this.realAnchor);
  }

  advance(ms: number): void {
    this.baseMs += ms;
  }

  /** From now on the clock also moves with real time (the sweep measures its budget on it). */
  followRealTime(): void {
    if (this.realAnchor !== null) return;
    this.realAnchor = performance.now();
  }
}

export type StoreOp = 'add' | 'get' | 'update';

/** The database failing: before the request, or after a write landed (its answer lost). */
export interface BackendFaults {
  setUnavailable(on: boolean): void;
  failNext(count?: number, opts?: { ops?: readonly StoreOp[]; afterWrite?: boolean }): void;
}


/** Other writers win the race: the next `n` compare-and-sets report a changed version without writing. */
class ContendedStore implements OrderStore {
  private losses = 0;
  /** Compare-and-sets answered false by `loseCompareAndSets`. */
  lost = 0;

  constructor(private readonly inner: OrderStore) {}

  loseCompareAndSets(n: number): void {
    this.losses = n;
  }

  replaceOrder = async (next: Order, expectedVersion: number): Promise<boolean> => {
    if (this.losses > 0) {
      this.losses -= 1;
      this.lost += 1;
      return false;
    }
    return this.inner.replaceOrder(next, expectedVersion);
  };

  createOrder = (order: Order) => this.inner.createOrder(order);
  getOrder = (orderId: string) => this.inner.getOrder(orderId);
  listOrdersByOpenid = (openid: string, page: { limit: number; before?: OrderPageCursor }) => this.inner.listOrdersByOpenid(openid, page);
  listDueOrders = (dueBy: string, limit: number, after?: DuePageCursor) => this.inner.listDueOrders(dueBy, limit, after);
  listOrdersByState = (states: OrderState[], opts: { createdBefore?: string } & Page<OrderPageCursor>) => this.inner.listOrdersByState(states, opts);
  listOrdersWithOpenRefund = (openedBefore: string, page: number | Page<OpenRefundPageCursor>) => this.inner.listOrdersWithOpenRefund(openedBefore, page);
  listOrdersCreatedBetween = (fromIso: string, toIso: string, page: Page<OrderPageCursor> & { newestFirst?: boolean }) =>
    this.inner.listOrdersCreatedBetween(fromIso, toIso, page);
  listOrdersPaidBetween = (fromIso: string, toIso: string, page: Page<PaidPageCursor>) => this.inner.listOrdersPaidBetween(fromIso, toIso, page);
  recordCallback = (raw: RawCallback) => this.inner.recordCallback(raw);
  listCallbacks = (opts: { orderId?: string; limit: number }) => this.inner.listCallbacks(opts);
  claimSweepLease = (holder: string, claim: { now: string; until: string; startedBefore?: string }) => this.inner.claimSweepLease(holder, claim);
  endSweepRun = (holder: string, run: SweepRunRecord) => this.inner.endSweepRun(holder, run);
  getSweepState = () => this.inner.getSweepState();
  listShippingDue = (dueBy: string, limit: number) => this.inner.listShippingDue(dueBy, limit);
  getStaff = () => this.inner.getStaff();
  replaceStaff = (next: StaffList, expectedVersion: number) => this.inner.replaceStaff(next, expectedVersion);
}

/** What a function returns to the mini-program, as callable.ts frames it; CRASHED: the process died. */
export type Failure = { ok: false; code: ErrorCode | 'CRASHED'; message: string; orderId?: string };
export type Called<R> = R | Failure;

export function isFailure<R>(result: Called<R>): result is Failure {
  return typeof result === 'object' && result !== null && (result as { ok?: unknown }).ok === false;
}

/** Runs a service as the callable frame would, turning its business errors into `{ ok: false, code }`. */
export async function framed<R>(run: () => Promise<R>): Promise<Called<R>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FunctionFailure) return error.toResult();
    if (error instanceof StoreUnavailableError) return { ok: false, code: 'SERVICE_UNAVAILABLE', message: error.message };
    if (error instanceof OrderBusyError) return { ok: false, code: 'BUSY', message: error.message, orderId: error.orderId };
    if (error instanceof AcquirerCrash) return { ok: false, code: 'CRASHED', message: error.message };
    throw error;
  }
}

export type Service<R> = (event: Record<string, unknown>, caller: Caller, platform: Platform) => Promise<R>;

export interface HarnessOptions {
  /** Environment variables of the functions. STAFF is the owner on the staff list. */
  env?: Record<string, string>;
  /** Settings the env cannot express (e.g. a sweep budget under SWEEP_BUDGET_MS's minimum). */
  settings?: Partial<PaymentSettings>;
  ott?: Partial<OttConfig>;
  /** How the in-memory acquirer reads what OTT's documents leave open. */
  readings?: AcquirerReadings;
}

export interface Harness {
  kind: StoreKind;
  platform: Platform;
  acquirer: FakeAcquirer;
  clock: TestClock;
  /** The local database's fault switches. */
  backend: BackendFaults;
  /** Every database request so far, as "op collection" (one round trip each). */
  storeCalls: string[];
  contention: ContendedStore;
  /** How long a STARTED attempt or a sent refund counts as in flight. */
  inFlightMs: number;
  call<R>(service: Service<R>, event: Record<string, unknown>, caller?: Caller): Promise<Called<R>>;
  /** OTT Pay POSTs the call-back of a paid attempt. */
  deliver(ottOrderId: string): Promise<HttpResponse>;
  sweep(): Promise<SweepReport>;
  /** The stored order, read past any injected fault. */
  peek(orderId: string): Promise<Order>;
  /** Every stored order, read past any injected fault. */
  allOrders(): Promise<Order[]>;
  dispose(): Promise<void>;
}

export async function openHarness(kind: StoreKind, options: HarnessOptions = {}): Promise<Harness> {
  const clock = new TestClock();
  const ottConfig = testConfig('http://127.0.0.1:9/unused', options.ott ?? {});
  const settings: PaymentSettings = { ...loadPaymentSettings({ ...options.env }), ...options.settings };
  const acquirer = new FakeAcquirer({ now: clock.now, merchantId: ottConfig.merchantId, signKey: ottConfig.signKey, readings: options.readings });

  const storeCalls: string[] = [];
  const database = new LocalCloudBaseDatabase({ onRequest: (op, collection) => storeCalls.push(`${op} ${collection}`) });
  for (const name of Object.values(COLLECTIONS)) await database.createCollection(name);
  const base = createCloudBaseStore(inProcessDatabase(database, kind), { wrapWrites: kind === 'wx-server-sdk', now: clock.now });
  await firstOwner(base, STAFF.openid, 'test', clock.now().toISOString());
  storeCalls.length = 0;
  const backend: BackendFaults = {
    setUnavailable: (on) => {
      database.unavailable = on;
    },
    failNext: (count, opts) => database.failNext(count, opts),
  };
  const peekAll = async () => (await database.documents(COLLECTIONS.orders)).map(documentToOrder);
  const dispose = async () => {
    database.close();
    releaseInProcess(database);
  };
  const contention = new ContendedStore(base);
  const platform: Platform = { settings, ottConfig, ott: acquirer, store: contention, now: clock.now, log: silentLogger };

  const peek = async (orderId: string): Promise<Order> => {
    const order = (await peekAll()).find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    return order;
  };

  return {
    kind,
    platform,
    acquirer,
    clock,
    backend,
    storeCalls,
    contention,
    inFlightMs: inFlightMs(platform),
    call: (service, event, caller = PAYER) => framed(() => service(event, caller, platform)),
    deliver: (ottOrderId) => handlePaymentCallback(acquirer.callback(ottOrderId), platform),
    sweep: () => sweep(platform),
    peek,
    allOrders: peekAll,
    dispose,
  };
}
