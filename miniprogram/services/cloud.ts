import { config } from '../config';
import { SAMPLE_VALUES } from '../utils/sample-config';
import { inDevTools } from './device';
import type { CloudFunctions, FunctionError } from './types';

/** A failure on the phone's side: no answer from the function (offline, timeout, cloud not initialised). */
export interface NetworkFailure {
  ok: false;
  code: 'NETWORK';
  message: string;
  orderId?: undefined;
}

/** Every function's result already includes FunctionError; naming it lets a generic caller build one. */
export type CallResult<N extends keyof CloudFunctions> = CloudFunctions[N]['result'] | FunctionError | NetworkFailure;

/** wx.cloud.callFunction has its own timeout; this one bounds a call on a very poor connection. */
export const CALL_TIMEOUT_MS = 20000;

function networkFailure(message: string): NetworkFailure {
  return { ok: false, code: 'NETWORK', message };
}

function describe(error: unknown): string {
  if (error && typeof error === 'object') {
    const { errCode, errMsg } = error as { errCode?: unknown; errMsg?: unknown };
    if (typeof errMsg === 'string') return errCode === undefined ? errMsg : `${errMsg} (${String(errCode)})`;
  }
  return String(error);
}

function isResult(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const { ok, code } = value as { ok?: unknown; code?: unknown };
  return ok === true || (ok === false && typeof code === 'string');
}

/**
 * A call that failed in DevTools while config.ts still names the sample environment: no
 * environment answers to it, so the developer (in the console and on the page) is told it is the
 * configuration, not the network. The local stack answers whatever the id.
 */
function sampleEnvironment(name: string, error: unknown): FunctionError {
  const message = `miniprogram/config.ts still holds the sample cloudEnv "${SAMPLE_VALUES.cloudEnv}": put your environment id there (${name}: ${describe(error)})`;
  console.error(message);
  return { ok: false, code: 'CONFIGURATION_ERROR', message };
}

/**
 * Calls a cloud function of the contract. Resolves, never rejects: to the function's own
 * result, or to a NETWORK failure when no result came back.
 */
export async function callFunction<N extends keyof CloudFunctions>(
  name: N,
  event: CloudFunctions[N]['event'],
): Promise<CallResult<N>> {
  if (typeof wx === 'undefined' || !wx.cloud || typeof wx.cloud.callFunction !== 'function') {
    return networkFailure('wx.cloud is not available');
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<NetworkFailure>((resolve) => {
    timer = setTimeout(() => resolve(networkFailure(`${name} timed out`)), CALL_TIMEOUT_MS);
  });
  const call = (async (): Promise<CallResult<N>> => {
    try {
      const response = await wx.cloud.callFunction({ name, data: event });
      const result: unknown = response && response.result;
      if (isResult(result)) return result as CloudFunctions[N]['result'];
      return { ok: false, code: 'SERVICE_UNAVAILABLE', message: `${name} returned no result` };
    } catch (error) {
      if (config.cloudEnv === SAMPLE_VALUES.cloudEnv && inDevTools()) return sampleEnvironment(name, error);
      return networkFailure(describe(error));
    }
  })();
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
