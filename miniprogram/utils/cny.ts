const RATE_SCALE = 100000000;

/**
 * Estimated CNY, in fen, for an amount in CAD cents at a rate of CNY per CAD scaled by 10^8,
 * rounded half up. Exact: computed with BigInt. null when it cannot be computed.
 */
export function estimateFen(totalCents: number, rateE8: number): number | null {
  if (typeof BigInt !== 'function') return null;
  if (!Number.isSafeInteger(totalCents) || totalCents < 0) return null;
  if (!Number.isSafeInteger(rateE8) || rateE8 <= 0) return null;
  const scale = BigInt(RATE_SCALE);
  const fen = (BigInt(totalCents) * BigInt(rateE8) + scale / BigInt(2)) / scale;
  return fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : null;
}
