/**
 * The frame of every function the mini-program calls: the caller comes from getWXContext()
 * (never from the event), read before the first await; bad events and business errors become
 * { ok: false, code, message }; only defects throw.
 */
import * as cloud from 'wx-server-sdk';
import type { FunctionError } from '../../typings/payments';
import { cloudBasePlatform } from '../app/cloudbase-platform';
import { CALLS_OTT, type Needs } from '../app/configuration';
import { appUser, appUserId } from './app-user';
import { coldStartProblems, NOT_CONFIGURED_MESSAGE } from './cold-start';
import { getPlatform, type Platform } from '../app/platform';
import { StoreUnavailableError } from '../orders/store';
import { OrderBusyError } from '../payments/order-updates';
import { eventObject } from './event-fields';
import { FunctionFailure } from './failure';

export interface Caller {
  /** The payer's id: the mini-program user's openid, or `app:` and the id of a CloudBase user of the merchant's app. */
  openid: string;
  /** The mini-program's AppID; '' for an app user. */
  appid: string;
  kind: 'miniprogram' | 'app';
}

/** Who calls, from the platform (never from the event): a mini-program user, else a signed-in app user, else nobody. */
function callerNow(): Caller | null {
  const context = cloud.getWXContext();
  const openid = String(context.OPENID ?? '');
  if (openid !== '') return { openid, appid: String(context.APPID ?? ''), kind: 'miniprogram' };
  const id = appUserId(appUser());
  return id === '' ? null : { openid: `app:${id}`, appid: '', kind: 'app' };
}

export type CallableHandler<R> = (event: Record<string, unknown>, caller: Caller, platform: Platform) => Promise<R>;

/** `needs`: whether the function calls OTT Pay, and so needs its settings. */
export function callable<R>(name: string, handler: CallableHandler<R>, needs: Needs = CALLS_OTT): (event: unknown) => Promise<R | FunctionError> {
  const problems = coldStartProblems(name, needs);
  return (event: unknown) => {
    const caller = callerNow();
    if (!caller) return Promise.resolve({ ok: false, code: 'FORBIDDEN', message: `${name} can only be called from the mini-program or the merchant's app signed in to CloudBase` });
    if (problems.length > 0) return Promise.resolve({ ok: false, code: 'CONFIGURATION_ERROR', message: NOT_CONFIGURED_MESSAGE });
    return run(name, handler, event, caller, needs);
  };
}

async function run<R>(name: string, handler: CallableHandler<R>, event: unknown, caller: Caller, needs: Needs): Promise<R | FunctionError> {
  const platform = await getPlatform(() => cloudBasePlatform(needs));
  try {
    return await handler(eventObject(event), caller, platform);
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

/** Staff are the openids configured in MERCHANT_STAFF_OPENIDS. */
export function requireStaff(caller: Caller, platform: Platform): void {
  if (!platform.settings.staffOpenids.has(caller.openid)) {
    throw new FunctionFailure('FORBIDDEN', 'Only the merchant’s staff can do this.', undefined, caller.openid);
  }
}
