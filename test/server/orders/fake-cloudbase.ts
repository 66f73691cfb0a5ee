/**
 * An in-memory stand-in for the part of the CloudBase database API that the order store uses:
 * collection / where / orderBy / limit / get / add / update, and command in / lt / lte / gt / gte /
 * and / or. It speaks either SDK's dialect:
 * - 'wx-server-sdk': writes take `{ data }`; results carry `errMsg`; update answers
 *   `{ stats: { updated } }`; add answers `{ _id }`; failures are Errors with a numeric `errCode`
 *   and the message "<api>:fail <errCode> <text>. <server message>".
 * - 'node-sdk': writes take the data itself; update answers `{ updated }`; add answers `{ id }`;
 *   failures are thrown as `{ code, message, requestId }` errors, or returned as such objects when
 *   `throwOnCode` is false.
 * Every call yields to the event loop once, then reads or writes the data in one synchronous step,
 * so a conditional update is atomic per call while concurrent calls interleave.
 * Like both SDKs, `where()` drops fields whose value is `undefined`: `where({ _id, version:
 * undefined })` matches on `_id` alone.
 */

export type FakeSdkMode = 'wx-server-sdk' | 'node-sdk';

type Doc = Record<string, unknown>;
type Op = 'add' | 'get' | 'update';

export interface FakeCloudBaseOptions {
  mode: FakeSdkMode;
  /** node-sdk only: false makes failures come back as resolved `{ code, message }` (setThrowOnCode(false)). */
  throwOnCode?: boolean;
  /** The server code of a duplicate _id: MongoDB's E11000 text under DATABASE_REQUEST_FAILED (default), or DATABASE_DUPLICATE_WRITE. */
  duplicateCode?: 'DATABASE_REQUEST_FAILED' | 'DATABASE_DUPLICATE_WRITE';
}

interface Failure {
  ops: readonly Op[];
  /** Apply the call, then fail it anyway: a reply lost on the way back. */
  afterWrite: boolean;
}

/** wx-server-sdk's TCB_ERR_CODE and the texts of its ERR_CODE table for the codes used here. */
const WX_ERR_CODES: Record<string, { errCode: number; text: string }> = {
  SYS_ERR: { errCode: -501001, text: 'system error' },
  DATABASE_REQUEST_FAILED: { errCode: -502001, text: 'database request fail' },
};

class QueryCommand {
  constructor(
    readonly op: 'in' | 'lt' | 'lte' | 'gt' | 'gte',
    readonly operand: unknown,
  ) {}
}

class LogicCommand {
  constructor(
    readonly op: 'and' | 'or',
    readonly conditions: readonly object[],
  ) {}
}

function expressions(args: unknown[]): object[] {
  return (Array.isArray(args[0]) ? args[0] : args) as object[];
}

const command = {
  in: (values: unknown[]) => {
    if (!Array.isArray(values)) throw new Error('in: values must be an array');
    return new QueryCommand('in', [...values]);
  },
  lt: (value: unknown) => new QueryCommand('lt', value),
  lte: (value: unknown) => new QueryCommand('lte', value),
  gt: (value: unknown) => new QueryCommand('gt', value),
  gte: (value: unknown) => new QueryCommand('gte', value),
  and: (...args: unknown[]) => new LogicCommand('and', expressions(args)),
  or: (...args: unknown[]) => new LogicCommand('or', expressions(args)),
};

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function isPlainObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** BSON order for the types stored here: missing/null < numbers < strings < booleans. */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (typeof value === 'boolean') return 3;
  return 4;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1 || ra === 2) return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
  if (ra === 3) return Number(a) - Number(b);
  return 0;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function comparable(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b) && (typeof a === 'number' || typeof a === 'string');
}

function matchesCommand(value: unknown, cmd: QueryCommand): boolean {
  switch (cmd.op) {
    case 'in':
      return (cmd.operand as unknown[]).some((candidate) => sameValue(value, candidate));
    case 'lt':
      return comparable(value, cmd.operand) && compareValues(value, cmd.operand) < 0;
    case 'lte':
      return comparable(value, cmd.operand) && compareValues(value, cmd.operand) <= 0;
    case 'gt':
      return comparable(value, cmd.operand) && compareValues(value, cmd.operand) > 0;
    case 'gte':
      return comparable(value, cmd.operand) && compareValues(value, cmd.operand) >= 0;
  }
}

function matches(doc: Doc, condition: object): boolean {
  if (condition instanceof LogicCommand) {
    return condition.op === 'and'
      ? condition.conditions.every((c) => matches(doc, c))
      : condition.conditions.some((c) => matches(doc, c));
  }
  if (condition instanceof QueryCommand) throw new Error('a query command must be the value of a field');
  return Object.entries(condition).every(([field, expected]) => {
    if (field.includes('.')) throw new Error(`fake: dotted field paths are not supported (${field})`);
    if (expected instanceof QueryCommand) return matchesCommand(doc[field], expected);
    if (expected instanceof LogicCommand) throw new Error(`fake: field-level logic commands are not supported (${field})`);
    return sameValue(doc[field], expected);
  });
}

