import { randomBytes } from 'crypto';
import type { OrderState } from '../../typings/payments';
import type { Order, RawCallback } from './model';
import type { StaffList } from '../staff/staff-list';

export const COLLECTIONS = {
  orders: 'orders',
  callbacks: 'ott_callbacks',
  sweeps: 'sweep_state',
  staff: 'merchant_staff',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

export interface OrderPageCursor {
  createdAt: string;
  orderId: string;
}

/** The last order of the previous page of a listing by payment time. */
export interface PaidPageCursor {
  paidAt: string;
  orderId: string;
}

/** The last order of the previous page of the due orders. */
export interface DuePageCursor {
  nextCheckAt: string;
  orderId: string;
}

/** The last order of the previous page of the orders with an open refund. */
export interface OpenRefundPageCursor {
  openRefundSince: string;
  orderId: string;
}

/** A page of a listing: `after` is the last order of the previous page, in the listing's order. */
export interface Page<C> {
  limit: number;
  after?: C;
}

/** A page given as a bare limit (the first page) or as a Page. */
export function asPage<C>(page: number | Page<C>): Page<C> {
  return typeof page === 'number' ? { limit: page } : page;
}

/**
 * The one interface the cloud functions use to read and write orders. An order document holds
 * its attempts, refunds and history, so every change is one compare-and-set write. Every method
 * rejects with StoreUnavailableError when the backend fails.
 */
export interface OrderStore {
  /** Inserts under order.orderId; if that id exists, returns the existing order and created=false. */
  createOrder(order: Order): Promise<{ created: boolean; order: Order }>;
  getOrder(orderId: string): Promise<Order | null>;
  /**
   * Compare-and-set: writes `next` over the stored order only if its version is still
   * `expectedVersion`; false if it changed meanwhile (or does not exist). Fields are never
   * removed from an order (a cleared field is null), so a write may merge or replace.
   * Throws InvalidVersionError, writing nothing, unless `expectedVersion` is a safe integer and
   * `next.version` is the one after it.
   */
  replaceOrder(next: Order, expectedVersion: number): Promise<boolean>;
  /** Newest first, by (createdAt desc, orderId desc); `before` is the last order of the previous page. */
  listOrdersByOpenid(openid: string, page: { limit: number; before?: OrderPageCursor }): Promise<Order[]>;
  /**
   * Orders whose nextCheckAt is at or before `dueBy`, most overdue first (nextCheckAt, then
   * orderId), after `after` when given; paged like listOrdersCreatedBetween.
   */
  listDueOrders(dueBy: string, limit: number, after?: DuePageCursor): Promise<Order[]>;
  /** Orders in the given states, created before `createdBefore` when given, oldest first by (createdAt, orderId); paged. */
  listOrdersByState(states: OrderState[], opts: { createdBefore?: string } & Page<OrderPageCursor>): Promise<Order[]>;
  /** Orders with a refund waiting for OTT Pay since before `openedBefore`, oldest first by (openRefundSince, orderId); paged. */
  listOrdersWithOpenRefund(openedBefore: string, page: number | Page<OpenRefundPageCursor>): Promise<Order[]>;
  /**
   * createdAt in [fromIso, toIso), oldest first by (createdAt, orderId), or newest first. A page
   * may hold fewer than `limit` orders even when more follow (a backend's own cap): callers page
   * until a page is empty.
   */
  listOrdersCreatedBetween(fromIso: string, toIso: string, page: Page<OrderPageCursor> & { newestFirst?: boolean }): Promise<Order[]>;
  /** Orders whose shipping information is due at WeChat by `dueBy`, longest due first (shippingDueAt, then orderId). */
  listShippingDue(dueBy: string, limit: number): Promise<Order[]>;
  /** paidAt in [fromIso, toIso), oldest first by (paidAt, orderId); paged like listOrdersCreatedBetween. */
  listOrdersPaidBetween(fromIso: string, toIso: string, page: Page<PaidPageCursor>): Promise<Order[]>;
  /** Returns the new record's id; resolves only once the record is written. */
  recordCallback(raw: RawCallback): Promise<string>;
  /** Newest first, by (receivedAt desc, id desc). */
  listCallbacks(opts: { orderId?: string; limit: number }): Promise<RawCallback[]>;
  /**
   * Takes the sweep's lease for `holder` until `until` if nobody holds it at `now` and (when
   * `startedBefore` is given) no run started after that time; false when another holds it.
   */
  claimSweepLease(holder: string, claim: { now: string; until: string; startedBefore?: string }): Promise<boolean>;
  /** Gives the lease back (if `holder` still holds it) and records the run that ended at `at`. */
  endSweepRun(holder: string, run: SweepRunRecord): Promise<void>;
  /** The lease and the latest runs; null before the first run. */
  getSweepState(): Promise<SweepState | null>;
  /** The staff list; version 0 and nobody on it before the first change. */
  getStaff(): Promise<StaffList>;
  /** Compare-and-set of the staff list, like replaceOrder: false if it changed since `expectedVersion`. */
  replaceStaff(next: StaffList, expectedVersion: number): Promise<boolean>;
}

/** How a sweep run was started: the V1 timer, the secret HTTP route, or a step of normal traffic. */
export type SweepTrigger = 'timer' | 'route' | 'traffic';

export interface SweepRunRecord {
  at: string;
  by: SweepTrigger;
  /** The run reached the end of the due list. */
  complete: boolean;
  checked: number;
  failed: number;
}

export interface SweepState {
  leaseUntil: string;
  holder: string;
  lastStartedAt: string;
  /** The end of the latest run that reached the end of the due list. */
  lastCompletedAt: string | null;
  lastRun: SweepRunRecord | null;
}

export interface StoreOptions {
  /** Clock for record ids; defaults to the system clock. */
  now?: () => Date;
}

/** The backend could not be read or written: callers answer 5xx / SERVICE_UNAVAILABLE. */
export class StoreUnavailableError extends Error {
  readonly cause: unknown;

  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'StoreUnavailableError';
    this.cause = cause;
  }
}

