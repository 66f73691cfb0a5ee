/**
 * The runtime's side of the function host: starts it with the functions' environment, hands it
 * invocations, and starts a new one when it dies (as CloudBase starts a new instance), failing the
 * invocations the dead one held.
 */
import { fork, type ChildProcess } from 'child_process';
import { join } from 'path';
import type { InvokeMessage, HostMessage } from './function-host';
import type { LoadedFunction } from './function-registry';
import type { HttpReply } from './integrated-http';
import type { Caller } from './wx-context';

export interface FunctionProcessOptions {
  functions: LoadedFunction[];
  /** The functions' environment: their settings and the CloudBase variables. */
  env: NodeJS.ProcessEnv;
  envId: string;
  /** Each line the functions print. */
  log: (line: string) => void;
}

/** An HTTP access call, as it arrived. */
export interface HttpCall {
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The query string, without '?'. */
  query: string;
}

export interface FunctionProcess {
  invoke(name: string, event: unknown, context: Record<string, unknown>, caller: Caller): Promise<unknown>;
  /** Functions V2: an HTTP access call goes to the function as the request itself (V1 makes it an event). */
  http?(name: string, call: HttpCall): Promise<HttpReply>;
  /** The host's process id (tests kill it). */
  pid(): number | undefined;
  close(): Promise<void>;
}

/** The function failed: it threw, or its instance died. */
export class FunctionFailure extends Error {}

const HOST = join(__dirname, 'function-host.ts');

export function forwardLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line !== '') log(line);
  });
  stream.on('end', () => {
    if (pending !== '') log(pending);
  });
}

/** Ends a child process, if it still runs, and waits until it has. */
export async function stopChild(host: ChildProcess | undefined): Promise<void> {
  if (!host || host.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    host.once('exit', () => resolve());
    host.kill('SIGTERM');
  });
}

export async function startFunctionProcess(options: FunctionProcessOptions): Promise<FunctionProcess> {
  const bundles = Object.fromEntries(options.functions.map((f) => [f.name, f.bundle]));
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  let child: ChildProcess | undefined;
  let starting: Promise<ChildProcess> | undefined;
  let closing = false;

  function start(): Promise<ChildProcess> {
    const host = fork(HOST, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...options.env, LOCAL_FUNCTION_BUNDLES: JSON.stringify(bundles) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    forwardLines(host.stdout, options.log);
    forwardLines(host.stderr, options.log);
    return new Promise<ChildProcess>((resolve, reject) => {
      host.on('message', (message: HostMessage) => {
        if ('ready' in message) {
          resolve(host);
          return;
        }
        const call = waiting.get(message.id);
        if (!call) return;
        waiting.delete(message.id);
        if ('error' in message) call.reject(new FunctionFailure(message.error));
        else call.resolve(message.result);
      });
      host.once('exit', (code, signal) => {
        reject(new Error(`the function host exited before it was ready (${signal ?? code})`));
        if (child === host) child = undefined;
        starting = undefined;
        for (const [id, call] of waiting) {
          waiting.delete(id);
          call.reject(new FunctionFailure(`the function instance died (${signal ?? `exit ${code}`}) before it answered`));
        }
        if (!closing) options.log(`function host exited (${signal ?? `exit ${code}`}); the next invocation starts a new one`);
      });
    });
  }

  function running(): Promise<ChildProcess> {
    if (child?.connected) return Promise.resolve(child);
    starting ??= start().then((host) => (child = host));
    return starting;
  }

  await running();

  return {
    async invoke(name, event, context, caller) {
      const host = await running();
      nextId += 1;
      const message: InvokeMessage = { id: nextId, name, event, context, caller, envId: options.envId };
      return new Promise((resolve, reject) => {
        waiting.set(message.id, { resolve, reject });
        host.send(message, (error) => {
          if (!error) return;
          waiting.delete(message.id);
          reject(new FunctionFailure(`could not reach the function instance: ${error.message}`));
        });
      });
    },
    pid: () => child?.pid,
    async close() {
      closing = true;
      await stopChild(child);
    },
  };
}
