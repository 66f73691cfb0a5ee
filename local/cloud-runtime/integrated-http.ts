/**
 * The CloudBase HTTP access service's "integrated request" and "integrated response": how an
 * HTTP request reaches a function as an event, and how its return value becomes the reply.
 */
import { randomUUID } from 'crypto';
import type { IncomingHttpHeaders } from 'http';

export interface IntegratedRequest {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string>;
  requestContext: { requestId: string; envId: string; appId: number; uin: number };
  body: string;
  isBase64Encoded: boolean;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Which bodies arrive base64-encoded: 'auto' leaves JSON and text/* as text. */
export type Base64Policy = 'auto' | 'always' | 'never';

function isTextual(contentType: string | undefined): boolean {
  const type = (contentType ?? '').toLowerCase();
  return type.startsWith('text/') || type.includes('json');
}

export function toIntegratedRequest(
  input: { method: string; url: URL; routePath: string; headers: IncomingHttpHeaders; body: Buffer },
  envId: string,
  policy: Base64Policy,
): IntegratedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const encode = policy === 'always' || (policy === 'auto' && !isTextual(headers['content-type']) && input.body.length > 0);
  return {
    path: input.routePath,
    httpMethod: input.method,
    headers,
    queryStringParameters: Object.fromEntries(input.url.searchParams),
    requestContext: { requestId: randomUUID().replace(/-/g, ''), envId, appId: 0, uin: 0 },
    body: encode ? input.body.toString('base64') : input.body.toString('utf8'),
    isBase64Encoded: encode,
  };
}

function isIntegratedResponse(value: unknown): value is { statusCode: number; headers?: Record<string, string>; body?: unknown; isBase64Encoded?: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { statusCode?: unknown }).statusCode === 'number';
}

/** Maps what the function returned to an HTTP reply, as the access service does. */
export function fromFunctionResult(result: unknown): HttpReply {
  if (isIntegratedResponse(result)) {
    const text = typeof result.body === 'string' ? result.body : result.body === undefined ? '' : JSON.stringify(result.body);
    return {
      status: result.statusCode,
      headers: { ...(result.headers ?? {}) },
      body: result.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
    };
  }
  if (typeof result === 'string') {
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(result, 'utf8') };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify(result ?? null), 'utf8'),
  };
}
