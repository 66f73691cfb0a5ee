/** The local CloudBase database over HTTP, at the path the SDKs call (`/admin`). */
import type { IncomingMessage, ServerResponse } from 'http';
import type { LocalCloudBaseDatabase } from './database';

/**
 * Answers one POST /admin whose body is `body`, as CloudBase's API gateway would. With `apiKey`
 * (functions V2), a request without `Authorization: Bearer <apiKey>` is refused (our reading:
 * the gateway's own words for it are not known here).
 */
export async function serveDatabase(database: LocalCloudBaseDatabase, req: IncomingMessage, body: Buffer, res: ServerResponse, apiKey?: string): Promise<void> {
  if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`) {
    res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: 'INVALID_ACCESS_TOKEN', message: 'the request carries no valid API key (API Key 设置)' }));
    return;
  }
  let params: Record<string, unknown>;
  try {
    params = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: 'INVALID_PARAM', message: 'the request body is not JSON' }));
    return;
  }
  const sdk = req.headers['x-sdk-version'] ?? req.headers['user-agent'];
  const reply = await database.handle(params, typeof sdk === 'string' ? sdk : undefined);
  if (reply.kind === 'lost') {
    res.destroy();
    return;
  }
  if (reply.kind === 'status') {
    res.writeHead(reply.status, { 'content-type': 'text/html' });
    res.end(`<html><body>${reply.status}</body></html>`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(reply.body));
}
