import path from 'path';
import Datastore from '@seald-io/nedb';
import type { OrderState } from '../../typings/payments';
import type { AuditEntry, Order, RawCallback, RefundRecord, RefundState } from './model';
import {
  auditToDocument,
  callbackToDocument,
  documentToAudit,
  documentToCallback,
  documentToOrder,
  documentToRefund,
  orderToDocument,
  patchDocument,
  refundToDocument,
  type StoredDocument,
} from './documents';
import {
  applyOrderChanges,
  applyRefundChanges,
  clampLimit,
  COLLECTIONS,
  newRecordId,
  RecordNotFoundError,
  StoreUnavailableError,
  toStoreError,
  type CollectionName,
  type OrderChanges,
  type OrderPageCursor,
  type OrderStore,
  type RefundChanges,
  type StoreOptions,
} from './store';

type Doc = Record<string, unknown>;
type Collection = Datastore<Doc>;

export type NedbOrderStore = OrderStore & {
  /** Waits for pending writes, compacts the data files; the store refuses calls afterwards. */
  close(): Promise<void>;
};

const INDEXED_FIELDS: Record<CollectionName, string[]> = {
  orders: ['openid', 'state', 'createdAt'],
  refunds: ['orderId'],
  order_audit: ['orderId'],
  ott_callbacks: ['orderId', 'receivedAt'],
};

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { errorType?: unknown }).errorType === 'uniqueViolated';
}

/**
 * The embedded store of the local stack: one NeDB data file per collection under `dir`
 * (`orders.db`, `refunds.db`, `order_audit.db`, `ott_callbacks.db`).
 */
