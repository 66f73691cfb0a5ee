import { readFile } from 'fs/promises';
import path from 'path';
import Datastore from '@seald-io/nedb';
import type { OrderState } from '../../typings/payments';
import type { Order, RawCallback } from './model';
import { callbackToDocument, documentToCallback, documentToOrder, orderToDocument } from './documents';
import {
  asPage,
  checkVersions,
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
} from './store';

type Doc = Record<string, unknown>;
type Collection = Datastore<Doc>;

export type NedbOrderStore = OrderStore & {
  /** The store refuses calls afterwards. The data files are left as they are: every write was appended as it was made. */
  close(): Promise<void>;
};

export interface NedbStoreOptions extends StoreOptions {
  /** Read the data files without ever writing them (NeDB itself rewrites a file when it loads it); writes are refused. */
  readOnly?: boolean;
}

// NeDB's own line format (dates as $$date); its typings do not declare the module.
const { deserialize } = require('@seald-io/nedb/lib/model') as { deserialize(line: string): Doc };

/** The documents of a data file as NeDB would load them: the last line of each _id wins; a torn last line is skipped. */
async function readDataFile(file: string): Promise<Doc[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const byId = new Map<string, Doc>();
  for (const line of text.split('\n')) {
    let doc: Doc;
    try {
      doc = deserialize(line);
    } catch {
      continue;
    }
    if (typeof doc._id !== 'string') continue;
    if (doc.$$deleted === true) byId.delete(doc._id);
    else byId.set(doc._id, doc);
  }
  return [...byId.values()];
}

const INDEXED_FIELDS: Record<CollectionName, string[]> = {
  orders: ['openid', 'state', 'createdAt', 'paidAt', 'nextCheckAt', 'openRefundSince'],
  ott_callbacks: ['orderId', 'receivedAt'],
};

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { errorType?: unknown }).errorType === 'uniqueViolated';
}

/** A range on a field that holds a timestamp or null; the lower bound keeps NeDB's index scan off the nulls. */
function timestampUpTo(bound: '$lt' | '$lte', value: string): Doc {
  return { $gt: '', [bound]: value };
}

/** Orders past the cursor (`field`, orderId) in a listing sorted by field then orderId, ascending ('$gt') or descending ('$lt'). */
function pastCursor(field: string, value: string, orderId: string, past: '$gt' | '$lt' = '$gt'): Doc[] {
  return [{ [field]: { [past]: value } }, { [field]: value, orderId: { [past]: orderId } }];
}

/**
 * The embedded store of the local stack: one NeDB data file per collection under `dir`
 * (`orders.db`, `ott_callbacks.db`). NeDB appends every write to its file and rewrites the file
 * without superseded lines when it opens it.
 */
