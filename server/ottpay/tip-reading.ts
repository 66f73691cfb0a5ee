/**
 * Which of OTT Pay's money figures include the tip: its documents do not say, so it is a setting
 * (OTT_TIP_READING), and the call-back's check and the STATUS_QUERY check both use this one rule.
 * 'separate' (default): the call-back's `amount` excludes the tip, STATUS_QUERY's `total_amount`
 * includes it; 'in-both': both include it; 'in-neither': neither does (the tip is only in `tip`).
 */
export const TIP_READINGS = ['separate', 'in-both', 'in-neither'] as const;
export type TipReading = (typeof TIP_READINGS)[number];

/** The call-back's `amount` or STATUS_QUERY's `total_amount`. */
export type MoneyFigure = 'amount' | 'total_amount';

export function includesTip(figure: MoneyFigure, reading: TipReading): boolean {
  if (reading === 'in-both') return true;
  if (reading === 'in-neither') return false;
  return figure === 'total_amount';
}

/** What the payer was charged, in cents, from a figure and the `tip` sent beside it (absent: none). */
export function chargedCents(figure: MoneyFigure, figureCents: number, tipCents: number | undefined, reading: TipReading): number {
  return includesTip(figure, reading) ? figureCents : figureCents + (tipCents ?? 0);
}
