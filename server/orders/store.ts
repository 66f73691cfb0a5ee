import { randomBytes } from 'crypto';
import type { OrderState, WxPaymentParams } from '../../typings/payments';
import type { AuditEntry, Order, OttOrderInfo, RawCallback, RefundRecord, RefundState } from './model';
import { assertTransition, InvalidTransitionError } from './state-machine';

export const COLLECTIONS = {
  orders: 'orders',
  refunds: 'refunds',
  audit: 'order_audit',
  callbacks: 'ott_callbacks',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** The order fields a compare-and-set may change. An `undefined` value leaves the field as it is. */
export interface OrderChanges {
  state?: OrderState;
  refundedCents?: number;
  reservedRefundCents?: number;
  paidAt?: string;
  payment?: WxPaymentParams;
  /** Merged key by key into the stored `ott`. */
  ott?: OttOrderInfo;
  reviewReason?: string;
  lastQueriedAt?: string;
}

/** The refund fields a compare-and-set may change. */
export interface RefundChanges {
  state?: RefundState;
  failureCode?: string;
}

export interface OrderPageCursor {
  createdAt: string;
  orderId: string;
}

/**
 * The one interface the cloud functions use to read and write orders. Every method rejects with
 * StoreUnavailableError when the backend fails.
 */
export interface OrderStore {
  /** Inserts under order.orderId; if that id exists, returns the existing order and created=false. */
  createOrder(order: Order): Promise<{ created: boolean; order: Order }>;
  getOrder(orderId: string): Promise<Order | null>;
  /**
   * Compare-and-set: applies changes only if the stored order still has expected.state and
   * expected.version; bumps version and updatedAt; returns the new order, or null if it changed
   * meanwhile (or does not exist). Throws InvalidTransitionError for a state change the state
   * machine forbids.
   */
  updateOrderIf(
    orderId: string,
    expected: { state: OrderState; version: number },
    changes: OrderChanges,
  ): Promise<Order | null>;
  /** Newest first, by (createdAt desc, orderId desc); `before` is the last order of the previous page. */
  listOrdersByOpenid(openid: string, page: { limit: number; before?: OrderPageCursor }): Promise<Order[]>;
  /** Oldest first, by (updatedAt asc, orderId asc); `updatedBefore` is exclusive. */
  listOrdersByState(states: OrderState[], opts: { updatedBefore?: string; limit: number }): Promise<Order[]>;
  /** createdAt in [fromIso, toIso), newest first by (createdAt desc, orderId desc). */
  listOrdersCreatedBetween(fromIso: string, toIso: string, limit: number): Promise<Order[]>;
  /** Inserts under refund.refundId; if that id exists, returns the existing refund and created=false. */
  createRefund(refund: RefundRecord): Promise<{ created: boolean; refund: RefundRecord }>;
  /** Compare-and-set on (state, version), like updateOrderIf. */
  updateRefundIf(
    refundId: string,
    expected: { state: RefundState; version: number },
    changes: RefundChanges,
  ): Promise<RefundRecord | null>;
  /** Oldest first. */
  listRefunds(orderId: string): Promise<RefundRecord[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Oldest first, by (at asc, then order of appending). */
  listAudit(orderId: string): Promise<AuditEntry[]>;
  /** Returns the new record's id; resolves only once the record is written. */
  recordCallback(raw: RawCallback): Promise<string>;
  /** Throws RecordNotFoundError when no call-back has that id. */
  updateCallback(id: string, changes: { orderId?: string; verdict: string }): Promise<void>;
  /** Newest first, by (receivedAt desc, id desc). */
  listCallbacks(opts: { orderId?: string; limit: number }): Promise<RawCallback[]>;
}

export interface StoreOptions {
  /** Clock for updatedAt and record ids; defaults to the system clock. */
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

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}

/** The record a call names does not exist (a defect in the caller, not a backend failure). */
export class RecordNotFoundError extends Error {
  constructor(
    readonly collection: CollectionName,
    readonly id: string,
  ) {
    super(`no record ${id} in ${collection}`);
    this.name = 'RecordNotFoundError';
  }
}

/** What an adapter throws for an error met while running `what`: the caller's own errors pass through. */
export function toStoreError(what: string, err: unknown): Error {
  if (err instanceof StoreUnavailableError || err instanceof InvalidTransitionError || err instanceof RecordNotFoundError) {
    return err;
  }
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

function definedEntries<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

/**
 * The order after `changes`, with version bumped and updatedAt set, plus the fields that differ
 * from `current` (what an adapter writes).
 */
export function applyOrderChanges(
  current: Order,
  changes: OrderChanges,
  updatedAt: string,
): { next: Order; patch: Partial<Order> } {
  const defined = definedEntries(changes);
  if (defined.state !== undefined) assertTransition(current.state, defined.state);
  const patch: Partial<Order> = { ...defined, version: current.version + 1, updatedAt };
  if (defined.ott !== undefined) patch.ott = { ...current.ott, ...definedEntries(defined.ott) };
  return { next: { ...current, ...patch }, patch };
}

export function applyRefundChanges(
  current: RefundRecord,
  changes: RefundChanges,
  updatedAt: string,
): { next: RefundRecord; patch: Partial<RefundRecord> } {
  const patch: Partial<RefundRecord> = { ...definedEntries(changes), version: current.version + 1, updatedAt };
  return { next: { ...current, ...patch }, patch };
}
