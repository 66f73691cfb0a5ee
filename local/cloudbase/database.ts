/**
 * The local CloudBase database: the actions of CloudBase's database API (`database.insertDocument`,
 * `getDocument`, `modifyDocument`, `calculateDocument`, `removeDocument`, `addCollection`) with
 * their EJSON bodies, answered as CloudBase answers them, over NeDB data files (one per
 * collection, `<name>.db`; a collection exists when its file does).
 *
 * Where CloudBase's behaviour is not documented, each reading is a switch (`DatabaseSwitches`), and
 * faults are injected here (`failNext`, `unavailable`) so that every client, in-process or over
 * HTTP, meets them alike.
 */
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import Datastore from '@seald-io/nedb';
import { CLOUDBASE_INDEXES, type IndexSpec } from '../../server/orders/indexes';
import { EjsonError, parseEjson, stringifyEjson } from './ejson';
import { BadQueryError, missingIndex, toStoreQuery, type SortSpec } from './query';

type Doc = Record<string, unknown>;

// NeDB's document functions; its typings do not declare the module.
const model = require('@seald-io/nedb/lib/model') as {
  deserialize(line: string): Doc;
  modify(doc: Doc, update: Doc): Doc;
  areThingsEqual(a: unknown, b: unknown): boolean;
  serialize(doc: Doc): string;
};

/** What the server answers one request with. */
export type DatabaseReply =
  | { kind: 'answer'; body: Doc }
  /** An HTTP status other than 200, as a gateway in front of the database answers. */
  | { kind: 'status'; status: number }
  /** The request was applied but its answer never reaches the caller. */
  | { kind: 'lost' };

/** The database API's operations, by what they do to data. */
export type DatabaseOp = 'add' | 'get' | 'update' | 'count' | 'remove';

const OP_OF_ACTION: Record<string, DatabaseOp> = {
  'database.insertDocument': 'add',
  'database.getDocument': 'get',
  'database.modifyDocument': 'update',
  'database.calculateDocument': 'count',
  'database.removeDocument': 'remove',
};

/** Readings of CloudBase where its documents are silent, each a switch. */
export interface DatabaseSwitches {
  /** `updated` counts documents the filter matched, or only those the write changed. */
  updatedMeans: 'matched' | 'modified';
  /** The code a duplicate `_id` is answered with; both are seen in the wild. */
  duplicateCode: 'DATABASE_DUPLICATE_WRITE' | 'DATABASE_REQUEST_FAILED';
  /** Refuse a query no declared index serves (CloudBase times it out once a collection is large). */
  enforceIndexes: boolean;
  /** Added to every answer: the round trip of a database across a network. */
  latencyMs: number;
  /** Most documents one query answers, whatever its limit (the server SDKs' documented cap is 1,000). */
  documentCap: number;
}

export const DEFAULT_SWITCHES: DatabaseSwitches = {
  updatedMeans: 'matched',
  duplicateCode: 'DATABASE_DUPLICATE_WRITE',
  enforceIndexes: true,
  latencyMs: 0,
  documentCap: 1000,
};

export interface FailureSpec {
  ops?: readonly DatabaseOp[];
  /** Apply the request, then lose its answer. */
  afterWrite?: boolean;
  /** Apply the request and answer it this late (past a client's timeout, it is a lost answer). */
  slowMs?: number;
  /** Answer with this HTTP status instead of applying the request (502 unless said). */
  status?: number;
}

export interface LocalDatabaseOptions {
  /** Folder of the data files; without one, the data lives in memory only (tests that need no restart). */
  dir?: string;
  /** Load the files without ever writing them; writes are refused. */
  readOnly?: boolean;
  indexes?: Readonly<Record<string, readonly IndexSpec[]>>;
  switches?: Partial<DatabaseSwitches>;
  /** Told of every request of the database API, before faults (a round trip counter). */
  onRequest?: (op: DatabaseOp | 'addCollection', collection: string) => void;
  /** Told of every query refused for want of an index. */
  onRefusedQuery?: (collection: string, reason: string) => void;
}

interface Failure extends FailureSpec {
  ops: readonly DatabaseOp[];
}