/** The condition as the SDKs send it: fields whose value is `undefined` left out, at every level of and/or. */
function withoutUndefinedFields(condition: object): object {
  if (condition instanceof LogicCommand) return new LogicCommand(condition.op, condition.conditions.map(withoutUndefinedFields));
  if (condition instanceof QueryCommand) return condition;
  return Object.fromEntries(Object.entries(condition).filter(([, value]) => value !== undefined));
}

function checkFieldNames(value: unknown, where: string): void {
  if (Array.isArray(value)) {
    value.forEach((item) => checkFieldNames(item, where));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('.')) throw new Error(`${where}: invalid field name ${JSON.stringify(key)}`);
    checkFieldNames(v, where);
  }
}

/** CloudBase's update (merge: true) sets nested objects field by field; anything else is replaced. */
function mergeInto(target: Doc, patch: Doc): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value instanceof QueryCommand || value instanceof LogicCommand) throw new Error(`fake: commands are not supported in update data (${key})`);
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) mergeInto(current, value);
    else target[key] = clone(value);
  }
}

let requestSeq = 0;
const newRequestId = () => `fake-request-${++requestSeq}`;

export class FakeCloudBase {
  readonly mode: FakeSdkMode;
  /** Pass this to createCloudBaseStore. */
  readonly database: { command: typeof command; collection(name: string): FakeCollection };
  /** Every call made, in order. */
  readonly calls: { op: Op; collection: string }[] = [];

  private readonly collections = new Map<string, Map<string, Doc>>();
  private readonly failures: Failure[] = [];
  private unavailable = false;
  private autoId = 0;

  constructor(private readonly options: FakeCloudBaseOptions) {
    this.mode = options.mode;
    this.database = {
      command,
      collection: (name: string) => new FakeCollection(this, name, { conditions: undefined, orders: [], limit: undefined }),
    };
  }

  /** A copy of the documents of a collection, in insertion order. */
  documents(collection: string): Doc[] {
    return [...(this.collections.get(collection)?.values() ?? [])].map(clone);
  }

  /** Writes a document as it is, past every check (old data, a console edit). */
  putDocument(collection: string, doc: { _id: string } & Doc): void {
    this.store(collection).set(doc._id, clone(doc));
  }

  /** The next `count` calls (of the given kinds) fail as if the backend were unreachable. */
  failNext(count = 1, opts: { ops?: readonly Op[]; afterWrite?: boolean } = {}): void {
    for (let i = 0; i < count; i += 1) {
      this.failures.push({ ops: opts.ops ?? ['add', 'get', 'update'], afterWrite: opts.afterWrite ?? false });
    }
  }

  /** While on, every call fails. */
  setUnavailable(on: boolean): void {
    this.unavailable = on;
  }

  /** @internal */
  async perform<T>(op: Op, collection: string, action: () => T): Promise<T | Doc> {
    await tick();
    this.calls.push({ op, collection });
    const index = this.failures.findIndex((f) => f.ops.includes(op));
    const failure = index >= 0 ? this.failures.splice(index, 1)[0] : this.unavailable ? { ops: [op], afterWrite: false } : undefined;
    if (failure && !failure.afterWrite) return this.fail(op, 'SYS_ERR', 'request timed out (injected fault)');
    let result: T;
    try {
      result = action();
    } catch (err) {
      if (err instanceof ServerError) return this.fail(op, err.code, err.message);
      throw err;
    }
    if (failure) return this.fail(op, 'SYS_ERR', 'connection reset (injected fault)');
    return result;
  }

  /** @internal */
  store(collection: string): Map<string, Doc> {
    let docs = this.collections.get(collection);
    if (!docs) {
      docs = new Map();
      this.collections.set(collection, docs);
    }
    return docs;
  }

  /** @internal */
  insert(collection: string, data: unknown): { id: string } {
    if (!isPlainObject(data)) throw new Error('add: data must be an object');
    checkFieldNames(data, 'add');
    const docs = this.store(collection);
    const id = data._id === undefined ? `fakeid${String(++this.autoId).padStart(10, '0')}` : data._id;
    if (typeof id !== 'string') throw new Error('add: _id must be a string here');
    if (docs.has(id)) {
      const code = this.options.duplicateCode ?? 'DATABASE_REQUEST_FAILED';
      const message =
        code === 'DATABASE_DUPLICATE_WRITE'
          ? 'duplicate write'
          : `[FailedOperation.Insert] bulk write error: [{E11000 duplicate key error collection: tnt-fake.${collection} index: _id_ dup key: { _id: "${id}" }}]`;
      throw new ServerError(code, message);
    }
    docs.set(id, { ...clone(data), _id: id });
    return { id };
  }

