import { format } from '../i18n/index';
import { pressKey, type Key } from './keypad';
import { formatMoney, formatMoneyUnbroken, parseAmount } from './money';

/** A page's words for typing one amount up to a limit; {amount} is filled in. */
export interface AmountEntryCopy {
  amountAria: string;
  hint: string;
  overMax: string;
  key: string;
  keyAria: string;
  decimals: string;
}

export interface AmountLimit {
  maxCents: number;
  currency: string;
  /** Amounts keep their currency on the same line wherever the text wraps. */
  unbroken?: boolean;
}

const moneyFor = (limit: AmountLimit) => (cents: number) => (limit.unbroken ? formatMoneyUnbroken : formatMoney)(cents, limit.currency);

/** What a page with an amount and a keypad shows for the input typed so far. */
export interface AmountEntry {
  input: string;
  amountAria: string;
  /** The amount under the action key's label, once the input is a valid amount. */
  keySub: string;
  keyAria: string;
  valid: boolean;
  message: { text: string; tone: 'hint' | 'error' };
}

/** The entry for `input`; an error, when there is one, stands where the hint would. */
export function amountEntry(input: string, limit: AmountLimit, copy: AmountEntryCopy, error = ''): AmountEntry {
  const parsed = parseAmount(input, { maxCents: limit.maxCents });
  const money = moneyFor(limit);
  const amountText = parsed.ok ? money(parsed.cents) : '';
  return {
    input,
    amountAria: format(copy.amountAria, { amount: input || '0' }),
    keySub: amountText,
    keyAria: amountText ? format(copy.keyAria, { amount: amountText }) : copy.key,
    valid: parsed.ok,
    message: error ? { text: error, tone: 'error' } : { text: format(copy.hint, { amount: money(limit.maxCents) }), tone: 'hint' },
  };
}

/** The entry after a key press; a refused key says why. */
export function pressAmountKey(input: string, key: Key, limit: AmountLimit, copy: AmountEntryCopy): AmountEntry {
  const result = pressKey(input, key, limit.maxCents);
  const error =
    result.refused === 'DECIMALS' ? copy.decimals : result.refused === 'OVER_MAX' ? format(copy.overMax, { amount: moneyFor(limit)(limit.maxCents) }) : '';
  return amountEntry(result.input, limit, copy, error);
}