/**
 * The embedded store's own indexes, which keep range reads of a large collection quick. Only on
 * fields whose values are mostly distinct: NeDB updates an index entry in time proportional to the
 * documents sharing its value, so a field like `state` or `nextCheckAt` (null once settled) would
 * make every write slow. Sparse: documents without the field (an unpaid order's `paidAt`) stay out.
 */
const STORE_INDEXES: Record<string, string[]> = {
  orders: ['createdAt', 'paidAt'],
  ott_callbacks: ['orderId', 'receivedAt'],
};

class DatabaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function requestId(): string {
  return randomBytes(8).toString('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The documents of a data file as NeDB would load them: the last line of each _id wins; a torn last line is skipped. */
function readDataFile(file: string): Doc[] {
  const byId = new Map<string, Doc>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let doc: Doc;
    try {
      doc = model.deserialize(line);
    } catch {
      continue;
    }
    if (typeof doc._id !== 'string') continue;
    if (doc.$$deleted === true) byId.delete(doc._id);
    else byId.set(doc._id, doc);
  }
  return [...byId.values()];
}

function parseField(params: Doc, name: string): unknown {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return value;
  return parseEjson(value);
}

function sortOf(order: unknown): SortSpec {
  if (order === undefined) return [];
  if (Array.isArray(order)) {
    return order.map((o: { field?: unknown; direction?: unknown }) => [String(o.field), o.direction === 'desc' || o.direction === -1 ? -1 : 1]);
  }
  if (typeof order !== 'object' || order === null) throw new BadQueryError('order must be an object');
  return Object.entries(order).map(([field, direction]) => [field, direction === -1 || direction === 'desc' ? -1 : 1]);
}

export class LocalCloudBaseDatabase {
  readonly switches: DatabaseSwitches;
  /** Every request fails with a 503 while true: the database is down. */
  unavailable = false;
  /** Requests answered so far (the round trips a client made). */
  requests = 0;
  /** The SDKs that called over HTTP, as they name themselves (`x-sdk-version`). */
  readonly clients = new Set<string>();
  private readonly collections = new Map<string, Promise<Datastore<Doc>>>();
  private readonly writing = new Map<string, Promise<unknown>>();
  private failures: Failure[] = [];
  private readonly indexes: Readonly<Record<string, readonly IndexSpec[]>>;
  private closed = false;

  constructor(private readonly options: LocalDatabaseOptions) {
    this.switches = { ...DEFAULT_SWITCHES, ...options.switches };
    this.indexes = options.indexes ?? CLOUDBASE_INDEXES;
    if (options.dir !== undefined && !options.readOnly) mkdirSync(options.dir, { recursive: true });
  }

  /** The next `count` requests among `ops` (all by default) fail as `spec` says. */
  failNext(count = 1, spec: FailureSpec = {}): void {
    for (let i = 0; i < count; i += 1) this.failures.push({ ...spec, ops: spec.ops ?? ['add', 'get', 'update', 'count', 'remove'] });
  }

  clearFailures(): void {
    this.failures = [];
  }

  /** How many injected failures are still to come. */
  pendingFailures(): number {
    return this.failures.length;
  }

  /** True when the collection exists. */
  hasCollection(name: string): boolean {
    const file = this.file(name);
    return this.collections.has(name) || (file !== undefined && existsSync(file));
  }

  /** Creates the collection (its data file) if it does not exist, and loads it; true when it was created. */
  async createCollection(name: string): Promise<boolean> {
    const created = !this.hasCollection(name);
    await this.open(name, true);
    return created;
  }

  /** Every document of a collection, decoded, bypassing faults (for tests and tools). */
  async documents(name: string): Promise<Doc[]> {
    if (!this.hasCollection(name)) return [];
    return (await this.open(name)).findAsync({});
  }

  /** One document by `_id`, bypassing faults (the sandbox console reads the merchant's side while the database is down). */
  async document(name: string, id: string): Promise<Doc | undefined> {
    if (!this.hasCollection(name)) return undefined;
    return (await (await this.open(name)).findOneAsync({ _id: id })) ?? undefined;
  }

  /** Stores a document as it is, whatever it holds (old data, a console edit). */
  async putDocument(name: string, doc: { _id: string } & Doc): Promise<void> {
    const ds = await this.open(name, true);
    await ds.removeAsync({ _id: doc._id }, {});
    await ds.insertAsync(doc);
  }

