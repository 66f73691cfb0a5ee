/**
 * The indexes the order store's queries need, in one place: README step 7 and `ops setup` list
 * them, and the local CloudBase database refuses any query none of them serves.
 */
import type { CollectionName } from './store';

/** An index of a collection: its fields in order, each ascending or descending. */
export interface IndexSpec {
  name: string;
  fields: { field: string; direction: 'asc' | 'desc' }[];
  unique?: boolean;
}

function index(name: string, ...fields: [string, 'asc' | 'desc'][]): IndexSpec {
  return { name, fields: fields.map(([field, direction]) => ({ field, direction })) };
}

/** Each listing's filter and whole sort, its tie-break included, so that no page is sorted in memory. */
export const CLOUDBASE_INDEXES: Readonly<Record<CollectionName, readonly IndexSpec[]>> = {
  orders: [
    index('openid_createdAt_orderId', ['openid', 'asc'], ['createdAt', 'desc'], ['orderId', 'desc']),
    index('nextCheckAt_orderId', ['nextCheckAt', 'asc'], ['orderId', 'asc']),
    index('state_createdAt_orderId', ['state', 'asc'], ['createdAt', 'asc'], ['orderId', 'asc']),
    index('openRefundSince_orderId', ['openRefundSince', 'asc'], ['orderId', 'asc']),
    index('createdAt_orderId', ['createdAt', 'desc'], ['orderId', 'desc']),
    index('paidAt_orderId', ['paidAt', 'asc'], ['orderId', 'asc']),
    index('shippingDueAt_orderId', ['shippingDueAt', 'asc'], ['orderId', 'asc']),
  ],
  ott_callbacks: [
    index('orderId_receivedAt_id', ['orderId', 'asc'], ['receivedAt', 'desc'], ['_id', 'desc']),
    index('receivedAt_id', ['receivedAt', 'desc'], ['_id', 'desc']),
  ],
  // one document, read and written by _id
  sweep_state: [],
  merchant_staff: [],
};

