/** Tips are whole cents; a percentage tip rounds half up. */

export function tipForPercent(amountCents: number, percent: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return 0;
  if (!Number.isInteger(percent) || percent <= 0) return 0;
  return Math.floor((amountCents * percent + 50) / 100);
}

/** A tip above `percent` of the amount, as a payer who forgot the decimal point would type it, is confirmed before paying. */
export function tipNeedsConfirmation(amountCents: number, tipCents: number, percent: number): boolean {
  return tipCents > 0 && tipCents * 100 > amountCents * percent;
}

/** The tip as a whole percentage of the amount, for saying how large it is. */
export function tipPercentOf(amountCents: number, tipCents: number): number {
  return amountCents > 0 ? Math.round((tipCents * 100) / amountCents) : 0;
}

/** 'none', a percentage from the configured list, or a custom amount typed by the payer. */
export type TipChoice = { kind: 'percent'; percent: number } | { kind: 'custom'; cents: number | null };

export function tipCents(amountCents: number, choice: TipChoice): number | null {
  if (choice.kind === 'percent') return tipForPercent(amountCents, choice.percent);
  return choice.cents;
}
