import type { OrderState } from '../../typings/payments';
import type { Order, RawCallback } from './model';
import { NO_STAFF, type StaffChange, type StaffList, type StaffMember } from '../staff/staff-list';
import { callbackToDocument, documentToCallback, documentToOrder, orderFields, orderToDocument, type StoredDocument } from './documents';
import {
  asPage,
  checkVersions,
  InvalidVersionError,
  clampLimit,
  COLLECTIONS,
  newRecordId,
  StoreUnavailableError,
  toStoreError,
  type CollectionName,
  type DuePageCursor,
  type OpenRefundPageCursor,
  type OrderPageCursor,
  type OrderStore,
  type Page,
  type PaidPageCursor,
  type StoreOptions,
  type SweepRunRecord,
  type SweepState,
} from './store';

/**
 * What the adapter accepts: `cloud.database()` of wx-server-sdk or `app.database()` of
 * @cloudbase/node-sdk. Their own typings are too loose to use (wx-server-sdk types every call as
 * `Promise | void | string`), so the adapter narrows them once to the subset below.
 */
export interface CloudBaseDatabaseLike {
  collection(name: string): unknown;
  readonly command: unknown;
}

type Doc = Record<string, unknown>;

/** The subset of the CloudBase database API this adapter calls. */
interface CbQuery {
  where(condition: object): CbQuery;
  orderBy(fieldPath: string, direction: 'asc' | 'desc'): CbQuery;
  limit(max: number): CbQuery;
  /** Both SDKs: `{ data: Doc[] }`. */
  get(): Promise<unknown>;
  /** wx-server-sdk: `{ stats: { updated } }`; node-sdk: `{ updated }`. */
  update(arg: object): Promise<unknown>;
}

interface CbCollection extends CbQuery {
  /** wx-server-sdk: `{ _id }`; node-sdk: `{ id }`. */
  add(arg: object): Promise<unknown>;
}

interface CbCommand {
  in(values: unknown[]): unknown;
  lt(value: unknown): unknown;
  lte(value: unknown): unknown;
  gt(value: unknown): unknown;
  gte(value: unknown): unknown;
  and(conditions: object[]): object;
  or(conditions: object[]): object;
}

interface CbDatabase {
  readonly command: CbCommand;
  collection(name: string): CbCollection;
}

export interface CloudBaseStoreOptions extends StoreOptions {
  /**
   * true for wx-server-sdk (`add({ data })`, `update({ data })`), false for @cloudbase/node-sdk
   * (`add(data)`, `update(data)`).
   */
  wrapWrites: boolean;
}

interface SdkErrorLike {
  code?: unknown;
  errCode?: unknown;
  message?: unknown;
  errMsg?: unknown;
}

const DUPLICATE_MESSAGE = /E11000 duplicate key|DATABASE_DUPLICATE_WRITE/;

/**
 * A write refused because the key exists. The server answers either `DATABASE_DUPLICATE_WRITE` or
 * `DATABASE_REQUEST_FAILED` with MongoDB's "E11000 duplicate key error …" message. node-sdk throws
 * (or, with throwOnCode off, returns) `{ code, message }`; wx-server-sdk rethrows it as an Error
 * whose `errCode` is numeric (-502001 / -501001) and whose message keeps the server's text.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return typeof err === 'string' && DUPLICATE_MESSAGE.test(err);
  const e = err as SdkErrorLike;
  if (e.code === 'DATABASE_DUPLICATE_WRITE' || e.code === 11000 || e.errCode === 11000) return true;
  return [e.message, e.errMsg].some((text) => typeof text === 'string' && DUPLICATE_MESSAGE.test(text));
}

/**
 * The collection does not exist (the database step of the deployment was skipped): node-sdk's
 * DATABASE_COLLECTION_NOT_EXIST, wx-server-sdk's errCode -502005, or the server's own words.
 */
export function isMissingCollection(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as SdkErrorLike;
  if (e.code === 'DATABASE_COLLECTION_NOT_EXIST' || e.errCode === -502005) return true;
  return [e.message, e.errMsg].some((text) => typeof text === 'string' && /collection not exists?|table not exist/i.test(text));
}

/** node-sdk with throwOnCode off resolves failures as `{ code, message }` instead of throwing. */
function failedResult(res: unknown): boolean {
  return typeof res === 'object' && res !== null && typeof (res as SdkErrorLike).code === 'string' && (res as SdkErrorLike).code !== '';
}

function checked(res: unknown): Record<string, unknown> {
  if (failedResult(res)) throw res;
  if (typeof res !== 'object' || res === null) throw new Error(`unexpected database result: ${String(res)}`);
  return res as Record<string, unknown>;
}

