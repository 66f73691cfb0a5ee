/**
 * What the platform hands a function with a call, on both of CloudBase's function platforms:
 * - V1 (SCF): the caller in environment variables (what getWXContext() reads), an HTTP request as
 *   the access service's "integrated request" event, a timer as { Type: 'Timer', … };
 * - V2 (the functions framework): the caller in `context.extendedContext` (`wechatContext.openId`,
 *   `userId`), the HTTP request in `context.httpContext` with its parsed body as the event.
 * Read before the first await: on V1 the environment holds the current call only until then.
 */
import * as cloud from 'wx-server-sdk';
import type { HttpRequestEvent } from '../payments/payment-callback';
import { appUser, appUserId } from './app-user';

export interface Caller {
  /** The payer's id: the mini-program user's openid, or `app:` and the id of a CloudBase user of the merchant's app. */
  openid: string;
  /** The mini-program's AppID; '' for an app user. */
  appid: string;
  kind: 'miniprogram' | 'app';
}

/** Where the caller was read from: the handler's context (V2), the environment (V1), or nowhere. */
export type CallerSource = 'context' | 'environment' | 'none';

interface ExtendedContext {
  userId?: unknown;
  wechatContext?: { openId?: unknown; appId?: unknown };
}

interface HttpContext {
  url?: unknown;
  httpMethod?: unknown;
  headers?: unknown;
}

function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function extendedContextOf(context: unknown): ExtendedContext | undefined {
  return objectOrUndefined(objectOrUndefined(context)?.extendedContext) as ExtendedContext | undefined;
}

function callerFromContext(context: unknown): Caller | null {
  const extended = extendedContextOf(context);
  if (!extended) return null;
  const wechat = objectOrUndefined(extended.wechatContext);
  const openid = text(wechat?.openId);
  if (openid !== '') return { openid, appid: text(wechat?.appId), kind: 'miniprogram' };
  const userId = text(extended.userId);
  return userId === '' ? null : { openid: `app:${userId}`, appid: '', kind: 'app' };
}

function callerFromEnvironment(): Caller | null {
  const wx = cloud.getWXContext();
  const openid = String(wx.OPENID ?? '');
  if (openid !== '') return { openid, appid: String(wx.APPID ?? ''), kind: 'miniprogram' };
  const id = appUserId(appUser());
  return id === '' ? null : { openid: `app:${id}`, appid: '', kind: 'app' };
}

/** Who calls: from the context when the platform put them there, else from the environment; never from the event. */
export function callerOf(context: unknown): { caller: Caller | null; source: CallerSource } {
  const fromContext = callerFromContext(context);
  if (fromContext) return { caller: fromContext, source: 'context' };
  const fromEnvironment = callerFromEnvironment();
  return fromEnvironment ? { caller: fromEnvironment, source: 'environment' } : { caller: null, source: 'none' };
}

function stringHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(objectOrUndefined(value) ?? {})) {
    if (v !== undefined && v !== null) headers[name.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return headers;
}

/** The body the framework parsed, as text again: an object (JSON or a form) becomes JSON. */
function bodyText(event: unknown): { body: string; parsed: boolean } {
  if (typeof event === 'string') return { body: event, parsed: false };
  if (Buffer.isBuffer(event)) return { body: event.toString('utf8'), parsed: false };
  if (event === undefined || event === null) return { body: '', parsed: false };
  return { body: JSON.stringify(event), parsed: true };
}

/**
 * The HTTP request, when the call is one: V1's integrated request, or V2's httpContext and parsed
 * body; null for any other call (a callable call on V1, a timer).
 */
export function httpRequestOf(event: unknown, context: unknown): HttpRequestEvent | null {
  const http = objectOrUndefined(objectOrUndefined(context)?.httpContext) as HttpContext | undefined;
  if (http && typeof http.httpMethod === 'string') {
    const headers = stringHeaders(http.headers);
    const { body, parsed } = bodyText(event);
    if (parsed) headers['content-type'] = 'application/json';
    return { httpMethod: http.httpMethod, headers, body, isBase64Encoded: false };
  }
  const integrated = objectOrUndefined(event);
  if (integrated && typeof integrated.httpMethod === 'string' && objectOrUndefined(integrated.headers)) {
    return {
      httpMethod: integrated.httpMethod,
      headers: stringHeaders(integrated.headers),
      body: typeof integrated.body === 'string' ? integrated.body : '',
      isBase64Encoded: integrated.isBase64Encoded === true,
    };
  }
  return null;
}

/** V1's timer trigger event. */
export function isTimerEvent(event: unknown): boolean {
  const fields = objectOrUndefined(event);
  return fields?.Type === 'Timer' && typeof fields.TriggerName === 'string';
}

/** What a function can see of its platform, names only (never values): for `ops doctor --probe`. */
export interface PlatformObservation {
  callerSource: CallerSource;
  http: 'framework' | 'integrated' | 'none';
  contextKeys: string[];
  extendedContextKeys: string[];
  environment: { TCB_ENV: boolean; SCF_NAMESPACE: boolean; TENCENTCLOUD_SECRETID: boolean; CLOUDBASE_APIKEY: boolean; WX_CONTEXT_KEYS: boolean };
  node: string;
}

export function observePlatform(event: unknown, context: unknown, callerSource: CallerSource): PlatformObservation {
  const has = (name: string) => (process.env[name] ?? '') !== '';
  const http = objectOrUndefined(objectOrUndefined(context)?.httpContext) ? 'framework' : httpRequestOf(event, undefined) ? 'integrated' : 'none';
  return {
    callerSource,
    http,
    contextKeys: Object.keys(objectOrUndefined(context) ?? {}).sort(),
    extendedContextKeys: Object.keys(extendedContextOf(context) ?? {}).sort(),
    environment: {
      TCB_ENV: has('TCB_ENV'),
      SCF_NAMESPACE: has('SCF_NAMESPACE'),
      TENCENTCLOUD_SECRETID: has('TENCENTCLOUD_SECRETID'),
      CLOUDBASE_APIKEY: has('CLOUDBASE_APIKEY'),
      WX_CONTEXT_KEYS: has('WX_CONTEXT_KEYS'),
    },
    node: process.version,
  };
}
