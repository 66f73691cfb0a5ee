/**
 * A local stand-in for CloudBase: runs the uploaded function bundles (in their own process, see
 * function-host.ts) as wx.cloud.callFunction and the HTTP access service would, fires their timer
 * triggers, and serves the local CloudBase database's API at /admin.
 */
import { randomUUID } from 'crypto';
import { createServer, IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { LocalCloudBaseDatabase } from '../cloudbase/database';
import { serveOpenApi, type LocalOpenApi } from '../cloudbase/open-api';
import { serveDatabase } from '../cloudbase/http';
import { dirname, join } from 'path';
import { startFrameworkProcess } from './framework-process';
import { FunctionFailure, startFunctionProcess, type FunctionProcess } from './function-process';
import type { LoadedFunction } from './function-registry';
import { Base64Policy, fromFunctionResult, toIntegratedRequest } from './integrated-http';
import type { Caller } from './wx-context';

export interface CloudRuntimeOptions {
  host?: string;
  port: number;
  functions: LoadedFunction[];
  /** The functions' own settings (OTT_*, …), given the runtime's URL; the runtime adds CloudBase's variables. */
  functionEnv: (runtimeUrl: string) => NodeJS.ProcessEnv;
  /** The local CloudBase database the functions' SDK reaches at <url>/admin. */
  database: LocalCloudBaseDatabase;
  /** WeChat's cloud call (云调用), which wx-server-sdk also reaches at <url>/admin. */
  openApi?: LocalOpenApi;
  /** HTTP access routes: path (e.g. /ottpay/callback) → function name. */
  routes: Record<string, string>;
  envId?: string;
  /** The mini-program AppID reported to functions when the caller sends none. */
  appId: string;
  base64Bodies?: Base64Policy;
  /** Period of every timer trigger locally; 0 disables timers. */
  timerPeriodMs?: number;
  /**
   * Which of CloudBase's function platforms to imitate: 'v1' (SCF: one call at a time per
   * instance as far as the functions can tell, the caller in environment variables, timers,
   * temporary keys) or 'v2' (the functions framework: calls interleaved in one process, the caller
   * in `context`, no timers, the database reached only with the API key).
   */
  platform?: FunctionsPlatform;
  /** Extra JSON endpoints under /local/<name> for the developer's tools. */
  controls?: Record<string, (body: unknown) => Promise<unknown> | unknown>;
  /**
   * Endpoints under /local/<name> that answer plain text as they write it. A ControlRefusal thrown
   * before anything was written is answered 400 with its message.
   */
  textControls?: Record<string, (body: unknown, write: (text: string) => void) => Promise<void>>;
  log?: (line: string) => void;
}

export type FunctionsPlatform = 'v1' | 'v2';

/** The API key the local database asks of functions V2 (local only: any value would do). */
export const LOCAL_API_KEY = 'local-api-key-for-functions-v2';

export interface CloudRuntime {
  platform: FunctionsPlatform;
  url: string;
  port: number;
  /** Where the SDKs reach the local database: <url>/admin. */
  databaseUrl: string;
  /** The process the functions run in. */
  functionProcess: FunctionProcess;
  invoke(name: string, event: unknown, caller?: Caller): Promise<unknown>;
  close(): Promise<void>;
}

/** A text control refused what it was asked (answered 400), or could not do it (409). */
export class ControlRefusal extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
  }
}

