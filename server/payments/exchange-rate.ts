/** exchangeRate (D13): OTT Pay's CNY rate for the merchant currency, reused for ten minutes; informational only. */
import type { ExchangeRateResult } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/callable';

interface CachedRate {
  rateE8: number;
  fetchedAt: Date;
}

let cached: CachedRate | undefined;

export function forgetCachedRate(): void {
  cached = undefined;
}

export async function exchangeRate(_event: Record<string, unknown>, _caller: Caller, platform: Platform): Promise<ExchangeRateResult> {
  const now = platform.now();
  if (!cached || now.getTime() - cached.fetchedAt.getTime() >= platform.settings.rateCacheMs) {
    const outcome = await platform.ott.exchangeRate('CAD');
    if (outcome.kind !== 'ok') {
      platform.log.warn('ott.ex_rate.unavailable', { kind: outcome.kind, code: outcome.code });
      if (!cached) return { ok: false, code: 'RATE_UNAVAILABLE', message: 'The exchange rate is not available right now.' };
    } else {
      cached = { rateE8: outcome.value.rateE8, fetchedAt: now };
    }
  }
  return { ok: true, currency: 'CAD', rateE8: cached!.rateE8, fetchedAt: cached!.fetchedAt.toISOString() };
}
