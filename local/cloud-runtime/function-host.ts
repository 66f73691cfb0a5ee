/**
 * The process the local cloud runtime runs the functions in, as CloudBase runs them in their own
 * instances: it requires each uploaded bundle (cloudfunctions/<name>/index.js, with the real
 * wx-server-sdk it depends on), and calls its `main` with the event, the context and the caller in
 * the environment variables the SDK reads. Its environment is the functions' configuration; the
 * database is reached over HTTP through TCB_CONTEXT_CNFG, as in CloudBase.
 *
 * Messages: the parent sends { id, name, event, context, caller }; the host answers
 * { id, result } or { id, error }.
 */
import { runWithCaller, type Caller } from './wx-context';

type CloudMain = (event: unknown, context: Record<string, unknown>) => unknown;

export interface InvokeMessage {
  id: number;
  name: string;
  event: unknown;
  context: Record<string, unknown>;
  caller: Caller;
  envId: string;
}

export type HostMessage = { ready: string[] } | { id: number; result: unknown } | { id: number; error: string };

function send(message: HostMessage): void {
  process.send?.(message);
}

function loadBundles(): Map<string, CloudMain> {
  const bundles = JSON.parse(process.env.LOCAL_FUNCTION_BUNDLES ?? '{}') as Record<string, string>;
  const mains = new Map<string, CloudMain>();
  for (const [name, file] of Object.entries(bundles)) {
    const exported = require(file) as { main?: unknown };
    if (typeof exported.main !== 'function') throw new Error(`cloud function ${name} (${file}) does not export main`);
    mains.set(name, exported.main as CloudMain);
  }
  delete process.env.LOCAL_FUNCTION_BUNDLES;
  return mains;
}

function main(): void {
  const mains = loadBundles();
  process.on('message', (message: InvokeMessage) => {
    const fn = mains.get(message.name);
    if (!fn) {
      send({ id: message.id, error: `no cloud function named ${message.name}` });
      return;
    }
    runWithCaller(message.caller, message.envId, () => new Promise<unknown>((resolve) => resolve(fn(message.event, message.context)))).then(
      (result) => send({ id: message.id, result: result === undefined ? null : result }),
      (error: unknown) => send({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  // the runtime went away (killed, even with SIGKILL): so do its functions
  process.on('disconnect', () => process.exit(0));
  send({ ready: [...mains.keys()] });
}

main();
