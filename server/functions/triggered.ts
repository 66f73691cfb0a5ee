/**
 * The frames of functions that no person calls: OTT Pay's HTTP call-back, and the sweep (V1's
 * timer, or the HTTP route an outside scheduler calls with SWEEP_SECRET). CloudBase lets any
 * mini-program user call any function; these refuse every caller with an identity (read before
 * the first await), with a log line, and accept only the shape of request they are meant for.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { cloudBasePlatform } from '../app/cloudbase-platform';
import { CALLS_OTT } from '../app/configuration';
import { getPlatform, type Platform } from '../app/platform';
import { loadPaymentSettings } from '../app/settings';
import { coldStartProblems, NOT_CONFIGURED_MESSAGE } from './cold-start';
import { callerOf, httpRequestOf, isTimerEvent, observePlatform } from './invocation';
import { logUnhandledRejections } from './unhandled';
import type { HttpRequestEvent, HttpResponse } from '../payments/payment-callback';
import { runSweep, trafficSweepStep, type SweepRun } from '../payments/sweep-runs';

function refusal(name: string, why: string, openid = ''): void {
  console.warn(JSON.stringify({ level: 'warn', event: 'internal.refused', function: name, why, openid, at: new Date().toISOString() }));
}

function plainReply(statusCode: number, body = 'FAIL'): HttpResponse {
  return { statusCode, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body };
}

function jsonReply(statusCode: number, value: unknown): HttpResponse {
  return { statusCode, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) };
}

/** Unconfigured, it answers 500: OTT Pay keeps the call-back and sends it again. */
export function httpTriggered(name: string, handler: (request: HttpRequestEvent, platform: Platform) => Promise<HttpResponse>): (event: unknown, context?: unknown) => Promise<HttpResponse> {
  const problems = coldStartProblems(name, CALLS_OTT);
  logUnhandledRejections();
  return (event: unknown, context?: unknown) => {
    const { caller } = callerOf(context);
    if (caller) {
      refusal(name, 'a caller with an identity', caller.openid);
      return Promise.resolve(plainReply(403));
    }
    const request = httpRequestOf(event, context);
    if (!request) {
      refusal(name, 'not an HTTP request');
      return Promise.resolve(plainReply(400));
    }
    if (problems.length > 0) return Promise.resolve(plainReply(500));
    return serve(name, async (platform) => {
      const [reply] = await Promise.all([handler(request, platform), trafficSweepStep(platform)]);
      return reply;
    });
  };
}

async function serve(name: string, answer: (platform: Platform) => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return await answer(await getPlatform(() => cloudBasePlatform(CALLS_OTT)));
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', event: `${name}.failed`, message: (error as Error)?.message ?? String(error) }));
    return plainReply(500);
  }
}

export type Refused = { ok: false; code: 'FORBIDDEN' | 'CONFIGURATION_ERROR'; message: string };

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The secret the request carries: `Authorization: Bearer <secret>` or `X-Sweep-Secret: <secret>`. */
function presentedSecret(request: HttpRequestEvent): string {
  const headers = request.headers ?? {};
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return (bearer?.[1] ?? headers['x-sweep-secret'] ?? '').trim();
}

export function holdsSecret(request: HttpRequestEvent, secret: string | null): boolean {
  const presented = presentedSecret(request);
  return secret !== null && presented !== '' && timingSafeEqual(digest(presented), digest(secret));
}

/**
 * The sweep's frame: V1's timer event (from no caller), or an HTTP request holding SWEEP_SECRET
 * (answered with the run's report as JSON); anything else is refused.
 */
export function sweepTriggered(name: string): (event: unknown, context?: unknown) => Promise<SweepRun | Refused | HttpResponse> {
  const problems = coldStartProblems(name, CALLS_OTT);
  const secret = problems.length === 0 ? loadPaymentSettings().sweepSecret : null;
  logUnhandledRejections();
  return (event: unknown, context?: unknown) => {
    const { caller, source } = callerOf(context);
    if (caller) {
      refusal(name, 'a caller with an identity', caller.openid);
      return Promise.resolve({ ok: false, code: 'FORBIDDEN', message: `${name} runs on its timer or its HTTP route only` });
    }
    const request = httpRequestOf(event, context);
    if (request) {
      if (!holdsSecret(request, secret)) {
        refusal(name, secret === null ? 'SWEEP_SECRET is not set' : 'a request without the sweep secret');
        return Promise.resolve(plainReply(secret === null ? 503 : 401));
      }
      if (problems.length > 0) return Promise.resolve(jsonReply(500, { ok: false, code: 'CONFIGURATION_ERROR' }));
      const observed = observePlatform(event, context, source);
      return serve(name, async (platform) => jsonReply(200, { ok: true, ...(await runSweep(platform, 'route')), observed }));
    }
    if (!isTimerEvent(event)) {
      refusal(name, 'neither its timer nor its HTTP route');
      return Promise.resolve({ ok: false, code: 'FORBIDDEN', message: `${name} runs on its timer or its HTTP route only` });
    }
    if (problems.length > 0) return Promise.resolve({ ok: false, code: 'CONFIGURATION_ERROR', message: NOT_CONFIGURED_MESSAGE });
    return getPlatform(() => cloudBasePlatform(CALLS_OTT)).then((platform) => runSweep(platform, 'timer'));
  };
}
