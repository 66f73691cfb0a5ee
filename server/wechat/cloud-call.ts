/** WeChat's cloud call (云调用) through wx-server-sdk, its answers as values: no cloud call throws past here. */

export type CloudCallAnswer =
  | { kind: 'accepted' }
  /** WeChat answered with an errcode. */
  | { kind: 'refused'; errcode: number; errmsg: string }
  /** No answer from WeChat: the platform's own error, a timeout. */
  | { kind: 'unanswered'; message: string };

/**
 * Runs one call. The SDK throws WeChat's errcode (positive) as errCode, after "openapi.<name>:fail ",
 * and its own failures (no permission, no network) as negative codes.
 */
export async function cloudCall(call: () => Promise<unknown>): Promise<CloudCallAnswer> {
  try {
    await call();
    return { kind: 'accepted' };
  } catch (error) {
    const { errCode, errMsg, message } = (error ?? {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown };
    const text = (typeof errMsg === 'string' ? errMsg : typeof message === 'string' ? message : String(error)).replace(/^openapi\.[\w.]+:fail\s*/, '');
    if (typeof errCode === 'number' && errCode > 0) return { kind: 'refused', errcode: errCode, errmsg: text };
    return { kind: 'unanswered', message: errCode === undefined ? text : `${String(errCode)} ${text}` };
  }
}

export function describeCloudCall(answer: CloudCallAnswer): string {
  if (answer.kind === 'accepted') return 'accepted';
  return answer.kind === 'refused' ? `errcode ${answer.errcode}: ${answer.errmsg}` : `no answer: ${answer.message}`;
}

/** The part of wx-server-sdk's `cloud.openapi` the functions call. */
export interface CloudCallOpenApi {
  wxa: { sec: { order: { uploadShippingInfo(data: object): Promise<unknown> } } };
  subscribeMessage: { send(data: object): Promise<unknown> };
}

/** WeChat's subscription messages (subscribeMessage.send), declared in each settling function's config.json. */
export interface MessageApi {
  send(message: object): Promise<CloudCallAnswer>;
}

export function cloudCallMessageApi(openapi: CloudCallOpenApi): MessageApi {
  return { send: (message) => cloudCall(() => openapi.subscribeMessage.send(message)) };
}
