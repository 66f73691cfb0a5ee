import { pressKey, type Key, type KeyRefusal } from './keypad';
import { parseAmount } from './money';
import { tipForPercent } from './tip';

/** The tip chip chosen: an index into the tip percentages, or 'custom'. */
export type TipSelection = number | 'custom';
export type Field = 'amount' | 'tip';

/** What the payer has entered on the Pay page, as typed. */
export interface PayForm {
  amountInput: string;
  tip: TipSelection;
  customTipInput: string;
  /** Where the keypad types. */
  editing: Field;
}

export interface PayLimits {
  maxAmountCents: number;
  maxTipCents: number;
  tipPercents: readonly number[];
}

export interface Totals {
  amountCents: number | null;
  tipCents: number | null;
  totalCents: number | null;
}

export const EMPTY_FORM: PayForm = { amountInput: '', tip: 0, customTipInput: '', editing: 'amount' };

export function totalsOf(form: PayForm, limits: PayLimits): Totals {
  const amount = parseAmount(form.amountInput, { maxCents: limits.maxAmountCents });
  const amountCents = amount.ok ? amount.cents : null;
  let tipCents: number | null;
  if (form.tip === 'custom') {
    const parsed = parseAmount(form.customTipInput, { maxCents: limits.maxTipCents, allowZero: true });
    tipCents = form.customTipInput === '' ? 0 : parsed.ok ? parsed.cents : null;
  } else {
    tipCents = amountCents === null ? 0 : tipForPercent(amountCents, limits.tipPercents[form.tip] ?? 0);
  }
  const totalCents = amountCents !== null && tipCents !== null ? amountCents + tipCents : null;
  return { amountCents, tipCents, totalCents };
}

export interface KeyOutcome {
  form: PayForm;
  /** The field the key was refused in, and why. */
  refused?: { field: Field; reason: KeyRefusal };
}

/** A key typed into the field being edited. */
export function typeKey(form: PayForm, key: Key, limits: PayLimits): KeyOutcome {
  const field: Field = form.editing === 'tip' && form.tip === 'custom' ? 'tip' : 'amount';
  const current = field === 'tip' ? form.customTipInput : form.amountInput;
  const result = pressKey(current, key, field === 'tip' ? limits.maxTipCents : limits.maxAmountCents);
  const next = field === 'tip' ? { ...form, customTipInput: result.input } : { ...form, amountInput: result.input };
  return result.refused ? { form: next, refused: { field, reason: result.refused } } : { form: next };
}

/** Choosing a tip chip: a percentage types into the amount again; 'custom' types the tip. */
export function chooseTip(form: PayForm, tip: TipSelection): PayForm {
  return { ...form, tip, editing: tip === 'custom' ? 'tip' : 'amount' };
}
