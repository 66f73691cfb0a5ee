import type { AuditEntry, Order, RawCallback, RefundRecord } from './model';

/** A record as a document-database backend holds it: the record's own id doubles as `_id`. */
export type StoredDocument = { _id: string } & Record<string, unknown>;

/** Field names CloudBase or NeDB add to documents themselves. */
const BACKEND_FIELDS = new Set(['_id', '_openid']);

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[key] = v !== null && typeof v === 'object' && !Array.isArray(v) ? withoutUndefined(v as Record<string, unknown>) : v;
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

/** Fields of a patch as they are written: `undefined` removed at every level. */
export function patchDocument(patch: object): Record<string, unknown> {
  return withoutUndefined(patch as Record<string, unknown>);
}

export function orderToDocument(order: Order): StoredDocument {
  return { ...withoutUndefined({ ...order }), _id: order.orderId };
}

export function documentToOrder(doc: Record<string, unknown>): Order {
  return recordFields(doc) as unknown as Order;
}

export function refundToDocument(refund: RefundRecord): StoredDocument {
  return { ...withoutUndefined({ ...refund }), _id: refund.refundId };
}

export function documentToRefund(doc: Record<string, unknown>): RefundRecord {
  return recordFields(doc) as unknown as RefundRecord;
}

export function auditToDocument(entry: AuditEntry, id: string): StoredDocument {
  const { id: _ignored, ...fields } = entry;
  return { ...withoutUndefined(fields), _id: id };
}

export function documentToAudit(doc: Record<string, unknown>): AuditEntry {
  return { id: String(doc._id), ...(recordFields(doc) as unknown as Omit<AuditEntry, 'id'>) };
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
  return { ...withoutUndefined(fields), headers: storedHeaders, _id: id };
}

export function documentToCallback(doc: Record<string, unknown>): RawCallback {
  const { headers, ...fields } = recordFields(doc);
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (const h of headers as StoredHeader[]) out[h.name] = h.value;
  }
  return { id: String(doc._id), ...(fields as Omit<RawCallback, 'id' | 'headers'>), headers: out };
}
