import { clampLimit, newRecordId } from '../../../server/orders/store';

describe('store helpers', () => {
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
