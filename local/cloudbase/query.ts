/**
 * A CloudBase query as the local database runs it: translated to the embedded store's dialect,
 * and checked against the declared indexes the way CloudBase would plan it. A query no index
 * serves scans the collection and sorts in memory; on CloudBase it ends in DATABASE_TIMEOUT once
 * the collection is large, so locally it is refused at any size.
 */
import type { IndexSpec } from '../../server/orders/indexes';

type Doc = Record<string, unknown>;
export type SortSpec = [field: string, direction: 1 | -1][];

export class BadQueryError extends Error {}

const COMPARISONS: Record<string, string> = {
  $eq: '$eq',
  $neq: '$ne',
  $ne: '$ne',
  $lt: '$lt',
  $lte: '$lte',
  $gt: '$gt',
  $gte: '$gte',
  $in: '$in',
  $nin: '$nin',
  $exists: '$exists',
  $size: '$size',
  $elemMatch: '$elemMatch',
  $regex: '$regex',
  $all: '$all',
};
const LOGICAL = new Set(['$and', '$or', '$nor']);

function isOperatorObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date || value instanceof RegExp) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function translateCondition(field: string, condition: unknown): Doc {
  if (!isOperatorObject(condition)) return { [field]: condition };
  const out: Doc = {};
  for (const [op, operand] of Object.entries(condition)) {
    const mapped = COMPARISONS[op];
    if (!mapped) throw new BadQueryError(`unsupported operator ${op} on ${field}`);
    if (mapped === '$eq') {
      if (Object.keys(condition).length > 1) throw new BadQueryError(`$eq with other operators on ${field}`);
      return { [field]: operand };
    }
    out[mapped] = operand;
  }
  return { [field]: out };
}

/** The query in NeDB's dialect (NeDB has no $eq; `$neq` is CloudBase's spelling of $ne). */
export function toStoreQuery(query: unknown): Doc {
  if (query === undefined || query === null) return {};
  if (typeof query !== 'object' || Array.isArray(query)) throw new BadQueryError('the query must be an object');
  const out: Doc[] = [];
  for (const [key, value] of Object.entries(query as Doc)) {
    if (LOGICAL.has(key)) {
      if (!Array.isArray(value) || value.length === 0) throw new BadQueryError(`${key} needs a list of conditions`);
      out.push({ [key]: value.map(toStoreQuery) });
    } else if (key.startsWith('$')) {
      throw new BadQueryError(`unsupported operator ${key}`);
    } else {
      out.push(translateCondition(key, value));
    }
  }
  return merged(out);
}

/**
 * The conditions of a conjunction as one object where their fields do not clash (a field's
 * operators are merged), so that NeDB can use an index on them; the rest stays under $and.
 */
function merged(conditions: Doc[]): Doc {
  const flat: Doc[] = [];
  for (const condition of conditions) {
    const keys = Object.keys(condition);
    if (keys.length === 1 && keys[0] === '$and') flat.push(...(condition.$and as Doc[]));
    else flat.push(condition);
  }
  const out: Doc = {};
  const rest: Doc[] = [];
  for (const condition of flat) {
    for (const [key, value] of Object.entries(condition)) {
      const existing = out[key];
      if (existing === undefined) out[key] = value;
      else if (isOperatorObject(existing) && isOperatorObject(value) && Object.keys(value).every((op) => !(op in existing))) out[key] = { ...existing, ...value };
      else rest.push({ [key]: value });
    }
  }
  if (rest.length > 0) out.$and = [...((out.$and as Doc[] | undefined) ?? []), ...rest];
  return out;
}

interface FieldUse {
  /** Fields compared for equality (or `$in`) in every document the query matches. */
  equal: Set<string>;
  /** Every field the query reads. */
  referenced: Set<string>;
}

function collectFields(query: Doc, use: FieldUse, topLevel: boolean): void {
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) collectFields(part as Doc, use, topLevel);
    } else if (LOGICAL.has(key) && Array.isArray(value)) {
      for (const part of value) collectFields(part as Doc, use, false);
    } else {
      use.referenced.add(key);
      const equality = !isOperatorObject(value) || (Object.keys(value).length === 1 && ('$in' in value || '$eq' in value));
      if (topLevel && equality) use.equal.add(key);
    }
  }
}

function fieldUse(query: Doc): FieldUse {
  const use: FieldUse = { equal: new Set(), referenced: new Set() };
  collectFields(query, use, true);
  return use;
}

function serves(index: IndexSpec, use: FieldUse, sort: SortSpec): boolean {
  const fields = index.fields.map((f) => f.field);
  if (![...use.referenced].every((f) => fields.includes(f))) return false;
  let prefix = 0;
  while (prefix < fields.length && use.equal.has(fields[prefix])) prefix += 1;
  if (![...use.equal].every((f) => fields.indexOf(f) < prefix)) return false;
  const sorted = sort.filter(([field]) => !use.equal.has(field));
  if (sorted.length === 0) return prefix > 0 || use.referenced.has(fields[0]);
  let sameWay: boolean | undefined;
  for (let i = 0; i < sorted.length; i += 1) {
    const part = index.fields[prefix + i];
    if (!part || part.field !== sorted[i][0]) return false;
    const same = (part.direction === 'asc' ? 1 : -1) === sorted[i][1];
    if (sameWay === undefined) sameWay = same;
    else if (sameWay !== same) return false;
  }
  return true;
}

/** Why no index serves the query, or undefined when one does (equality on `_id` always does). */
export function missingIndex(query: Doc, sort: SortSpec, indexes: readonly IndexSpec[]): string | undefined {
  const use = fieldUse(query);
  if (use.equal.has('_id')) return undefined;
  if (indexes.some((index) => serves(index, use, sort))) return undefined;
  const filter = [...use.referenced].join(', ') || 'none';
  const order = sort.map(([field, direction]) => `${field} ${direction === 1 ? 'asc' : 'desc'}`).join(', ') || 'none';
  return `no declared index serves this query (filter on: ${filter}; sort: ${order}); declare one in server/orders/indexes.ts`;
}
