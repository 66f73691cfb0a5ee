import { config } from '../../miniprogram/config';
import { delayFor, nextDelay, PAYMENT_BACKOFF, QR_BACKOFF, schedule } from '../../miniprogram/utils/backoff';
import { estimateFen } from '../../miniprogram/utils/cny';
import { attemptFor, keptAfter } from '../../miniprogram/utils/attempt';
import { applyKey, pressKey, type Key } from '../../miniprogram/utils/keypad';
import { badgeOf, mergeOrders, outcomeOf, refundableCents, resultViewOf, sortNewestFirst } from '../../miniprogram/utils/order';
import { groupOrderNumber, normalizeOrderNumber } from '../../miniprogram/utils/order-number';
import { chooseTip, EMPTY_FORM, totalsOf, typeKey, type PayForm } from '../../miniprogram/utils/pay-form';
import { isRetryable } from '../../miniprogram/utils/retryable';
import { isValidRequestId, newRequestId } from '../../miniprogram/utils/request-id';
import { tipCents, tipForPercent } from '../../miniprogram/utils/tip';
import { formatCountdown, formatDateTime } from '../../miniprogram/utils/time';
import { order } from './helpers';

const press = (keys: Array<Key>, max = 1_000_000) => keys.reduce((input, key) => applyKey(input, key, max), '');
const typed = (text: string, max?: number) => press(text.split('').map((c) => (c === '<' ? 'del' : c)) as Key[], max);

describe('keypad', () => {
  test('builds valid amounts', () => {
    expect(typed('19.99')).toBe('19.99');
    expect(typed('.5')).toBe('0.5');
    expect(typed('0.05')).toBe('0.05');
  });

  test('refuses a second dot, a third decimal and leading zeros', () => {
    expect(typed('1.2.3')).toBe('1.23');
    expect(typed('1.234')).toBe('1.23');
    expect(typed('00')).toBe('0');
    expect(typed('007')).toBe('7');
  });

  test('refuses going over the maximum', () => {
    expect(typed('100000')).toBe('10000');
    expect(typed('10000.01')).toBe('10000.0');
    expect(typed('60', 5000)).toBe('6');
    expect(typed('50.01', 5000)).toBe('50.0');
  });

  test('says why a key is refused when a person would wonder', () => {
    expect(pressKey('10000', '0', 1_000_000)).toEqual({ input: '10000', refused: 'OVER_MAX' });
    expect(pressKey('1.23', '4', 1_000_000)).toEqual({ input: '1.23', refused: 'DECIMALS' });
    expect(pressKey('1.2', '.', 1_000_000)).toEqual({ input: '1.2' });
    expect(pressKey('0', '0', 1_000_000)).toEqual({ input: '0' });
    expect(pressKey('9'.repeat(16), '9', Number.MAX_SAFE_INTEGER)).toEqual({ input: '9'.repeat(16), refused: 'OVER_MAX' });
  });

  test('deletes and clears', () => {
    expect(typed('12.5<<')).toBe('12');
    expect(typed('<')).toBe('');
    expect(applyKey('12.5', 'clear', 1_000_000)).toBe('');
  });
});

describe('tip', () => {
  test.each([
    [1999, 15, 300],
    [1000, 15, 150],
    [333, 10, 33],
    [5, 10, 1],
    [4, 10, 0],
    [15, 10, 2],
    [1250, 0, 0],
    [0, 15, 0],
  ])('%d cents at %d%% → %d', (amount, percent, expected) => {
    expect(tipForPercent(amount, percent)).toBe(expected);
  });

  test('custom tip is taken as typed', () => {
    expect(tipCents(1000, { kind: 'custom', cents: 275 })).toBe(275);
    expect(tipCents(1000, { kind: 'percent', percent: 20 })).toBe(200);
  });
});

describe('CNY estimate', () => {
  test('rounds to the fen, half up', () => {
    expect(estimateFen(2299, 523456789)).toBe(12034);
    expect(estimateFen(1, 50000000)).toBe(1);
    expect(estimateFen(1, 49999999)).toBe(0);
    expect(estimateFen(0, 523456789)).toBe(0);
  });

  test('is exact where the product passes floating point precision', () => {
    const total = 999_999;
    const rate = 123_456_789_050;
    expect(total * rate).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(estimateFen(total, rate)).toBe(1_234_566_656);
    expect(estimateFen(2 ** 40, 2 ** 40)).toBeNull();
  });

  test('refuses what it cannot compute', () => {
    expect(estimateFen(100, 0)).toBeNull();
    expect(estimateFen(100, 1.5)).toBeNull();
    expect(estimateFen(-1, 100)).toBeNull();
  });
});

