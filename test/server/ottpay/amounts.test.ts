import { AmountError, parseMinorUnits } from '../../../server/ottpay/amounts';

describe('parseMinorUnits', () => {
  it.each([
    ['0', 0],
    ['3', 3],
    ['275900', 275900],
    ['007', 7],
    ['000000000100', 100],
    [0, 0],
    [1250, 1250],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('reads %j as %i', (value, expected) => {
    expect(parseMinorUnits(value, 'amount')).toBe(expected);
  });

  it.each([
    ['1.5'],
    ['-1'],
    ['+1'],
    [''],
    [' 1'],
    ['1 '],
    ['1e3'],
    ['0x10'],
    ['١٢'],
    ['9007199254740993'],
    [1.5],
    [-1],
    [NaN],
    [Infinity],
    [2 ** 53],
    [null],
    [undefined],
    [true],
    [{}],
  ])('refuses %p and names the field', (value) => {
    expect(() => parseMinorUnits(value, 'refund_fee')).toThrow(AmountError);
    try {
      parseMinorUnits(value, 'refund_fee');
    } catch (error) {
      expect((error as AmountError).field).toBe('refund_fee');
      expect((error as AmountError).message).toContain('refund_fee');
    }
  });
});
