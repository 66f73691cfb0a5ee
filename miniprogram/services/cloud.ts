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
      return networkFailure(describe(error));
    }
  })();
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