function documentsOf(res: unknown): Doc[] {
  const data = checked(res).data;
  if (!Array.isArray(data)) throw new Error('database result has no document list');
  return data as Doc[];
}

function updatedCount(res: unknown): number {
  const r = checked(res);
  const stats = r.stats as { updated?: unknown } | undefined;
  const updated = stats !== undefined ? stats.updated : r.updated;
  if (typeof updated !== 'number') throw new Error('database result has no update count');
  return updated;
}

/** The one document of the sweep_state collection: the sweep's lease and its latest runs. */
const SWEEP_DOCUMENT = 'sweep';

function documentToSweepState(doc: Doc): SweepState {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
  const lastRun: SweepRunRecord | null =
    typeof doc.lastRunAt === 'string'
      ? { at: doc.lastRunAt, by: doc.lastRunBy as SweepRunRecord['by'], complete: doc.lastRunComplete === true, checked: count(doc.lastRunChecked), failed: count(doc.lastRunFailed) }
      : null;
  return {
    leaseUntil: text(doc.leaseUntil),
    holder: text(doc.holder),
    lastStartedAt: text(doc.lastStartedAt),
    lastCompletedAt: typeof doc.lastCompletedAt === 'string' ? doc.lastCompletedAt : null,
    lastRun,
  };
}

/** The one document of the merchant_staff collection. */
const STAFF_DOCUMENT = 'staff';

function staffEntries<T>(value: unknown, what: string, read: (entry: Record<string, unknown>) => T): T[] {
  if (!Array.isArray(value)) throw new StoreUnavailableError(`the staff list's ${what} are not a list`);
  return value.map((entry) => {
    if (typeof entry !== 'object' || entry === null) throw new StoreUnavailableError(`the staff list holds a ${what} entry that is not an object`);
    return read(entry as Record<string, unknown>);
  });
}

function documentToStaff(doc: Doc): StaffList {
  const text = (entry: Record<string, unknown>, field: string): string => {
    const value = entry[field];
    if (typeof value !== 'string') throw new StoreUnavailableError(`the staff list holds an entry without ${field}`);
    return value;
  };
  const role = (entry: Record<string, unknown>) => (entry.role === 'owner' ? 'owner' : 'staff');
  if (!Number.isSafeInteger(doc.version)) throw new StoreUnavailableError('the staff list has no version');
  const members = staffEntries<StaffMember>(doc.members, 'members', (m) => ({ openid: text(m, 'openid'), role: role(m), name: text(m, 'name'), addedAt: text(m, 'addedAt'), addedBy: text(m, 'addedBy') }));
  const changes = staffEntries<StaffChange>(doc.changes, 'changes', (c) => ({
    at: text(c, 'at'),
    by: text(c, 'by'),
    action: c.action === 'remove' ? 'remove' : 'add',
    openid: text(c, 'openid'),
    role: role(c),
    name: text(c, 'name'),
  }));
  return { version: doc.version as number, members, changes };
}