export async function openNedbStore(dir: string, options: NedbStoreOptions = {}): Promise<NedbOrderStore> {
  const now = options.now ?? (() => new Date());
  const readOnly = options.readOnly ?? false;
  const open = async (name: CollectionName): Promise<Collection> => {
    const file = path.join(dir, `${name}.db`);
    const ds = readOnly ? new Datastore<Doc>({ inMemoryOnly: true }) : new Datastore<Doc>({ filename: file });
    if (readOnly) await ds.insertAsync(await readDataFile(file));
    else await ds.loadDatabaseAsync();
    for (const fieldName of INDEXED_FIELDS[name]) await ds.ensureIndexAsync({ fieldName });
    return ds;
  };
  let collections: Record<CollectionName, Collection>;
  try {
    collections = { orders: await open(COLLECTIONS.orders), ott_callbacks: await open(COLLECTIONS.callbacks) };
  } catch (err) {
    throw new StoreUnavailableError(`cannot open the order store in ${dir}`, err);
  }
  const { orders, ott_callbacks: callbacks } = collections;
  let closed = false;

  async function run<T>(what: string, op: () => Promise<T>, writes = false): Promise<T> {
    if (closed) throw new StoreUnavailableError(`${what}: the order store is closed`);
    if (writes && readOnly) throw new StoreUnavailableError(`${what}: the order store was opened read-only`);
    try {
      return await op();
    } catch (err) {
      throw toStoreError(what, err);
    }
  }

  async function findOrders(query: Doc, sort: Record<string, 1 | -1>, limit: number): Promise<Order[]> {
    const n = clampLimit(limit);
    if (n === 0) return [];
    return (await orders.findAsync(query).sort(sort).limit(n)).map(documentToOrder);
  }

  const store: NedbOrderStore = {
    createOrder: (order: Order) =>
      run('createOrder', async () => {
        try {
          return { created: true, order: documentToOrder(await orders.insertAsync(orderToDocument(order))) };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          const existing = await orders.findOneAsync({ _id: order.orderId });
          if (!existing) throw err;
          return { created: false, order: documentToOrder(existing) };
        }
      }, true),

    getOrder: (orderId: string) =>
      run('getOrder', async () => {
        const doc = await orders.findOneAsync({ _id: orderId });
        return doc ? documentToOrder(doc) : null;
      }),

    replaceOrder: (next: Order, expectedVersion: number) =>
      run('replaceOrder', async () => {
        checkVersions(next, expectedVersion);
        // _id comes first in the query, so NeDB finds the document by its primary key.
        const { numAffected } = await orders.updateAsync({ _id: next.orderId, version: expectedVersion }, orderToDocument(next), {});
        return numAffected === 1;
      }, true),

    listOrdersByOpenid: (openid: string, page: { limit: number; before?: OrderPageCursor }) =>
      run('listOrdersByOpenid', () => {
        const query: Doc = { openid };
        if (page.before) query.$or = pastCursor('createdAt', page.before.createdAt, page.before.orderId, '$lt');
        return findOrders(query, { createdAt: -1, orderId: -1 }, page.limit);
      }),

    listDueOrders: (dueBy: string, limit: number, after?: DuePageCursor) =>
      run('listDueOrders', () => {
        const query: Doc = { nextCheckAt: timestampUpTo('$lte', dueBy) };
        if (after) query.$or = pastCursor('nextCheckAt', after.nextCheckAt, after.orderId);
        return findOrders(query, { nextCheckAt: 1, orderId: 1 }, limit);
      }),

    listOrdersByState: (states: OrderState[], opts: { createdBefore?: string } & Page<OrderPageCursor>) =>
      run('listOrdersByState', async () => {
        if (states.length === 0) return [];
        const query: Doc = { state: { $in: states } };
        if (opts.createdBefore !== undefined) query.createdAt = { $lt: opts.createdBefore };
        if (opts.after) query.$or = pastCursor('createdAt', opts.after.createdAt, opts.after.orderId);
        return findOrders(query, { createdAt: 1, orderId: 1 }, opts.limit);
      }),

    listOrdersWithOpenRefund: (openedBefore: string, limitOrPage: number | Page<OpenRefundPageCursor>) =>
      run('listOrdersWithOpenRefund', () => {
        const page = asPage(limitOrPage);
        const query: Doc = { openRefundSince: timestampUpTo('$lt', openedBefore) };
        if (page.after) query.$or = pastCursor('openRefundSince', page.after.openRefundSince, page.after.orderId);
        return findOrders(query, { openRefundSince: 1, orderId: 1 }, page.limit);
      }),

    listOrdersCreatedBetween: (fromIso: string, toIso: string, page: Page<OrderPageCursor> & { newestFirst?: boolean }) =>
      run('listOrdersCreatedBetween', () => {
        const past = page.newestFirst ? '$lt' : '$gt';
        const query: Doc = { createdAt: { $gte: fromIso, $lt: toIso } };
        if (page.after) query.$or = pastCursor('createdAt', page.after.createdAt, page.after.orderId, past);
        const direction = page.newestFirst ? -1 : 1;
        return findOrders(query, { createdAt: direction, orderId: direction }, page.limit);
      }),

    listOrdersPaidBetween: (fromIso: string, toIso: string, page: Page<PaidPageCursor>) =>
      run('listOrdersPaidBetween', () => {
        const query: Doc = { paidAt: { $gte: fromIso, $lt: toIso } };
        if (page.after) query.$or = pastCursor('paidAt', page.after.paidAt, page.after.orderId);
        return findOrders(query, { paidAt: 1, orderId: 1 }, page.limit);
      }),

    recordCallback: (raw: RawCallback) =>
      run('recordCallback', async () => {
        const id = newRecordId(now());
        await callbacks.insertAsync(callbackToDocument(raw, id));
        return id;
      }, true),

    listCallbacks: (opts: { orderId?: string; limit: number }) =>
      run('listCallbacks', async () => {
        const limit = clampLimit(opts.limit);
        if (limit === 0) return [];
        const query: Doc = opts.orderId !== undefined ? { orderId: opts.orderId } : {};
        const docs = await callbacks.findAsync(query).sort({ receivedAt: -1, _id: -1 }).limit(limit);
        return docs.map(documentToCallback);
      }),

    close: async () => {
      closed = true;
    },
  };
  return store;
}
