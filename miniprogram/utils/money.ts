/** Money as integer cents, from the keystroke on: no floating point anywhere. */

export type AmountError = 'EMPTY' | 'FORMAT' | 'NEGATIVE' | 'TOO_LONG' | 'ZERO' | 'OVER_MAX';
export type ParsedAmount = { ok: true; cents: number } | { ok: false; reason: AmountError };

export interface ParseOptions {
  maxCents: number;
  /** A tip may be zero; an amount may not. */
  allowZero?: boolean;
}

/** Longest input accepted, after normalising: "1000000.00" fits with room to spare. */
export const MAX_INPUT_LENGTH = 16;

const FULL_WIDTH_ZERO = 0xff10;

/** Full-width digits and decimal marks (as typed with a Chinese input method) become ASCII. */
export function normalizeAmountInput(input: string): string {
  let out = '';
  for (const ch of input) {
    const code = ch.charCodeAt(0);
    if (code >= FULL_WIDTH_ZERO && code <= FULL_WIDTH_ZERO + 9) {
      out += String.fromCharCode(48 + code - FULL_WIDTH_ZERO);
    } else if (ch === '．' || ch === '。') {
      out += '.';
    } else if (ch === '－') {
      out += '-';
    } else {
      out += ch;
    }
  }
  return out.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
}

const AMOUNT_PATTERN = /^(0|[1-9][0-9]*)?(?:\.([0-9]{0,2}))?$/;

/**
 * Parses what a person typed into cents. Accepts "12", "12.5", "12.50", "1." and ".5";
 * refuses leading zeros ("01"), more than two decimals, signs, symbols and spaces inside.
 */
export function parseAmount(input: string, options: ParseOptions): ParsedAmount {
  const text = normalizeAmountInput(input);
  if (text === '') return { ok: false, reason: 'EMPTY' };
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, reason: 'TOO_LONG' };
  if (text.startsWith('-')) return { ok: false, reason: 'NEGATIVE' };
  const match = AMOUNT_PATTERN.exec(text);
  if (!match || text === '.') return { ok: false, reason: 'FORMAT' };
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const cents = Number(whole) * 100 + Number(fraction);
  if (!Number.isSafeInteger(cents)) return { ok: false, reason: 'TOO_LONG' };
  if (cents === 0 && !options.allowZero) return { ok: false, reason: 'ZERO' };
  if (cents > options.maxCents) return { ok: false, reason: 'OVER_MAX' };
  return { ok: true, cents };
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

/** 1250 → "12.50"; with grouping 123456 → "1,234.56". */
export function formatCents(cents: number, grouping = false): string {
  if (!Number.isSafeInteger(cents)) return '';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = String(Math.floor(abs / 100));
  const fraction = String(abs % 100).padStart(2, '0');
  return `${sign}${grouping ? group(whole) : whole}.${fraction}`;
}

/** 1250 → "CAD 12.50". */
export function formatMoney(cents: number, currency = 'CAD'): string {
  if (!Number.isSafeInteger(cents)) return '';
  return `${currency} ${formatCents(cents, true)}`;
}

/** As formatMoney, with the currency kept on the same line as its figures wherever the text wraps. */
export function formatMoneyUnbroken(cents: number, currency = 'CAD'): string {
  return formatMoney(cents, currency).replace(' ', '\u00a0');
}

/** The amount as it would be typed back on the keypad: 1250 → "12.5", 1200 → "12", 1205 → "12.05". */
export function centsToInput(cents: number): string {
  const text = formatCents(cents);
  return text.replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
}
