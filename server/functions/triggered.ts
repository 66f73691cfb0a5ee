/** The frames of functions that no person calls: the HTTP-triggered call-back and the timer. */
import { cloudBasePlatform } from '../app/cloudbase-platform';
import { getPlatform, type Platform } from '../app/platform';
import type { HttpRequestEvent, HttpResponse } from '../payments/payment-callback';

export function httpTriggered(name: string, handler: (event: HttpRequestEvent, platform: Platform) => Promise<HttpResponse>): (event: unknown) => Promise<HttpResponse> {
  return async (event: unknown) => {
    try {
      const platform = await getPlatform(cloudBasePlatform);
      return await handler((event ?? {}) as HttpRequestEvent, platform);
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', event: `${name}.failed`, message: (error as Error)?.message ?? String(error) }));
      return { statusCode: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'FAIL' };
    }
  };
}

export function timerTriggered<R>(handler: (platform: Platform) => Promise<R>): () => Promise<R> {
  return async () => handler(await getPlatform(cloudBasePlatform));
}
