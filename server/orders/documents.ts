import type { Order, RawCallback } from './model';
import { InvalidVersionError } from './store';

/** A record as a document-database backend holds it: the record's own id doubles as `_id`. */
export type StoredDocument = { _id: string } & Record<string, unknown>;

/** Field names CloudBase adds to documents itself. */
const BACKEND_FIELDS = new Set(['_id', '_openid']);

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) out[key] = withoutUndefined(v);
  }
  return out;
}

function recordFields(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(doc)) {
    if (!BACKEND_FIELDS.has(key)) out[key] = v;
  }
  return out;
}

/** The order's fields as written: `undefined` removed at every level, `_id` left out. */
export function orderFields(order: Order): Record<string, unknown> {
  return withoutUndefined(order) as Record<string, unknown>;
}

export function orderToDocument(order: Order): StoredDocument {
  return { ...orderFields(order), _id: order.orderId };
}

/** The order a document holds; InvalidVersionError when its version is not a whole number (old data, a console edit). */
export function documentToOrder(doc: Record<string, unknown>): Order {
  if (!Number.isSafeInteger(doc.version)) {
    throw new InvalidVersionError(String(doc.orderId ?? doc._id), `stored version ${JSON.stringify(doc.version) ?? 'missing'} is not a whole number: fix the document before anything writes it`);
  }
  return recordFields(doc) as unknown as Order;
}

/**
 * Headers are stored as a list of pairs: a header name may contain '.', which neither backend
 * accepts in a field name.
 */
interface StoredHeader {
  name: string;
  value: string;
}

export function callbackToDocument(raw: RawCallback, id: string): StoredDocument {
  const { id: _ignored, headers, ...fields } = raw;
  const storedHeaders: StoredHeader[] = Object.entries(headers).map(([name, value]) => ({ name, value }));
  return { ...(withoutUndefined(fields) as Record<string, unknown>), headers: storedHeaders, _id: id };
}

export function documentToCallback(doc: Record<string, unknown>): RawCallback {
  const { headers, ...fields } = recordFields(doc);
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (const h of headers as StoredHeader[]) out[h.name] = h.value;
  }
  return { id: String(doc._id), ...(fields as Omit<RawCallback, 'id' | 'headers'>), headers: out };
}