class InvocationError extends Error {
  constructor(
    readonly status: number,
    readonly errCode: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new InvocationError(413, -501001, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

/** What a log line says of a function's result: ok, its error code, or its HTTP status. */
function describeResult(result: unknown): string {
  if (typeof result !== 'object' || result === null) return 'returned';
  const { ok, code, statusCode, status } = result as { ok?: unknown; code?: unknown; statusCode?: unknown; status?: unknown };
  if (ok === true) return 'ok';
  if (ok === false) return typeof code === 'string' ? code : 'not ok';
  // a function's integrated response (V1), or the reply the framework sent (V2)
  const http = typeof statusCode === 'number' ? statusCode : status;
  return typeof http === 'number' ? `HTTP ${http}` : 'returned';
}

async function serveText(res: ServerResponse, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end();
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error as Error);
      return;
    }
    res.writeHead(error instanceof ControlRefusal ? error.status : 500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end((error as Error).message);
  }
}

export async function startCloudRuntime(options: CloudRuntimeOptions): Promise<CloudRuntime> {
  const host = options.host ?? '127.0.0.1';
  const envId = options.envId ?? 'local';
  const platform = options.platform ?? 'v1';
  const log = options.log ?? (() => undefined);
  const byName = new Map(options.functions.map((f) => [f.name, f]));
  let functionProcess: FunctionProcess | undefined;

  /** Runs one call of the function `name` within its timeout, with a log line of how it went. */
  async function withTimeout<T>(name: string, call: (fn: LoadedFunction, context: Record<string, unknown>) => Promise<T>, who?: string): Promise<T> {
    const fn = byName.get(name);
    if (!fn) throw new InvocationError(404, -501000, `FUNCTION_NOT_FOUND: no cloud function named ${name}`);
    const requestId = randomUUID();
    const context = { request_id: requestId, function_name: name, namespace: envId, memory_limit_in_mb: 256, time_limit_in_ms: fn.timeoutSeconds * 1000 };
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InvocationError(504, -504003, `Invoking task timed out after ${fn.timeoutSeconds} seconds`)),
        fn.timeoutSeconds * 1000,
      );
    });
    let outcome = 'failed';
    try {
      if (!functionProcess) throw new InvocationError(503, -501001, 'the functions are still starting');
      const result = await Promise.race([call(fn, context), timeout]);
      outcome = describeResult(result);
      return result;
    } catch (error) {
      outcome = `failed: ${((error as Error)?.message ?? String(error)).split('\n')[0]}`;
      if (error instanceof InvocationError) throw error;
      throw new InvocationError(500, -504002, `functions execute fail: ${error instanceof FunctionFailure ? error.message : ((error as Error)?.stack ?? String(error))}`);
    } finally {
      clearTimeout(timer);
      log(`${name} ${outcome} ${Date.now() - started}ms${who ? ` (${who})` : ''}`);
    }
  }

  function invoke(name: string, event: unknown, caller: Caller = {}): Promise<unknown> {
    const who = caller.openid ?? (caller.customUserId ?? caller.uid ? `app user ${caller.customUserId ?? caller.uid}` : undefined);
    return withTimeout(name, (fn, context) => functionProcess!.invoke(fn.name, event, context, caller), who);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const body = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    if (url.pathname === '/admin' && req.method === 'POST' && options.openApi && /^multipart\/form-data/i.test(contentType)) {
      serveOpenApi(options.openApi, body, contentType, res);
      return;
    }
    if (url.pathname === '/admin' && req.method === 'POST') {
      await serveDatabase(options.database, req, body, res, platform === 'v2' ? LOCAL_API_KEY : undefined);
      return;
    }
    if (url.pathname.startsWith('/functions/') && req.method === 'POST') {
      const name = decodeURIComponent(url.pathname.slice('/functions/'.length));
      let event: unknown;
      try {
        event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new InvocationError(400, -501001, 'the request body must be the event as JSON');
      }
      const header = (name: string) => {
        const value = req.headers[name];
        return typeof value === 'string' && value !== '' ? value : undefined;
      };
      const result = await invoke(name, event, {
        openid: header('x-wx-openid'),
        appid: header('x-wx-appid') ?? options.appId,
        uid: header('x-cloudbase-uid'),
        customUserId: header('x-cloudbase-custom-user-id'),
      });
      sendJson(res, 200, { result, requestID: '' });
      return;
    }
    if (url.pathname.startsWith('/http/')) {
      const routePath = url.pathname.slice('/http'.length);
      const name = options.routes[routePath];
      if (!name) throw new InvocationError(404, -501000, `no HTTP access route ${routePath}`);
      if (functionProcess?.http) {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
        const reply = await withTimeout(name, (fn) => functionProcess!.http!(fn.name, { method: req.method ?? 'GET', headers, body, query: url.search.slice(1) }));
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
        return;
      }
      const event = toIntegratedRequest(
        { method: req.method ?? 'GET', url, routePath, headers: req.headers, body },
        envId,
        options.base64Bodies ?? 'auto',
      );
      const reply = fromFunctionResult(await invoke(name, event));
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
      return;
    }
    const textControl = options.textControls?.[url.pathname.slice('/local/'.length)];
    if (url.pathname.startsWith('/local/') && req.method === 'POST' && textControl) {
      await serveText(res, () => textControl(body.length === 0 ? {} : JSON.parse(body.toString('utf8')), (text) => {
        if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.write(text);
      }));
      return;
    }
    if (url.pathname.startsWith('/local/') && req.method === 'POST') {
      const control = options.controls?.[url.pathname.slice('/local/'.length)];
      if (!control) throw new InvocationError(404, -501000, `no control ${url.pathname}`);
      sendJson(res, 200, await control(body.length === 0 ? {} : JSON.parse(body.toString('utf8'))));
      return;
    }
    if (url.pathname === '/' && req.method === 'GET') {
      sendJson(res, 200, {
        functions: options.functions.map((f) => ({ name: f.name, timeoutSeconds: f.timeoutSeconds, timers: f.timers })),
        routes: options.routes,
      });
      return;
    }
    throw new InvocationError(404, -501000, `nothing at ${req.method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const failure =
        error instanceof InvocationError
          ? error
          : error instanceof ControlRefusal
            ? new InvocationError(error.status, -501001, error.message)
            : new InvocationError(500, -504002, (error as Error)?.message ?? String(error));
      log(`error ${req.method} ${req.url}: ${failure.message.split('\n')[0]}`);
      if (!res.headersSent) {
        sendJson(res, failure.status, { errCode: failure.errCode, errMsg: `cloud.callFunction:fail errCode: ${failure.errCode} | errMsg: ${failure.message}` });
      } else {
        res.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  try {
    const settings = options.functionEnv(url);
    const database = { TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${url}/admin` }), SILENCE: 'true' };
    functionProcess =
      platform === 'v2'
        ? await startFrameworkProcess({
            functions: options.functions,
            envId,
            log,
            functionsRoot: dirname(dirname(options.functions[0]?.bundle ?? join(process.cwd(), 'cloudfunctions', 'none', 'index.js'))),
            // what functions V2 gives: no environment id, no temporary keys; the merchant's API key
            // and environment id are the functions' own settings (TCB_CONTEXT_CNFG only points the
            // SDK at the local database)
            // and it runs inside Tencent Cloud, where node-sdk's probe of the metadata service is
            // answered once and remembered: off the cloud the probe fails, is made again before
            // every request and leaves its request behind (30 ms and ~50 KB a call)
            env: { ...settings, CLOUDBASE_APIKEY: settings.CLOUDBASE_APIKEY ?? LOCAL_API_KEY, CLOUDBASE_ENV_ID: settings.CLOUDBASE_ENV_ID ?? envId, TENCENTCLOUD: 'true', ...database },
          })
        : await startFunctionProcess({
            functions: options.functions,
            envId,
            log,
            env: {
              ...settings,
              // what CloudBase V1 gives every function: its environment, the way to its database,
              // temporary keys, and the sign that it runs in a cloud function (without it the SDK
              // probes the cloud's metadata service before every request, 30 ms each time off the cloud)
              TENCENTCLOUD_RUNENV: 'SCF',
              TCB_ENV: envId,
              SCF_NAMESPACE: envId,
              TENCENTCLOUD_SECRETID: 'local',
              TENCENTCLOUD_SECRETKEY: 'local',
              ...database,
            },
          });
  } catch (error) {
    server.closeAllConnections();
    server.close();
    throw error;
  }

  const timers: NodeJS.Timeout[] = [];
  // functions V2 has no timer triggers
  const period = platform === 'v2' ? 0 : (options.timerPeriodMs ?? 0);
  if (period > 0) {
    for (const fn of options.functions) {
      for (const trigger of fn.timers) {
        let running = false;
        const timer = setInterval(() => {
          if (running) return;
          running = true;
          invoke(fn.name, { Type: 'Timer', TriggerName: trigger.name, Time: new Date().toISOString() })
            .catch((error: Error) => log(`timer ${fn.name}: ${error.message.split('\n')[0]}`))
            .finally(() => (running = false));
        }, period);
        timer.unref();
        timers.push(timer);
      }
    }
  }

  return {
    platform,
    url,
    port,
    databaseUrl: `${url}/admin`,
    functionProcess,
    invoke,
    close: async () => {
      timers.forEach(clearInterval);
      await functionProcess?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