/**
 * A compare-and-set was asked with a version that is not a whole number in sequence, or an order
 * was read whose version is not one: nothing is written. Not a StoreUnavailableError, which
 * callers treat as a passing outage: this needs a person.
 */
export class InvalidVersionError extends Error {
  constructor(
    readonly orderId: string,
    detail: string,
  ) {
    super(`order ${orderId}: ${detail}`);
    this.name = 'InvalidVersionError';
  }
}

/** Throws InvalidVersionError unless `next` may be written over version `expectedVersion`. */
export function checkVersions(next: Order, expectedVersion: number): void {
  const valid = Number.isSafeInteger(expectedVersion) && Number.isSafeInteger(next.version) && next.version === expectedVersion + 1;
  if (!valid) {
    throw new InvalidVersionError(next.orderId, `refusing to write version ${String(next.version)} over version ${String(expectedVersion)}: versions must be whole numbers, each one more than the last`);
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}

/** What an adapter throws for an error met while running `what`. */
export function toStoreError(what: string, err: unknown): Error {
  if (err instanceof StoreUnavailableError || err instanceof InvalidVersionError) return err;
  return new StoreUnavailableError(`${what} failed`, err);
}

/** Largest page any list returns: CloudBase server SDKs cap a query at 1000 documents. */
export const MAX_LIST_LIMIT = 1000;

/** A requested page size as a whole number from 0 to MAX_LIST_LIMIT. */
export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 0;
  return Math.max(0, Math.min(MAX_LIST_LIMIT, Math.floor(limit)));
}

let recordSeq = 0;

/**
 * A fresh id that sorts after the ids this process made before (time, then a counter), with
 * random bits so that ids from different instances do not collide.
 */
export function newRecordId(now: Date): string {
  recordSeq = (recordSeq + 1) % 36 ** 4;
  return (
    now.getTime().toString(36).padStart(9, '0') +
    recordSeq.toString(36).padStart(4, '0') +
    randomBytes(6).toString('hex')
  );
}
