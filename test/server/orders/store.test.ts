import type { Order } from '../../../server/orders/model';
import { InvalidTransitionError } from '../../../server/orders/state-machine';
import { applyOrderChanges, clampLimit, newRecordId } from '../../../server/orders/store';
import { makeOrder } from './store-contract';

describe('store helpers', () => {
  it('applies order changes, bumping version and updatedAt, and reports what to write', () => {
    const order: Order = makeOrder({ ott: { codeUrl: 'c' } });
    const { next, patch } = applyOrderChanges(order, { state: 'PAYING', ott: { saleNum: 's', tradeTime: undefined }, paidAt: undefined }, 'T');
    expect(patch).toEqual({ state: 'PAYING', ott: { codeUrl: 'c', saleNum: 's' }, version: 1, updatedAt: 'T' });
    expect(next).toEqual({ ...order, ...patch });
    expect(order.version).toBe(0);
    expect(() => applyOrderChanges(order, { state: 'REFUNDED' }, 'T')).toThrow(InvalidTransitionError);
  });

  it('clamps page sizes to whole numbers from 0 to 1000', () => {
    expect([clampLimit(20), clampLimit(0), clampLimit(-3), clampLimit(2.7), clampLimit(5000), clampLimit(NaN)]).toEqual([20, 0, 0, 2, 1000, 0]);
  });

  it('makes record ids that sort in the order they were made', () => {
    const now = new Date('2024-05-01T12:00:00Z');
    const ids = Array.from({ length: 500 }, () => newRecordId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(500);
    expect(newRecordId(new Date('2024-05-01T12:00:00.001Z')) > ids[499]).toBe(true);
  });
});
