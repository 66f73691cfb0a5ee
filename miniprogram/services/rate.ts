import { callFunction } from './cloud';

/** CNY per CAD scaled by 10^8, or null when the rate is unavailable: the pay page works without it. */
export async function getExchangeRateE8(): Promise<number | null> {
  const result = await callFunction('exchangeRate', {});
  if (!result.ok) return null;
  return Number.isSafeInteger(result.rateE8) && result.rateE8 > 0 ? result.rateE8 : null;
}
