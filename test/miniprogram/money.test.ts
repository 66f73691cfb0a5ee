import { centsToInput, formatCents, formatMoney, normalizeAmountInput, parseAmount } from '../../miniprogram/utils/money';

const MAX = 1_000_000;
const cents = (input: string, allowZero = false) => {
  const parsed = parseAmount(input, { maxCents: MAX, allowZero });
  return parsed.ok ? parsed.cents : parsed.reason;
};

describe('parseAmount', () => {
  test.each([
    ['19.99', 1999],
    ['0.1', 10],
    ['0.2', 20],
    ['0.3', 30],
    ['4.35', 435],
    ['8.2', 820],
    ['1.10', 110],
    ['12', 1200],
    ['1.', 100],
    ['.5', 50],
    ['0.05', 5],
    ['10000', 1_000_000],
    [' 12 ', 1200],
  ])('%s → %d cents, exactly', (input, expected) => {
    expect(cents(input)).toBe(expected);
  });

  test('"0.1" + "0.2" adds up to "0.3" in cents, unlike floating point', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect((cents('0.1') as number) + (cents('0.2') as number)).toBe(cents('0.3'));
  });

  test.each([
    ['１２．５', 1250],
    ['１９.９９', 1999],
    ['１２。５', 1250],
    ['\u3000８\u3000', 800],
  ])('full-width input %s → %d', (input, expected) => {
    expect(cents(input)).toBe(expected);
  });

  test.each([
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['-5', 'NEGATIVE'],
    ['－５', 'NEGATIVE'],
    ['01', 'FORMAT'],
    ['00.5', 'FORMAT'],
    ['.', 'FORMAT'],
    ['1.005', 'FORMAT'],
    ['1..0', 'FORMAT'],
    ['$12', 'FORMAT'],
    ['+1', 'FORMAT'],
    ['12a', 'FORMAT'],
    ['1 2', 'FORMAT'],
    ['1e3', 'FORMAT'],
    ['1,000', 'FORMAT'],
    ['0', 'ZERO'],
    ['0.00', 'ZERO'],
    ['10000.01', 'OVER_MAX'],
    ['99999', 'OVER_MAX'],
    ['1'.repeat(17), 'TOO_LONG'],
    ['9'.repeat(400), 'TOO_LONG'],
  ])('%j is refused: %s', (input, reason) => {
    expect(cents(input)).toBe(reason);
  });

  test('zero is allowed where asked (a tip)', () => {
    expect(cents('0', true)).toBe(0);
    expect(cents('0.00', true)).toBe(0);
  });

  test('every cent value from 0.00 to 99.99 round-trips through format and parse', () => {
    for (let value = 1; value < 10000; value++) {
      expect(cents(formatCents(value))).toBe(value);
      expect(cents(centsToInput(value))).toBe(value);
    }
  });
});

describe('formatting', () => {
  test('formatCents', () => {
    expect(formatCents(1250)).toBe('12.50');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(-500)).toBe('-5.00');
    expect(formatCents(123456, true)).toBe('1,234.56');
    expect(formatCents(1.5)).toBe('');
  });

  test('formatMoney carries the currency', () => {
    expect(formatMoney(1250)).toBe('CAD 12.50');
    expect(formatMoney(100000000)).toBe('CAD 1,000,000.00');
  });

  test('centsToInput gives what the keypad would show', () => {
    expect(centsToInput(1200)).toBe('12');
    expect(centsToInput(1250)).toBe('12.5');
    expect(centsToInput(1205)).toBe('12.05');
  });

  test('normalizeAmountInput', () => {
    expect(normalizeAmountInput('０１２３４５６７８９．')).toBe('0123456789.');
  });
});