  /** Answers one request of the database API; `params` is its JSON body, `client` the SDK that sent it. */
  async handle(params: Doc, client?: string): Promise<DatabaseReply> {
    if (client) this.clients.add(client);
    const action = String(params.action ?? '');
    const op = OP_OF_ACTION[action];
    this.requests += 1;
    this.options.onRequest?.(op ?? 'addCollection', String(params.collectionName ?? ''));
    if (this.switches.latencyMs > 0) await sleep(this.switches.latencyMs);
    if (this.closed || this.unavailable) return { kind: 'status', status: 503 };
    const index = op ? this.failures.findIndex((f) => f.ops.includes(op)) : -1;
    const failure = index >= 0 ? this.failures.splice(index, 1)[0] : undefined;
    if (failure && !failure.afterWrite && failure.slowMs === undefined) return { kind: 'status', status: failure.status ?? 502 };
    const body = await this.answer(action, params);
    if (failure?.slowMs !== undefined) await sleep(failure.slowMs);
    if (failure?.afterWrite) return { kind: 'lost' };
    return { kind: 'answer', body };
  }

  close(): void {
    this.closed = true;
  }

  private file(name: string): string | undefined {
    return this.options.dir === undefined ? undefined : join(this.options.dir, `${name}.db`);
  }

  private open(name: string, create = false): Promise<Datastore<Doc>> {
    let opened = this.collections.get(name);
    if (opened) return opened;
    // read-only tools look at a data folder as it is: a collection not made yet is empty
    const file = this.file(name);
    if (!create && !this.options.readOnly && (file === undefined || !existsSync(file))) throw new DatabaseError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${name}. Please check your request, but if the problem persists, contact us.`);
    opened = (async () => {
      if (file === undefined || this.options.readOnly) {
        const ds = new Datastore<Doc>({ inMemoryOnly: true });
        if (file !== undefined && existsSync(file)) await ds.insertAsync(readDataFile(file));
        return ds;
      }
      const ds = new Datastore<Doc>({ filename: file });
      await ds.loadDatabaseAsync();
      return ds;
    })().then(async (ds) => {
      for (const fieldName of STORE_INDEXES[name] ?? []) await ds.ensureIndexAsync({ fieldName, sparse: true });
      return ds;
    });
    this.collections.set(name, opened);
    opened.catch(() => this.collections.delete(name));
    return opened;
  }

  /** Runs writes to one collection one at a time, so a filtered update is one atomic step. */
  private serially<T>(name: string, write: () => Promise<T>): Promise<T> {
    const previous = this.writing.get(name) ?? Promise.resolve();
    const next = previous.then(write, write);
    this.writing.set(name, next.catch(() => undefined));
    return next;
  }

  private async answer(action: string, params: Doc): Promise<Doc> {
    try {
      return { requestId: requestId(), data: await this.run(action, params) };
    } catch (err) {
      if (err instanceof DatabaseError) return { requestId: requestId(), code: err.code, message: err.message };
      if (err instanceof BadQueryError || err instanceof EjsonError) return { requestId: requestId(), code: 'INVALID_PARAM', message: `invalid request: ${err.message}` };
      if ((err as { errorType?: unknown }).errorType === 'uniqueViolated') {
        const key = String((err as { key?: unknown }).key ?? '');
        return {
          requestId: requestId(),
          code: this.switches.duplicateCode,
          message: `[DATABASE_DUPLICATE_WRITE] E11000 duplicate key error collection: ${String(params.collectionName)} index: _id_ dup key: { _id: "${key}" }`,
        };
      }
      return { requestId: requestId(), code: 'DATABASE_REQUEST_FAILED', message: (err as Error).message };
    }
  }

  private refuseUnindexed(name: string, query: Doc, sort: SortSpec): void {
    if (!this.switches.enforceIndexes) return;
    const reason = missingIndex(query, sort, this.indexes[name] ?? []);
    if (reason === undefined) return;
    this.options.onRefusedQuery?.(name, reason);
    throw new DatabaseError('DATABASE_TIMEOUT', `Query timed out: ${name}: ${reason}`);
  }

  private async run(action: string, params: Doc): Promise<Doc> {
    const name = params.collectionName;
    if (typeof name !== 'string' || name === '') throw new BadQueryError('collectionName is required');
    if (params.transactionId) throw new BadQueryError('transactions are not supported by the local database');
    if (action === 'database.addCollection') {
      if (this.options.readOnly) throw new DatabaseError('DATABASE_PERMISSION_DENIED', 'the local database was opened read-only');
      if (!(await this.createCollection(name))) throw new DatabaseError('DATABASE_COLLECTION_ALREADY_EXIST', `Table exist: ${name}`);
      return {};
    }
    const op = OP_OF_ACTION[action];
    if (!op) throw new DatabaseError('INVALID_ACTION', `the local database does not answer ${action}`);
    if (op !== 'get' && op !== 'count' && this.options.readOnly) throw new DatabaseError('DATABASE_PERMISSION_DENIED', 'the local database was opened read-only');
    const ds = await this.open(name);
    const rawQuery = parseField(params, 'query');
    const query = toStoreQuery(rawQuery);
    switch (op) {
      case 'add':
        return this.serially(name, () => this.insert(ds, params));
      case 'get': {
        const sort = sortOf(parseField(params, 'order'));
        if (params.queryType !== 'DOC') this.refuseUnindexed(name, rawQuery as Doc ?? {}, sort);
        const limit = Math.min(this.switches.documentCap, Math.max(0, Number(params.limit ?? 100)));
        const offset = Math.max(0, Number(params.offset ?? 0));
        let cursor = ds.findAsync(query);
        if (sort.length > 0) cursor = cursor.sort(Object.fromEntries(sort));
        const projection = parseField(params, 'projection');
        if (projection) cursor = cursor.projection(projection as Record<string, 0 | 1>);
        const docs = await cursor.skip(offset).limit(params.queryType === 'DOC' ? 1 : limit);
        return { list: docs.map(stringifyEjson), limit, offset };
      }
      case 'count':
        this.refuseUnindexed(name, rawQuery as Doc ?? {}, []);
        return { total: await ds.countAsync(query) };
      case 'remove':
        this.refuseUnindexed(name, rawQuery as Doc ?? {}, []);
        return this.serially(name, async () => ({ deleted: await ds.removeAsync(query, { multi: params.multi !== false }) }));
      case 'update':
        if (params.queryType !== 'DOC') this.refuseUnindexed(name, rawQuery as Doc ?? {}, []);
        return this.serially(name, () => this.modify(ds, query, params));
    }
  }

  private async insert(ds: Datastore<Doc>, params: Doc): Promise<Doc> {
    const data = Array.isArray(params.data) ? params.data : [params.data];
    const ids: string[] = [];
    for (const item of data) {
      const doc = (typeof item === 'string' ? parseEjson(item) : item) as Doc;
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new BadQueryError('data must hold documents');
      const withId = { ...doc, _id: typeof doc._id === 'string' ? doc._id : randomBytes(16).toString('hex') };
      await ds.insertAsync(withId);
      ids.push(withId._id);
    }
    return { insertedIds: ids };
  }

  private async modify(ds: Datastore<Doc>, query: Doc, params: Doc): Promise<Doc> {
    const data = parseField(params, 'data');
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BadQueryError('data must be an update');
    const update = data as Doc;
    const multi = params.multi === true;
    const found = await ds.findAsync(query);
    const targets = multi ? found : found.slice(0, 1);
    let modified = 0;
    for (const doc of targets) {
      const next = params.merge === false && !Object.keys(update).some((k) => k.startsWith('$')) ? { ...update, _id: doc._id } : model.modify(doc, update);
      if (this.switches.updatedMeans === 'modified' && model.serialize(next) === model.serialize(doc)) continue;
      await ds.updateAsync({ _id: doc._id }, next, {});
      modified += 1;
    }
    let upsertId = '';
    if (targets.length === 0 && params.upsert === true) {
      const id = typeof (query as { _id?: unknown })._id === 'string' ? String(query._id) : randomBytes(16).toString('hex');
      await ds.insertAsync({ ...model.modify({}, update), _id: id });
      upsertId = id;
    }
    return { updated: this.switches.updatedMeans === 'matched' ? targets.length : modified, upsert_id: upsertId };
  }
}
