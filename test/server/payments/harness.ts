/**
 * A Platform for the payment services over either store adapter (NeDB in a temporary folder, or
 * the CloudBase adapter over the in-memory FakeCloudBase in wx-server-sdk mode), with the fake
 * acquirer, a clock the test moves, and settings read from an env object. The store is wrapped
 * so a test can make compare-and-sets lose and (for NeDB, which has no fault switch of its own)
 * make the backend fail like FakeCloudBase does.
 */
import { mkdtemp, rm } from 'fs/promises';
import os from 'os';
import path from 'path';
import type { ErrorCode, OrderState } from '../../../typings/payments';
import { silentLogger } from '../../../server/app/log';
import type { Platform } from '../../../server/app/platform';
import { loadPaymentSettings, type PaymentSettings } from '../../../server/app/settings';
import type { Caller } from '../../../server/functions/callable';
import { FunctionFailure } from '../../../server/functions/failure';
import { createCloudBaseStore } from '../../../server/orders/cloudbase-store';
import { documentToOrder } from '../../../server/orders/documents';
import type { Order, RawCallback } from '../../../server/orders/model';
import { openNedbStore, type NedbOrderStore } from '../../../server/orders/nedb-store';
import {
  COLLECTIONS,
  StoreUnavailableError,
  type DuePageCursor,
  type OpenRefundPageCursor,
  type OrderPageCursor,
  type OrderStore,
  type Page,
  type PaidPageCursor,
} from '../../../server/orders/store';
import type { OttConfig } from '../../../server/ottpay/config';
import { OrderBusyError } from '../../../server/payments/order-updates';
import { handlePaymentCallback, type HttpResponse } from '../../../server/payments/payment-callback';
import { inFlightMs } from '../../../server/payments/settlement';
import { sweep, type SweepReport } from '../../../server/payments/sweep';
import { FakeCloudBase } from '../orders/fake-cloudbase';
import { testConfig } from '../ottpay/fake-ott';
import { AcquirerCrash, FakeAcquirer, type AcquirerReadings } from './fake-acquirer';

export type StoreKind = 'nedb' | 'cloudbase';
export const STORE_KINDS: readonly StoreKind[] = ['nedb', 'cloudbase'];

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

/** The backend failing, as FakeCloudBase does it: before the call, or after a write landed (its reply lost). */
export interface BackendFaults {
  setUnavailable(on: boolean): void;
  failNext(count?: number, opts?: { ops?: readonly StoreOp[]; afterWrite?: boolean }): void;
}

/** NeDB has no fault switch: this wrapper fails calls the way FakeCloudBase does. */
class FailingStore implements OrderStore, BackendFaults {
  private unavailable = false;
  private failures: { ops: readonly StoreOp[]; afterWrite: boolean }[] = [];

  constructor(private readonly inner: OrderStore) {}

  setUnavailable(on: boolean): void {
    this.unavailable = on;
  }

  failNext(count = 1, opts: { ops?: readonly StoreOp[]; afterWrite?: boolean } = {}): void {
    for (let i = 0; i < count; i += 1) this.failures.push({ ops: opts.ops ?? ['add', 'get', 'update'], afterWrite: opts.afterWrite ?? false });
  }

  private async run<T>(op: StoreOp, what: string, call: () => Promise<T>): Promise<T> {
    const index = this.failures.findIndex((f) => f.ops.includes(op));
    const failure = index >= 0 ? this.failures.splice(index, 1)[0] : this.unavailable ? { afterWrite: false } : undefined;
    if (failure && !failure.afterWrite) throw new StoreUnavailableError(`${what} failed (injected fault)`);
    const result = await call();
    if (failure) throw new StoreUnavailableError(`${what} failed after the write (injected fault)`);
    return result;
  }

  createOrder = (order: Order) => this.run('add', 'createOrder', () => this.inner.createOrder(order));
  getOrder = (orderId: string) => this.run('get', 'getOrder', () => this.inner.getOrder(orderId));
  replaceOrder = (next: Order, expectedVersion: number) => this.run('update', 'replaceOrder', () => this.inner.replaceOrder(next, expectedVersion));
  listOrdersByOpenid = (openid: string, page: { limit: number; before?: OrderPageCursor }) =>
    this.run('get', 'listOrdersByOpenid', () => this.inner.listOrdersByOpenid(openid, page));
  listDueOrders = (dueBy: string, limit: number, after?: DuePageCursor) => this.run('get', 'listDueOrders', () => this.inner.listDueOrders(dueBy, limit, after));
  listOrdersByState = (states: OrderState[], opts: { createdBefore?: string } & Page<OrderPageCursor>) =>
    this.run('get', 'listOrdersByState', () => this.inner.listOrdersByState(states, opts));
  listOrdersWithOpenRefund = (openedBefore: string, page: number | Page<OpenRefundPageCursor>) =>
    this.run('get', 'listOrdersWithOpenRefund', () => this.inner.listOrdersWithOpenRefund(openedBefore, page));
  listOrdersCreatedBetween = (fromIso: string, toIso: string, page: Page<OrderPageCursor> & { newestFirst?: boolean }) =>
    this.run('get', 'listOrdersCreatedBetween', () => this.inner.listOrdersCreatedBetween(fromIso, toIso, page));
  listOrdersPaidBetween = (fromIso: string, toIso: string, page: Page<PaidPageCursor>) =>
    this.run('get', 'listOrdersPaidBetween', () => this.inner.listOrdersPaidBetween(fromIso, toIso, page));
  recordCallback = (raw: RawCallback) => this.run('add', 'recordCallback', () => this.inner.recordCallback(raw));
  listCallbacks = (opts: { orderId?: string; limit: number }) => this.run('get', 'listCallbacks', () => this.inner.listCallbacks(opts));
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
  /** Environment variables of the functions (MERCHANT_STAFF_OPENIDS is set to STAFF). */
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
  /** The backend failing (FakeCloudBase's own switches, or the NeDB wrapper's). */
  backend: BackendFaults;
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
  const settings: PaymentSettings = { ...loadPaymentSettings({ MERCHANT_STAFF_OPENIDS: STAFF.openid, ...options.env }), ...options.settings };
  const acquirer = new FakeAcquirer({ now: clock.now, merchantId: ottConfig.merchantId, signKey: ottConfig.signKey, readings: options.readings });

  let base: OrderStore;
  let backend: BackendFaults;
  let peekAll: () => Promise<Order[]>;
  let dispose: () => Promise<void>;
  if (kind === 'nedb') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'payments-invariants-'));
    const nedb: NedbOrderStore = await openNedbStore(dir, { now: clock.now });
    const failing = new FailingStore(nedb);
    base = failing;
    backend = failing;
    peekAll = () => nedb.listOrdersCreatedBetween('2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z', { limit: 1000 });
    dispose = async () => {
      await nedb.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    };
  } else {
    const fake = new FakeCloudBase({ mode: 'wx-server-sdk' });
    base = createCloudBaseStore(fake.database, { wrapWrites: true, now: clock.now });
    backend = fake;
    peekAll = async () => fake.documents(COLLECTIONS.orders).map(documentToOrder);
    dispose = async () => undefined;
  }
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
