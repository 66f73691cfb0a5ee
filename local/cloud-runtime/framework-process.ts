/**
 * The runtime's side of the functions framework (functions V2): starts it on a free port with the
 * functions' environment, and hands it each call as CloudBase V2 would: a callable call as a POST
 * of the event with the caller in the extended-context header, an HTTP access call as the request
 * itself. A new framework process starts when the old one died, failing the calls it held.
 */
import { fork, type ChildProcess } from 'child_process';
import { mkdtempSync } from 'fs';
import { freePort } from '../free-port';
import { tmpdir } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { FunctionFailure, forwardLines, stopChild, type FunctionProcess, type FunctionProcessOptions, type HttpCall } from './function-process';
import type { HttpReply } from './integrated-http';
import type { Caller } from './wx-context';

/** The header the framework reads `context.extendedContext` from: the runtime sets it, and drops any a client sent. */
export const EXTENDED_CONTEXT_HEADER = 'x-cloudbase-extended-context';

const HOST = join(__dirname, 'framework-host.ts');

/** What CloudBase V2 would put in `context.extendedContext` for this caller. */
export function extendedContext(caller: Caller, envId: string): Record<string, unknown> {
  const context: Record<string, unknown> = { envId, source: 'local' };
  if (caller.openid !== undefined) context.wechatContext = { openId: caller.openid, appId: caller.appid ?? '', ...(caller.unionid ? { unionId: caller.unionid } : {}) };
  const userId = caller.customUserId ?? caller.uid;
  if (userId !== undefined) context.userId = userId;
  return context;
}

function encodeContext(context: Record<string, unknown>): string {
  return gzipSync(JSON.stringify(context)).toString('base64');
}

export async function startFrameworkProcess(options: FunctionProcessOptions & { functionsRoot: string }): Promise<FunctionProcess> {
  const port = await freePort();
  const logDir = mkdtempSync(join(tmpdir(), 'functions-framework-'));
  const base = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let starting: Promise<ChildProcess> | undefined;
  let closing = false;
  const inFlight = new Set<AbortController>();

  function start(): Promise<ChildProcess> {
    const host = fork(
      HOST,
      [
        '--loadAllFunctions=true',
        `--functionsRoot=${options.functionsRoot}`,
        `--port=${port}`,
        `--extendedContextKey=${EXTENDED_CONTEXT_HEADER}`,
        `--logDirname=${logDir}`,
        '--logEventContext=false',
      ],
      { execArgv: ['--import', 'tsx'], env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    return new Promise<ChildProcess>((resolve, reject) => {
      forwardLines(host.stdout, (line) => {
        if (line.includes('Server listening on port')) resolve(host);
        options.log(line);
      });
      forwardLines(host.stderr, options.log);
      host.once('exit', (code, signal) => {
        reject(new Error(`the functions framework exited before it was ready (${signal ?? code})`));
        if (child === host) child = undefined;
        starting = undefined;
        for (const call of inFlight) call.abort();
        if (!closing) options.log(`functions framework exited (${signal ?? `exit ${code}`}); the next invocation starts a new one`);
      });
    });
  }

  function running(): Promise<ChildProcess> {
    if (child?.connected) return Promise.resolve(child);
    starting ??= start().then((host) => (child = host));
    return starting;
  }

  async function send(name: string, init: { method: string; headers: Record<string, string>; body?: Buffer | string; query?: string }): Promise<Response> {
    await running();
    const abort = new AbortController();
    inFlight.add(abort);
    try {
      const query = new URLSearchParams(init.query ?? '');
      query.set('@fn', name);
      return await fetch(`${base}/?${query}`, { method: init.method, headers: init.headers, body: init.method === 'GET' || init.method === 'HEAD' || init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : new Uint8Array(init.body), signal: abort.signal });
    } catch (error) {
      throw new FunctionFailure(abort.signal.aborted ? 'the function instance died before it answered' : `could not reach the function instance: ${(error as Error).message}`);
    } finally {
      inFlight.delete(abort);
    }
  }

  await running();

  return {
    async invoke(name, event, _context, caller) {
      const reply = await send(name, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [EXTENDED_CONTEXT_HEADER]: encodeContext(extendedContext(caller, options.envId)) },
        body: JSON.stringify(event ?? {}),
      });
      const text = await reply.text();
      if (reply.status === 204) return null;
      if (!reply.ok) throw new FunctionFailure(`the function failed: HTTP ${reply.status} ${text.slice(0, 500)}`);
      return text === '' ? null : JSON.parse(text);
    },
    async http(name: string, call: HttpCall): Promise<HttpReply> {
      const headers: Record<string, string> = { ...call.headers };
      delete headers[EXTENDED_CONTEXT_HEADER];
      delete headers.host;
      delete headers['content-length'];
      headers[EXTENDED_CONTEXT_HEADER] = encodeContext({ envId: options.envId, source: 'http' });
      const reply = await send(name, { method: call.method, headers, body: call.body, query: call.query });
      return { status: reply.status, headers: Object.fromEntries(reply.headers), body: Buffer.from(await reply.arrayBuffer()) };
    },
    pid: () => child?.pid,
    async close() {
      closing = true;
      await stopChild(child);
    },
  };
}
