/**
 * The frames of functions that no person calls: the HTTP-triggered call-back and the timer.
 * CloudBase lets any mini-program user call any function with wx.cloud.callFunction; these
 * refuse a caller that has an openid (read before the first await), with a log line. The HTTP
 * access service and the timer call them without one.
 */
import * as cloud from 'wx-server-sdk';
import { cloudBasePlatform } from '../app/cloudbase-platform';
import { CALLS_OTT } from '../app/configuration';
import { getPlatform, type Platform } from '../app/platform';
import { coldStartProblems, NOT_CONFIGURED_MESSAGE } from './cold-start';
import type { HttpRequestEvent, HttpResponse } from '../payments/payment-callback';

/** The openid of a mini-program user calling, or '' for the HTTP access service and the timer. */
function userCaller(): string {
  return String(cloud.getWXContext().OPENID ?? '');
}

function refusal(name: string, openid: string): void {
  console.warn(JSON.stringify({ level: 'warn', event: 'internal.refused', function: name, openid, at: new Date().toISOString() }));
}

function plainReply(statusCode: number): HttpResponse {
  return { statusCode, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'FAIL' };
}

/** Unconfigured, it answers 500: OTT Pay keeps the call-back and sends it again. */
export function httpTriggered(name: string, handler: (event: HttpRequestEvent, platform: Platform) => Promise<HttpResponse>): (event: unknown) => Promise<HttpResponse> {
  const problems = coldStartProblems(name, CALLS_OTT);
  return (event: unknown) => {
    const openid = userCaller();
    if (openid !== '') {
      refusal(name, openid);
      return Promise.resolve(plainReply(403));
    }
    if (problems.length > 0) return Promise.resolve(plainReply(500));
    return serve(name, handler, event);
  };
}

async function serve(name: string, handler: (event: HttpRequestEvent, platform: Platform) => Promise<HttpResponse>, event: unknown): Promise<HttpResponse> {
  try {
    const platform = await getPlatform(() => cloudBasePlatform(CALLS_OTT));
    return await handler((event ?? {}) as HttpRequestEvent, platform);
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', event: `${name}.failed`, message: (error as Error)?.message ?? String(error) }));
    return plainReply(500);
  }
}

export type Refused = { ok: false; code: 'FORBIDDEN' | 'CONFIGURATION_ERROR'; message: string };

export function timerTriggered<R>(name: string, handler: (platform: Platform) => Promise<R>): () => Promise<R | Refused> {
  const problems = coldStartProblems(name, CALLS_OTT);
  return () => {
    const openid = userCaller();
    if (openid !== '') {
      refusal(name, openid);
      return Promise.resolve({ ok: false, code: 'FORBIDDEN', message: `${name} runs on its timer only` });
    }
    if (problems.length > 0) return Promise.resolve({ ok: false, code: 'CONFIGURATION_ERROR', message: NOT_CONFIGURED_MESSAGE });
    return getPlatform(() => cloudBasePlatform(CALLS_OTT)).then(handler);
  };
}
