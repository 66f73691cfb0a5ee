/**
 * The frame of every function the mini-program (or the merchant's app) calls: the caller comes
 * from the platform (never from the event), read before the first await; bad events and business
 * errors become { ok: false, code, message }; only defects throw.
 */
import type { FunctionError } from '../../typings/payments';
import { cloudBasePlatform } from '../app/cloudbase-platform';
import { CALLS_OTT, type Needs } from '../app/configuration';
import { callerOf, observePlatform, type Caller } from './invocation';
import { logUnhandledRejections } from './unhandled';
import { trafficSweepStep } from '../payments/sweep-runs';
import { coldStartProblems, NOT_CONFIGURED_MESSAGE } from './cold-start';
import { getPlatform, type Platform } from '../app/platform';
import { StoreUnavailableError } from '../orders/store';
import { OrderBusyError } from '../payments/order-updates';
import { eventObject } from './event-fields';
import { FunctionFailure } from './failure';

export type { Caller } from './invocation';

export type CallableHandler<R> = (event: Record<string, unknown>, caller: Caller, platform: Platform) => Promise<R>;

export interface CallableOptions {
  /** Whether the function calls OTT Pay, and so needs its settings. */
  needs?: Needs;
  /** Beside its answer, the function runs a small step of the sweep at most once a minute (see sweep-runs.ts). */
  sweepStep?: boolean;
}

/** Whether this instance has logged what its platform hands a call. */
let observed = false;

export function callable<R>(name: string, handler: CallableHandler<R>, options: CallableOptions = {}): (event: unknown, context?: unknown) => Promise<R | FunctionError> {
  const needs = options.needs ?? CALLS_OTT;
  const problems = coldStartProblems(name, needs);
  logUnhandledRejections();
  return (event: unknown, context?: unknown) => {
    const { caller, source } = callerOf(context);
    if (!observed) {
      // once per instance, names only: what the platform hands a call (README, Deploying: checking a V2 environment)
      observed = true;
      console.log(JSON.stringify({ level: 'info', event: 'platform.observed', function: name, ...observePlatform(event, context, source), at: new Date().toISOString() }));
    }
    if (!caller) return Promise.resolve({ ok: false, code: 'FORBIDDEN', message: `${name} can only be called from the mini-program or the merchant's app signed in to CloudBase` });
    if (problems.length > 0) return Promise.resolve({ ok: false, code: 'CONFIGURATION_ERROR', message: NOT_CONFIGURED_MESSAGE });
    return run(name, handler, event, caller, needs, options.sweepStep === true);
  };
}

async function run<R>(name: string, handler: CallableHandler<R>, event: unknown, caller: Caller, needs: Needs, sweepStep: boolean): Promise<R | FunctionError> {
  const platform = await getPlatform(() => cloudBasePlatform(needs));
  try {
    if (!sweepStep) return await handler(eventObject(event), caller, platform);
    const [result] = await Promise.all([handler(eventObject(event), caller, platform), trafficSweepStep(platform)]);
    return result;
  } catch (error) {
    if (error instanceof FunctionFailure) return error.toResult();
    if (error instanceof StoreUnavailableError) {
      platform.log.error('store.unavailable', { function: name, message: error.message, reason: describeCause(error.cause) });
      return { ok: false, code: 'SERVICE_UNAVAILABLE', message: 'The payment service is busy. Please try again.' };
    }
    if (error instanceof OrderBusyError) {
      platform.log.warn('order.busy', { function: name, orderId: error.orderId });
      return { ok: false, code: 'BUSY', message: 'This payment is being changed by another request. Try again in a moment.' };
    }
    throw error;
  }
}

/** What the database SDK said, for the log (its message, or its errMsg and code). */
function describeCause(cause: unknown): string | null {
  if (typeof cause !== 'object' || cause === null) return cause === undefined ? null : String(cause);
  const { code, errCode, message, errMsg } = cause as { code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown };
  const text = [errMsg, message].find((t) => typeof t === 'string');
  const id = code ?? errCode;
  return [id === undefined ? '' : String(id), typeof text === 'string' ? text : ''].filter(Boolean).join(' ') || null;
}
