/**
 * The frames of functions that no person calls: the HTTP-triggered call-back and the timer.
 * CloudBase lets any mini-program user call any function with wx.cloud.callFunction; these
 * refuse a caller that has an openid (read before the first await), with a log line. The HTTP
 * access service and the timer call them without one.
 */
import * as cloud from 'wx-server-sdk';
import { cloudBasePlatform } from '../app/cloudbase-platform';
import { getPlatform, type Platform } from '../app/platform';
import type { HttpRequestEvent, HttpResponse } from '../payments/payment-callback';

/** The openid of a mini-program user calling, or '' for the HTTP access service and the timer. */
function userCaller(): string {
  return String(cloud.getWXContext().OPENID ?? '');
}

function refusal(name: string, openid: string): void {
  console.warn(JSON.stringify({ level: 'warn', event: 'internal.refused', function: name, openid, at: new Date().toISOString() }));
}

export function httpTriggered(name: string, handler: (event: HttpRequestEvent, platform: Platform) => Promise<HttpResponse>): (event: unknown) => Promise<HttpResponse> {
  return (event: unknown) => {
    const openid = userCaller();
    if (openid !== '') {
      refusal(name, openid);
      return Promise.resolve({ statusCode: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'FAIL' });
    }
    return serve(name, handler, event);
  };
}

async function serve(name: string, handler: (event: HttpRequestEvent, platform: Platform) => Promise<HttpResponse>, event: unknown): Promise<HttpResponse> {
  try {
    const platform = await getPlatform(cloudBasePlatform);
    return await handler((event ?? {}) as HttpRequestEvent, platform);
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', event: `${name}.failed`, message: (error as Error)?.message ?? String(error) }));
    return { statusCode: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'FAIL' };
  }
}

export type Refused = { ok: false; code: 'FORBIDDEN'; message: string };

export function timerTriggered<R>(name: string, handler: (platform: Platform) => Promise<R>): () => Promise<R | Refused> {
  return () => {
    const openid = userCaller();
    if (openid !== '') {
      refusal(name, openid);
      return Promise.resolve({ ok: false, code: 'FORBIDDEN', message: `${name} runs on its timer only` });
    }
    return getPlatform(cloudBasePlatform).then(handler);
  };
}
