/**
 * The local stack the demo talks to: its own, started in-process on free ports with a fresh data
 * folder, or an `npm start` already running. Both are read through their HTTP surfaces.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { FaultSettings, TransactionDetails } from '../sandbox';
import { DEFAULT_LOCAL_CLOUD_PORT, DEFAULT_SANDBOX_PORT } from '../sandbox-credentials';
import { startLocalStack } from '../stack';

export interface DemoStack {
  /** Where the stack runs, in a few words. */
  description: string;
  sandboxUrl: string;
  cloudUrl: string;
  /** The cause the cloud functions logged for the order's move to `state`; undefined when their log is not visible. */
  causeOf(orderId: string, state: string): string | undefined;
  close(): Promise<void>;
}

/** A stack of its own: sandbox credentials whatever OTT_* says, nothing left behind. */
export async function startDemoStack(options: { verbose: boolean }): Promise<DemoStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-demo-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('OTT_')) env[name] = value;
  }
  const causes = new Map<string, string>();
  const log = (line: string) => {
    if (options.verbose) console.log(`   | ${line}`);
    if (!line.startsWith('[cloud] {')) return;
    try {
      const entry = JSON.parse(line.slice('[cloud] '.length)) as { event?: string; orderId?: string; to?: string; cause?: string };
      if (entry.event === 'order.state' && entry.cause) causes.set(`${entry.orderId} ${entry.to}`, entry.cause);
    } catch {
      // not one of the functions' JSON lines
    }
  };
  let stack;
  try {
    stack = await startLocalStack({ env, dataDir, sandboxPort: 0, cloudPort: 0, log });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const started = stack;
  return {
    description: `started in-process, fresh data in ${dataDir}`,
    sandboxUrl: started.sandbox.url,
    cloudUrl: started.runtime.url,
    causeOf: (orderId, state) => causes.get(`${orderId} ${state}`),
    async close() {
      await started.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw new Error(`${name} must be a port number`);
  return Number(text);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** The stack `npm start` runs, at the ports it uses. */
export async function connectToRunningStack(env: NodeJS.ProcessEnv = process.env): Promise<DemoStack> {
  const cloudUrl = `http://127.0.0.1:${port(env, 'LOCAL_CLOUD_PORT', DEFAULT_LOCAL_CLOUD_PORT)}`;
  const sandboxUrl = `http://127.0.0.1:${port(env, 'OTT_SANDBOX_PORT', DEFAULT_SANDBOX_PORT)}`;
  for (const [what, url] of [
    ['local cloud runtime', `${cloudUrl}/`],
    ['OTT Pay sandbox', `${sandboxUrl}/sandbox/faults`],
  ]) {
    if (!(await answers(url))) throw new Error(`no ${what} answers at ${url}; start the stack with "npm start", or run the demo without --use-running`);
  }
  return {
    description: 'already running (npm start)',
    sandboxUrl,
    cloudUrl,
    causeOf: () => undefined,
    close: async () => undefined,
  };
}

export async function sandboxTransaction(stack: DemoStack, orderId: string): Promise<TransactionDetails | null> {
  const response = await fetch(`${stack.sandboxUrl}/sandbox/transactions/${encodeURIComponent(orderId)}`);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`the sandbox answered HTTP ${response.status} for order ${orderId}`);
  return (await response.json()) as TransactionDetails;
}

/** Switches the sandbox's call-back drop fault; returns the setting it replaced. */
export async function setCallbackDrop(stack: DemoStack, drop: FaultSettings['drop']): Promise<FaultSettings['drop']> {
  const current = (await (await fetch(`${stack.sandboxUrl}/sandbox/faults`)).json()) as Pick<FaultSettings, 'drop'>;
  const response = await fetch(`${stack.sandboxUrl}/sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ drop }),
  });
  if (!response.ok) throw new Error(`the sandbox refused the drop fault: HTTP ${response.status} ${await response.text()}`);
  return current.drop;
}