export async function openNedbStore(dir: string, options: StoreOptions = {}): Promise<NedbOrderStore> {
  const now = options.now ?? (() => new Date());
  const open = async (name: CollectionName): Promise<Collection> => {
    const ds = new Datastore<Doc>({ filename: path.join(dir, `${name}.db`) });
    await ds.loadDatabaseAsync();
    for (const fieldName of INDEXED_FIELDS[name]) await ds.ensureIndexAsync({ fieldName });
    return ds;
  };
  let collections: Record<CollectionName, Collection>;
  try {
    collections = {
      orders: await open(COLLECTIONS.orders),
      refunds: await open(COLLECTIONS.refunds),
      order_audit: await open(COLLECTIONS.audit),
      ott_callbacks: await open(COLLECTIONS.callbacks),
    };
  } catch (err) {
    throw new StoreUnavailableError(`cannot open the order store in ${dir}`, err);
  }
  const { orders, refunds, order_audit: audit, ott_callbacks: callbacks } = collections;
  let closed = false;

  async function run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreUnavailableError(`${what}: the order store is closed`);
    try {
      return await op();
    } catch (err) {
      throw toStoreError(what, err);
    }
  }

  async function insertOnce(ds: Collection, doc: StoredDocument): Promise<{ created: boolean; doc: Doc }> {
    try {
      return { created: true, doc: await ds.insertAsync(doc) };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await ds.findOneAsync({ _id: doc._id });
      if (!existing) throw err;
      return { created: false, doc: existing };
    }
  }

  async function compareAndSet(ds: Collection, query: Doc, patch: object): Promise<boolean> {
    const { numAffected } = await ds.updateAsync(query, { $set: patchDocument(patch) }, {});
    return numAffected === 1;
  }

  const store: NedbOrderStore = {
    createOrder: (order: Order) =>
      run('createOrder', async () => {
        const { created, doc } = await insertOnce(orders, orderToDocument(order));
        return { created, order: documentToOrder(doc) };
      }),

    getOrder: (orderId: string) =>
      run('getOrder', async () => {
        const doc = await orders.findOneAsync({ _id: orderId });
        return doc ? documentToOrder(doc) : null;
      }),

    updateOrderIf: (orderId: string, expected: { state: OrderState; version: number }, changes: OrderChanges) =>
      run('updateOrderIf', async () => {
        const doc = await orders.findOneAsync({ _id: orderId });
        if (!doc) return null;
        const current = documentToOrder(doc);
        if (current.state !== expected.state || current.version !== expected.version) return null;
        const { next, patch } = applyOrderChanges(current, changes, now().toISOString());
        const ok = await compareAndSet(orders, { _id: orderId, state: expected.state, version: expected.version }, patch);
        return ok ? next : null;
      }),

    listOrdersByOpenid: (openid: string, page: { limit: number; before?: OrderPageCursor }) =>
      run('listOrdersByOpenid', async () => {
        const limit = clampLimit(page.limit);
        if (limit === 0) return [];
        const query: Doc = { openid };
        if (page.before) {
          const { createdAt, orderId } = page.before;
          query.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, orderId: { $lt: orderId } }];
        }
        const docs = await orders.findAsync(query).sort({ createdAt: -1, orderId: -1 }).limit(limit);
        return docs.map(documentToOrder);
      }),

    listOrdersByState: (states: OrderState[], opts: { updatedBefore?: string; limit: number }) =>
      run('listOrdersByState', async () => {
        const limit = clampLimit(opts.limit);
        if (limit === 0 || states.length === 0) return [];
        const query: Doc = { state: { $in: states } };
        if (opts.updatedBefore !== undefined) query.updatedAt = { $lt: opts.updatedBefore };
        const docs = await orders.findAsync(query).sort({ updatedAt: 1, orderId: 1 }).limit(limit);
        return docs.map(documentToOrder);
      }),

    listOrdersCreatedBetween: (fromIso: string, toIso: string, limit: number) =>
      run('listOrdersCreatedBetween', async () => {
        const n = clampLimit(limit);
        if (n === 0) return [];
        const docs = await orders
          .findAsync({ createdAt: { $gte: fromIso, $lt: toIso } })
          .sort({ createdAt: -1, orderId: -1 })
          .limit(n);
        return docs.map(documentToOrder);
      }),

    createRefund: (refund: RefundRecord) =>
      run('createRefund', async () => {
        const { created, doc } = await insertOnce(refunds, refundToDocument(refund));
        return { created, refund: documentToRefund(doc) };
      }),

    updateRefundIf: (refundId: string, expected: { state: RefundState; version: number }, changes: RefundChanges) =>
      run('updateRefundIf', async () => {
        const doc = await refunds.findOneAsync({ _id: refundId });
        if (!doc) return null;
        const current = documentToRefund(doc);
        if (current.state !== expected.state || current.version !== expected.version) return null;
        const { next, patch } = applyRefundChanges(current, changes, now().toISOString());
        const ok = await compareAndSet(refunds, { _id: refundId, state: expected.state, version: expected.version }, patch);
        return ok ? next : null;
      }),

    listRefunds: (orderId: string) =>
      run('listRefunds', async () => {
        const docs = await refunds.findAsync({ orderId }).sort({ createdAt: 1, refundId: 1 });
        return docs.map(documentToRefund);
      }),

    appendAudit: (entry: AuditEntry) =>
      run('appendAudit', async () => {
        await audit.insertAsync(auditToDocument(entry, newRecordId(now())));
      }),

    listAudit: (orderId: string) =>
      run('listAudit', async () => {
        const docs = await audit.findAsync({ orderId }).sort({ at: 1, _id: 1 });
        return docs.map(documentToAudit);
      }),

    recordCallback: (raw: RawCallback) =>
      run('recordCallback', async () => {
        const id = newRecordId(now());
        await callbacks.insertAsync(callbackToDocument(raw, id));
        return id;
      }),

    updateCallback: (id: string, changes: { orderId?: string; verdict: string }) =>
      run('updateCallback', async () => {
        const { numAffected } = await callbacks.updateAsync({ _id: id }, { $set: patchDocument(changes) }, {});
        if (numAffected !== 1) throw new RecordNotFoundError(COLLECTIONS.callbacks, id);
      }),

    listCallbacks: (opts: { orderId?: string; limit: number }) =>
      run('listCallbacks', async () => {
        const limit = clampLimit(opts.limit);
        if (limit === 0) return [];
        const query: Doc = opts.orderId !== undefined ? { orderId: opts.orderId } : {};
        const docs = await callbacks.findAsync(query).sort({ receivedAt: -1, _id: -1 }).limit(limit);
        return docs.map(documentToCallback);
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all(Object.values(collections).map((ds) => ds.compactDatafileAsync()));
    },
  };
  return store;
}
