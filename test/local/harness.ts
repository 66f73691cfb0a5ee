/**
 * The local stack started in-process for a test file: real HTTP between the sandbox and the
 * functions, a fresh data folder, the sweep timer off (tests run sweep on demand).
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudFunctions, WxPaymentParams } from '../../typings/payments';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import type { SweepRun } from '../../server/payments/sweep-runs';
import type { SweepReport } from '../../server/payments/sweep';

export const PAYER = 'o-payer-0001';
export const OTHER_PAYER = 'o-payer-0002';
export const STAFF = 'o-local-staff';
/** The end-to-end tests run under functions V2 (LOCAL_FUNCTIONS_PLATFORM=v2) as well as V1. */
export const ON_V2 = process.env.LOCAL_FUNCTIONS_PLATFORM === 'v2';

export interface TestStack extends LocalStack {
  dataDir: string;
  call<N extends keyof CloudFunctions>(name: N, event: CloudFunctions[N]['event'] | Record<string, unknown>, openid: string): Promise<CloudFunctions[N]['result']>;
  wallet(payment: WxPaymentParams, outcome: 'success' | 'cancel' | 'fail'): Promise<{ status: number; body: { errMsg: string } }>;
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  get<T>(url: string): Promise<T>;
}

export async function postRaw(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, text: await response.text() };
}

export async function startTestStack(options: Partial<LocalStackOptions> & { dataDir?: string } = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ottpay-stack-'));
  const stack = await startLocalStack({
    dataDir,
    sandboxPort: 0,
    cloudPort: 0,
    sweepIntervalMs: 0,
    // LOCAL_FUNCTIONS_PLATFORM=v2 runs every end-to-end test under functions V2
    platform: ON_V2 ? 'v2' : 'v1',
    log: () => undefined,
    ...options,
    env: { QUERY_PENDING_AFTER_MS: '0', SWEEP_PENDING_AFTER_MS: '0', OTT_TIMEOUT_MS: '1500', ...options.env },
    sandbox: { callbackRetryScheduleMs: [50, 100, 200, 400], ...options.sandbox },
  });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) => postRaw(url, JSON.stringify(body), headers);
  return {
    ...stack,
    dataDir,
    post,
    async call(name, event, openid) {
      const reply = await post(`${stack.runtime.url}/functions/${name}`, event, { 'x-wx-openid': openid });
      if (reply.status !== 200) throw new Error(`${name} failed with HTTP ${reply.status}: ${reply.text}`);
      return JSON.parse(reply.text).result;
    },
    async wallet(payment, outcome) {
      const reply = await post(`${stack.sandbox.url}/sandbox/wallet/pay`, { ...payment, outcome });
      return { status: reply.status, body: JSON.parse(reply.text) };
    },
    async get<T>(url: string): Promise<T> {
      const response = await fetch(url);
      return (await response.json()) as T;
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let sequence = 0;
/** A request id no other test uses. */
export function newRequestId(label = 'req'): string {
  sequence += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${sequence}`;
}

/** One run of the sweep, started as the platform starts it (V1's timer, or on V2 a scheduler calling its route); its report. */
export async function sweepByTimer(stack: LocalStack): Promise<SweepReport> {
  return (await sweepRunByTimer(stack)).report;
}

/** The whole run, its shipping uploads included. */
export async function sweepRunByTimer(stack: LocalStack): Promise<Extract<SweepRun, { ran: true }>> {
  const run = stack.runtime.platform === 'v2' ? await sweepByRoute(stack) : ((await stack.runtime.invoke('sweep', { Type: 'Timer', TriggerName: 'sweepEveryFiveMinutes', Time: new Date().toISOString() })) as SweepRun);
  if (!run.ran) throw new Error(`the sweep did not run: another held its lease until ${run.heldUntil}`);
  return run;
}

async function sweepByRoute(stack: LocalStack): Promise<SweepRun> {
  const reply = await postRaw(`${stack.runtime.url}/http/sweep`, '', { authorization: `Bearer ${SANDBOX_CREDENTIALS.sweepSecret}` });
  if (reply.status !== 200) throw new Error(`the sweep route answered ${reply.status}: ${reply.text}`);
  return JSON.parse(reply.text) as SweepRun;
}