  /** @internal Unwraps the argument of add/update as the SDK of this mode reads it. */
  writeData(api: string, arg: unknown): Doc {
    if (this.mode === 'wx-server-sdk') {
      if (!isPlainObject(arg) || !isPlainObject(arg.data)) throw this.sdkError(api, -501007, 'options.data must be an object');
      return arg.data;
    }
    if (!isPlainObject(arg)) throw this.sdkError(api, -501007, 'data must be a non-empty object');
    return arg;
  }

  /** @internal */
  sdkError(api: string, errCode: number, message: string): Error {
    if (this.mode === 'wx-server-sdk') {
      const text = `${api}:fail ${errCode} ${message}`;
      return Object.assign(new Error(text), { errCode, errMsg: text });
    }
    return Object.assign(new Error(message), { code: 'INVALID_PARAM', requestId: newRequestId() });
  }

  private fail(op: Op, code: string, message: string): Doc {
    const api = `collection.${op}`;
    if (this.mode === 'wx-server-sdk') {
      const known = WX_ERR_CODES[code] ?? WX_ERR_CODES.SYS_ERR;
      throw this.sdkError(api, known.errCode, `${known.text}. ${message}`);
    }
    const requestId = newRequestId();
    if (this.options.throwOnCode === false) return { code, message, requestId };
    throw Object.assign(new Error(message), { code, requestId });
  }
}

class ServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface QueryState {
  conditions: object | undefined;
  orders: { field: string; direction: 1 | -1 }[];
  limit: number | undefined;
}

class FakeQuery {
  constructor(
    protected readonly fake: FakeCloudBase,
    protected readonly name: string,
    protected readonly state: QueryState,
  ) {}

  where(condition: object): FakeQuery {
    if (typeof condition !== 'object' || condition === null) throw new Error('where: condition must be an object');
    return new FakeQuery(this.fake, this.name, { ...this.state, conditions: withoutUndefinedFields(condition) });
  }

  /** The documents the query's conditions select: by primary key when they name an `_id`, as the server would. */
  protected selected(): Doc[] {
    const { conditions } = this.state;
    const docs = this.fake.store(this.name);
    if (conditions === undefined) return [...docs.values()];
    const key = conditions instanceof LogicCommand ? undefined : (conditions as Doc)._id;
    const candidates = typeof key === 'string' ? [docs.get(key)].filter((doc): doc is Doc => doc !== undefined) : [...docs.values()];
    return candidates.filter((doc) => matches(doc, conditions));
  }

  orderBy(field: string, direction: string): FakeQuery {
    if (direction !== 'asc' && direction !== 'desc') throw new Error(`orderBy: bad direction ${direction}`);
    const orders = [...this.state.orders, { field, direction: direction === 'asc' ? (1 as const) : (-1 as const) }];
    return new FakeQuery(this.fake, this.name, { ...this.state, orders });
  }

  limit(max: number): FakeQuery {
    if (!Number.isInteger(max) || max < 1) throw new Error(`limit: bad value ${max}`);
    return new FakeQuery(this.fake, this.name, { ...this.state, limit: max });
  }

  get(): Promise<unknown> {
    return this.fake.perform('get', this.name, () => {
      const { orders } = this.state;
      let docs = this.selected();
      if (orders.length > 0) {
        docs = docs.sort((a, b) => {
          for (const { field, direction } of orders) {
            const c = compareValues(a[field], b[field]);
            if (c !== 0) return c * direction;
          }
          return 0;
        });
      }
      const data = docs.slice(0, Math.min(this.state.limit ?? 100, 1000)).map(clone);
      return this.fake.mode === 'wx-server-sdk' ? { data, errMsg: 'collection.get:ok' } : { data, requestId: newRequestId() };
    });
  }

  async update(arg: unknown): Promise<unknown> {
    const data = this.fake.writeData('collection.update', arg);
    if (Object.keys(data).length === 0) throw this.fake.sdkError('collection.update', -501007, 'options.data must not be empty');
    if ('_id' in data) throw this.fake.sdkError('collection.update', -501007, 'cannot update _id');
    checkFieldNames(data, 'update');
    return this.fake.perform('update', this.name, () => {
      let updated = 0;
      for (const doc of this.selected()) {
        const before = JSON.stringify(doc);
        mergeInto(doc, data);
        if (JSON.stringify(doc) !== before) updated += 1;
      }
      return this.fake.mode === 'wx-server-sdk'
        ? { stats: { updated }, errMsg: 'collection.update:ok' }
        : { updated, requestId: newRequestId() };
    });
  }
}

class FakeCollection extends FakeQuery {
  async add(arg: unknown): Promise<unknown> {
    const data = this.fake.writeData('collection.add', arg);
    return this.fake.perform('add', this.name, () => {
      const { id } = this.fake.insert(this.name, data);
      return this.fake.mode === 'wx-server-sdk' ? { _id: id, errMsg: 'collection.add:ok' } : { id, requestId: newRequestId() };
    });
  }
}