export function createCloudBaseStore(database: CloudBaseDatabaseLike, options: CloudBaseStoreOptions): OrderStore {
  const db = database as unknown as CbDatabase;
  const now = options.now ?? (() => new Date());
  const write = (data: object): object => (options.wrapWrites ? { data } : data);
  const collection = (name: CollectionName): CbCollection => db.collection(name);
  const _ = () => db.command;

  /** Orders past the cursor (`field`, orderId) in a listing sorted by field then orderId, ascending or descending. */
  const pastCursor = (field: string, value: string, orderId: string, direction: 'asc' | 'desc' = 'asc'): object => {
    const past = (v: string) => (direction === 'asc' ? _().gt(v) : _().lt(v));
    return _().or([{ [field]: past(value) }, { [field]: value, orderId: past(orderId) }]);
  };

  async function run<T>(what: string, op: () => Promise<T>, name: CollectionName = COLLECTIONS.orders): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (isMissingCollection(err)) {
        throw new StoreUnavailableError(`${what} failed: the collection ${name} does not exist (README, Deploying, step 7: Database)`, err);
      }
      throw toStoreError(what, err);
    }
  }

  async function fetchById(name: CollectionName, id: string): Promise<Doc | null> {
    const docs = documentsOf(await collection(name).where({ _id: id }).limit(1).get());
    return docs[0] ?? null;
  }

  async function fetchOrders(condition: object, order: [string, 'asc' | 'desc'][], limit: number): Promise<Order[]> {
    const n = clampLimit(limit);
    if (n === 0) return [];
    let query: CbQuery = collection(COLLECTIONS.orders).where(condition);
    for (const [field, direction] of order) query = query.orderBy(field, direction);
    return documentsOf(await query.limit(n).get()).map(documentToOrder);
  }

  /**
   * Adds `doc` under its `_id`. A failed add is followed by a read: a duplicate key means the
   * record exists, and a write whose reply was lost may have landed all the same.
   */
  async function insertOnce(name: CollectionName, doc: StoredDocument): Promise<{ created: boolean; doc: Doc }> {
    let failure: unknown;
    try {
      checked(await collection(name).add(write(doc)));
      return { created: true, doc };
    } catch (err) {
      failure = err;
    }
    const existing = await fetchById(name, doc._id);
    if (existing) return { created: false, doc: existing };
    throw new StoreUnavailableError(
      isDuplicateKeyError(failure) ? `${name}: duplicate key ${doc._id} but no such record` : `add to ${name} failed`,
      failure,
    );
  }

  return {
    createOrder: (order: Order) =>
      run('createOrder', async () => {
        const { created, doc } = await insertOnce(COLLECTIONS.orders, orderToDocument(order));
        return { created, order: documentToOrder(doc) };
      }),

    getOrder: (orderId: string) =>
      run('getOrder', async () => {
        const doc = await fetchById(COLLECTIONS.orders, orderId);
        return doc ? documentToOrder(doc) : null;
      }),

    replaceOrder: (next: Order, expectedVersion: number) =>
      run('replaceOrder', async () => {
        checkVersions(next, expectedVersion);
        // update() merges top-level objects field by field; an order's only nested values are arrays, which it replaces.
        const res = await collection(COLLECTIONS.orders).where({ _id: next.orderId, version: expectedVersion }).update(write(orderFields(next)));
        return updatedCount(res) === 1;
      }),

    listOrdersByOpenid: (openid: string, page: { limit: number; before?: OrderPageCursor }) =>
      run('listOrdersByOpenid', () => {
        const conditions: object[] = [{ openid }];
        if (page.before) conditions.push(pastCursor('createdAt', page.before.createdAt, page.before.orderId, 'desc'));
        return fetchOrders(_().and(conditions), [['createdAt', 'desc'], ['orderId', 'desc']], page.limit);
      }),

    listDueOrders: (dueBy: string, limit: number, after?: DuePageCursor) =>
      run('listDueOrders', () => {
        const conditions: object[] = [{ nextCheckAt: _().lte(dueBy) }];
        if (after) conditions.push(pastCursor('nextCheckAt', after.nextCheckAt, after.orderId));
        return fetchOrders(_().and(conditions), [['nextCheckAt', 'asc'], ['orderId', 'asc']], limit);
      }),

    listOrdersByState: (states: OrderState[], opts: { createdBefore?: string } & Page<OrderPageCursor>) =>
      run('listOrdersByState', async () => {
        if (states.length === 0) return [];
        const conditions: object[] = [{ state: _().in(states) }];
        if (opts.createdBefore !== undefined) conditions.push({ createdAt: _().lt(opts.createdBefore) });
        if (opts.after) conditions.push(pastCursor('createdAt', opts.after.createdAt, opts.after.orderId));
        return fetchOrders(_().and(conditions), [['createdAt', 'asc'], ['orderId', 'asc']], opts.limit);
      }),

    listOrdersWithOpenRefund: (openedBefore: string, limitOrPage: number | Page<OpenRefundPageCursor>) =>
      run('listOrdersWithOpenRefund', () => {
        const page = asPage(limitOrPage);
        const conditions: object[] = [{ openRefundSince: _().lt(openedBefore) }];
        if (page.after) conditions.push(pastCursor('openRefundSince', page.after.openRefundSince, page.after.orderId));
        return fetchOrders(_().and(conditions), [['openRefundSince', 'asc'], ['orderId', 'asc']], page.limit);
      }),

    listOrdersCreatedBetween: (fromIso: string, toIso: string, page: Page<OrderPageCursor> & { newestFirst?: boolean }) =>
      run('listOrdersCreatedBetween', () => {
        const direction = page.newestFirst ? 'desc' : 'asc';
        const conditions: object[] = [{ createdAt: _().gte(fromIso) }, { createdAt: _().lt(toIso) }];
        if (page.after) conditions.push(pastCursor('createdAt', page.after.createdAt, page.after.orderId, direction));
        return fetchOrders(_().and(conditions), [['createdAt', direction], ['orderId', direction]], page.limit);
      }),

    listShippingDue: (dueBy: string, limit: number) =>
      run('listShippingDue', () => fetchOrders({ shippingDueAt: _().lte(dueBy) }, [['shippingDueAt', 'asc'], ['orderId', 'asc']], limit)),

    listOrdersPaidBetween: (fromIso: string, toIso: string, page: Page<PaidPageCursor>) =>
      run('listOrdersPaidBetween', () => {
        const conditions: object[] = [{ paidAt: _().gte(fromIso) }, { paidAt: _().lt(toIso) }];
        if (page.after) conditions.push(pastCursor('paidAt', page.after.paidAt, page.after.orderId));
        return fetchOrders(_().and(conditions), [['paidAt', 'asc'], ['orderId', 'asc']], page.limit);
      }),

    recordCallback: (raw: RawCallback) =>
      run('recordCallback', async () => {
        const id = newRecordId(now());
        checked(await collection(COLLECTIONS.callbacks).add(write(callbackToDocument(raw, id))));
        return id;
      }, COLLECTIONS.callbacks),

    listCallbacks: (opts: { orderId?: string; limit: number }) =>
      run('listCallbacks', async () => {
        const limit = clampLimit(opts.limit);
        if (limit === 0) return [];
        const base = collection(COLLECTIONS.callbacks);
        const filtered: CbQuery = opts.orderId !== undefined ? base.where({ orderId: opts.orderId }) : base;
        const query = filtered.orderBy('receivedAt', 'desc').orderBy('_id', 'desc');
        return documentsOf(await query.limit(limit).get()).map(documentToCallback);
      }, COLLECTIONS.callbacks),

    claimSweepLease: (holder: string, claim: { now: string; until: string; startedBefore?: string }) =>
      run('claimSweepLease', async () => {
        // one round trip when the lease is free: a compare-and-set on the one document
        const free: Record<string, unknown> = { _id: SWEEP_DOCUMENT, leaseUntil: _().lte(claim.now) };
        if (claim.startedBefore !== undefined) free.lastStartedAt = _().lte(claim.startedBefore);
        const res = await collection(COLLECTIONS.sweeps).where(free).update(write({ leaseUntil: claim.until, holder, lastStartedAt: claim.now }));
        if (updatedCount(res) === 1) return true;
        // held, or the very first run: the insert tells them apart
        const first: StoredDocument = { _id: SWEEP_DOCUMENT, leaseUntil: claim.until, holder, lastStartedAt: claim.now, lastCompletedAt: null, lastRunAt: null };
        const { created, doc } = await insertOnce(COLLECTIONS.sweeps, first);
        // created, or our own insert whose reply was lost
        return created || (doc.holder === holder && doc.leaseUntil === claim.until);
      }, COLLECTIONS.sweeps),

    endSweepRun: (holder: string, record: SweepRunRecord) =>
      run('endSweepRun', async () => {
        // flat fields: an update of a field inside a null one would be refused
        const fields: Record<string, unknown> = { lastRunAt: record.at, lastRunBy: record.by, lastRunComplete: record.complete, lastRunChecked: record.checked, lastRunFailed: record.failed };
        if (record.complete) fields.lastCompletedAt = record.at;
        const released = await collection(COLLECTIONS.sweeps).where({ _id: SWEEP_DOCUMENT, holder }).update(write({ ...fields, leaseUntil: record.at }));
        // the lease ran out and another run holds it now: record this run all the same
        if (updatedCount(released) === 0) await collection(COLLECTIONS.sweeps).where({ _id: SWEEP_DOCUMENT }).update(write(fields));
      }, COLLECTIONS.sweeps),

    getSweepState: () =>
      run('getSweepState', async () => {
        const doc = await fetchById(COLLECTIONS.sweeps, SWEEP_DOCUMENT);
        return doc ? documentToSweepState(doc) : null;
      }, COLLECTIONS.sweeps),

    getStaff: () =>
      run('getStaff', async () => {
        const doc = await fetchById(COLLECTIONS.staff, STAFF_DOCUMENT);
        return doc ? documentToStaff(doc) : NO_STAFF;
      }, COLLECTIONS.staff),

    replaceStaff: (next: StaffList, expectedVersion: number) =>
      run('replaceStaff', async () => {
        if (!Number.isSafeInteger(expectedVersion) || next.version !== expectedVersion + 1) {
          throw new InvalidVersionError(STAFF_DOCUMENT, `refusing to write version ${String(next.version)} over version ${String(expectedVersion)}`);
        }
        const fields = { version: next.version, members: next.members, changes: next.changes };
        if (expectedVersion === 0) {
          const { created, doc } = await insertOnce(COLLECTIONS.staff, { _id: STAFF_DOCUMENT, ...fields });
          // created, or our own insert whose reply was lost
          return created || (doc.version === next.version && JSON.stringify(doc.changes) === JSON.stringify(next.changes));
        }
        const res = await collection(COLLECTIONS.staff).where({ _id: STAFF_DOCUMENT, version: expectedVersion }).update(write(fields));
        return updatedCount(res) === 1;
      }, COLLECTIONS.staff),
  };
}