describe('backoff', () => {
  test('the result page asks every half second for the first 3 s, then less and less, within 30 s', () => {
    const delays = schedule(PAYMENT_BACKOFF);
    expect(delays.slice(0, 6)).toEqual([500, 500, 500, 500, 500, 500]);
    expect(delays[6]).toBe(1000);
    expect(delays[7]).toBe(1500);
    expect(delays.length).toBeLessThanOrEqual(16);
    expect(Math.max(...delays)).toBe(PAYMENT_BACKOFF.capMs);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(PAYMENT_BACKOFF.totalMs);
    for (let i = 1; i < delays.length - 1; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
  });

  test('stops once the time is up', () => {
    expect(nextDelay(3, QR_BACKOFF.totalMs, QR_BACKOFF)).toBeNull();
    expect(nextDelay(20, 29000, PAYMENT_BACKOFF)).toBe(1000);
    expect(delayFor(50, QR_BACKOFF)).toBe(QR_BACKOFF.capMs);
  });

  test('the result page never stops while the order is open: past 30 s it slows down to every 30 s', () => {
    const delays = schedule(PAYMENT_BACKOFF, 60 * 60 * 1000);
    const first = schedule(PAYMENT_BACKOFF).length;
    const later = delays.slice(first);
    expect(later[0]).toBe(7500);
    for (let i = 1; i < later.length; i++) expect(later[i]).toBeGreaterThanOrEqual(later[i - 1]);
    expect(Math.max(...later)).toBe(30000);
    expect(later.filter((d) => d < 30000).length).toBeLessThanOrEqual(8);
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60 * 60 * 1000);
  });
});

describe('the pay form', () => {
  const limits = { maxAmountCents: 1_000_000, maxTipCents: 5000, tipPercents: [0, 10, 15, 20] };
  const typed = (form: PayForm, keys: string) => keys.split('').reduce((f, k) => typeKey(f, k as Key, limits).form, form);

  test('totals from what was typed and the tip chosen', () => {
    const form = chooseTip(typed(EMPTY_FORM, '25.8'), 2);
    expect(totalsOf(form, limits)).toEqual({ amountCents: 2580, tipCents: 387, totalCents: 2967 });
    expect(totalsOf(EMPTY_FORM, limits)).toEqual({ amountCents: null, tipCents: 0, totalCents: null });
    const custom = typed(chooseTip(form, 'custom'), '4');
    expect(custom.editing).toBe('tip');
    expect(totalsOf(custom, limits)).toEqual({ amountCents: 2580, tipCents: 400, totalCents: 2980 });
    expect(chooseTip(custom, 1).editing).toBe('amount');
  });

  test('a refused key names the field and the reason', () => {
    const tip = typed(chooseTip(typed(EMPTY_FORM, '10'), 'custom'), '50');
    expect(typeKey(tip, '1', limits)).toEqual({ form: tip, refused: { field: 'tip', reason: 'OVER_MAX' } });
    const amount = typed(EMPTY_FORM, '1.99');
    expect(typeKey(amount, '9', limits)).toEqual({ form: amount, refused: { field: 'amount', reason: 'DECIMALS' } });
  });
});

describe('retries', () => {
  test('one list of the failures after which the same request is sent again', () => {
    for (const code of ['NETWORK', 'SERVICE_UNAVAILABLE', 'PAYMENT_PENDING', 'BUSY']) expect(isRetryable(code)).toBe(true);
    for (const code of ['PAYMENT_REJECTED', 'INVALID_AMOUNT', 'NOT_FOUND', 'REFUND_TOO_LARGE', 'REFUND_OPEN', 'UNKNOWN']) expect(isRetryable(code)).toBe(false);
  });

  test('an attempt is kept while the same thing is retried', () => {
    let n = 0;
    const newId = () => `req_${++n}`;
    const first = attemptFor(undefined, '500+0', newId);
    expect(attemptFor(first, '500+0', newId)).toBe(first);
    expect(attemptFor(first, '600+0', newId).requestId).toBe('req_2');
    expect(keptAfter(first, 'NETWORK')).toBe(first);
    expect(keptAfter(first, 'PAYMENT_REJECTED')).toBeUndefined();
  });
});

