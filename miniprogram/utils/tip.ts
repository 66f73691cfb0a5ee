/** Tips are whole cents; a percentage tip rounds half up. */

export function tipForPercent(amountCents: number, percent: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return 0;
  if (!Number.isInteger(percent) || percent <= 0) return 0;
  return Math.floor((amountCents * percent + 50) / 100);
}

/** 'none', a percentage from the configured list, or a custom amount typed by the payer. */
export type TipChoice = { kind: 'percent'; percent: number } | { kind: 'custom'; cents: number | null };

export function tipCents(amountCents: number, choice: TipChoice): number | null {
  if (choice.kind === 'percent') return tipForPercent(amountCents, choice.percent);
  return choice.cents;
}
