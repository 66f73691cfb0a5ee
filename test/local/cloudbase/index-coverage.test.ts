import { missingIndex } from '../../../local/cloudbase/query';
import type { IndexSpec } from '../../../server/orders/indexes';

const index = (...fields: [string, 'asc' | 'desc'][]): IndexSpec => ({ name: fields.map(([f]) => f).join('_'), fields: fields.map(([field, direction]) => ({ field, direction })) });
/** The page after (createdAt, orderId) of a listing by creation, as the order store asks it. */
const pageAfter = {
  $and: [
    { createdAt: { $gte: '2026-01-01' } },
    { createdAt: { $lt: '2026-01-02' } },
    { $or: [{ createdAt: { $gt: '2026-01-01T10' } }, { createdAt: '2026-01-01T10', orderId: { $gt: 'A' } }] },
  ],
};

describe('which declared index serves a query', () => {
  it('refuses a paged listing whose index lacks the tie-break it sorts on', () => {
    expect(missingIndex(pageAfter, [['createdAt', 1], ['orderId', 1]], [index(['createdAt', 'asc'])])).toMatch(/no declared index serves this query/);
  });

  it('serves it from an index with the tie-break, read either way', () => {
    expect(missingIndex(pageAfter, [['createdAt', 1], ['orderId', 1]], [index(['createdAt', 'desc'], ['orderId', 'desc'])])).toBeUndefined();
    expect(missingIndex(pageAfter, [['createdAt', -1], ['orderId', -1]], [index(['createdAt', 'asc'], ['orderId', 'asc'])])).toBeUndefined();
  });

  it('refuses a sort whose directions do not match the index one way or the other', () => {
    expect(missingIndex({}, [['createdAt', 1], ['orderId', -1]], [index(['createdAt', 'asc'], ['orderId', 'asc'])])).toBeDefined();
  });

  it('needs the equality fields first, then the sort', () => {
    const byPayer = { openid: 'o-1' };
    const sort: [string, 1 | -1][] = [['createdAt', -1], ['orderId', -1]];
    expect(missingIndex(byPayer, sort, [index(['openid', 'asc'], ['createdAt', 'desc'], ['orderId', 'desc'])])).toBeUndefined();
    expect(missingIndex(byPayer, sort, [index(['createdAt', 'desc'], ['orderId', 'desc'], ['openid', 'asc'])])).toBeDefined();
    // an equality hidden inside $or is not one the index can start from
    expect(missingIndex({ $or: [{ openid: 'o-1', createdAt: { $lt: 'x' } }, { openid: 'o-1', createdAt: 'x' }] }, sort, [index(['openid', 'asc'], ['createdAt', 'desc'], ['orderId', 'desc'])])).toBeDefined();
  });

  it('refuses a filter on a field no index holds, and serves any lookup by _id', () => {
    expect(missingIndex({ state: 'PAID' }, [], [index(['createdAt', 'asc'])])).toBeDefined();
    expect(missingIndex({ _id: 'x', version: 3 }, [], [])).toBeUndefined();
  });
});