describe('request id', () => {
  test('8–64 characters of [A-Za-z0-9_-], different each time', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newRequestId();
      expect(isValidRequestId(id)).toBe(true);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });

  test('built from the injected clock and randomness', () => {
    expect(newRequestId(() => 0, 36)).toBe('mp10_AAAAAAAAAAAAAAAA');
    expect(isValidRequestId(newRequestId(() => 0.9999999, 0))).toBe(true);
    expect(isValidRequestId('short')).toBe(false);
    expect(isValidRequestId('has space 123')).toBe(false);
  });
});

describe('orders', () => {
  test('outcome for the payer', () => {
    expect(outcomeOf('PAID')).toBe('paid');
    expect(outcomeOf('REFUNDED')).toBe('paid');
    expect(outcomeOf('CLOSED')).toBe('notPaid');
    expect(outcomeOf('REVIEW')).toBe('review');
    expect(outcomeOf('PAYING')).toBe('pending');
  });

  test('the Result page says refunded for a refunded payment, never paid', () => {
    expect(resultViewOf('REFUNDED')).toBe('refunded');
    expect(resultViewOf('PARTIALLY_REFUNDED')).toBe('partlyRefunded');
    expect(resultViewOf('PAID')).toBe('paid');
    expect(resultViewOf('CLOSED')).toBe('notPaid');
  });

  test('refundable amount', () => {
    expect(refundableCents(order({ totalCents: 1500, refundedCents: 500, state: 'PARTIALLY_REFUNDED' }))).toBe(1000);
    expect(refundableCents(order({ state: 'REVIEW' }))).toBe(0);
    expect(refundableCents(order({ state: 'REFUNDED', refundedCents: 1250 }))).toBe(0);
  });

  test('newest first, and pages merge without duplicates', () => {
    const a = order({ orderId: 'a', createdAt: '2024-05-01T10:00:00Z' });
    const b = order({ orderId: 'b', createdAt: '2024-05-02T10:00:00Z' });
    const c = order({ orderId: 'c', createdAt: '2024-04-30T10:00:00Z' });
    expect(sortNewestFirst([a, c, b]).map((o) => o.orderId)).toEqual(['b', 'a', 'c']);
    expect(mergeOrders([b, a], [a, c]).map((o) => o.orderId)).toEqual(['b', 'a', 'c']);
  });

  test('badges', () => {
    expect(badgeOf('PAYING')).toBe('unpaid');
    expect(badgeOf('CREATED')).toBe('unpaid');
    expect(badgeOf('PARTIALLY_REFUNDED')).toBe('refunded');
    expect(badgeOf('CLOSED')).toBe('failed');
  });

  test('order numbers as staff type them', () => {
    expect(normalizeOrderNumber(' k7q2 m9x4\u3000 ')).toBe('K7Q2M9X4');
    expect(normalizeOrderNumber('ord_1')).toBeNull();
    expect(normalizeOrderNumber('')).toBeNull();
    expect(normalizeOrderNumber('A'.repeat(33))).toBeNull();
    expect(groupOrderNumber('K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD')).toBe('K7Q2 M9X4 C1VB 8N3T 6R5W 0ZJ4 HPLD');
    expect(normalizeOrderNumber(groupOrderNumber('K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD'))).toBe('K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD');
    expect(groupOrderNumber('K7Q2M9X4')).toBe('K7Q2 M9X4');
  });

  test('a countdown as m:ss', () => {
    expect(formatCountdown(300_000)).toBe('5:00');
    expect(formatCountdown(299_001)).toBe('5:00');
    expect(formatCountdown(65_000)).toBe('1:05');
    expect(formatCountdown(-5)).toBe('0:00');
  });

  test('dates shown in local time', () => {
    expect(formatDateTime('2024-05-01T18:00:05.000Z')).toMatch(/^2024-05-0[12] \d\d:\d\d$/);
    expect(formatDateTime('nonsense')).toBe('');
    expect(formatDateTime(undefined)).toBe('');
  });
});

describe('config', () => {
  test('defaults a merchant starts from', () => {
    expect(config.maxAmountCents).toBe(1_000_000);
    expect(config.currency).toBe('CAD');
    expect(config.tipPercents[0]).toBe(0);
    expect(config.cloudEnv).toBe('your-cloud-env-id');
  });
});
