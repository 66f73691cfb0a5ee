import http from 'http';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import type { AppPayRequest } from '../../../typings/payments';
import { seal, unseal, VerifiedData } from '../../../server/ottpay/codec';
import { readInAppReply, signAppPayRequest } from '../../../server/ottpay/in-app';
import { DEFAULT_READINGS, Sandbox, SandboxOptions, startSandbox } from '../../../local/sandbox';
import { SANDBOX_CREDENTIALS } from '../../../local/sandbox-credentials';

export const CREDENTIALS = SANDBOX_CREDENTIALS;
export const KEY = SANDBOX_CREDENTIALS.signKey;

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One request on its own connection; rejects on transport errors or after timeoutMs. */
export function request(method: string, url: string, body?: unknown, timeoutMs = 4000): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      url,
      { method, agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const raw = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = JSON.parse(raw);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: raw, body: parsed });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(text);
  });
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ott-sandbox-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface TestSandbox {
  sandbox: Sandbox;
  dataDir: string;
  lines: string[];
  stop(): Promise<void>;
}

/** A sandbox on a free port with a fresh data directory and a fast retry schedule. */
export async function openSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? (await tempDir());
  const lines: string[] = [];
  const sandbox = await startSandbox({
    port: 0,
    callbackRetryScheduleMs: [30, 30, 30],
    callbackTimeoutMs: 1000,
    log: (line) => lines.push(line),
    ...options,
    dataDir,
  });
  return {
    sandbox,
    dataDir,
    lines,
    async stop() {
      await sandbox.close();
      if (!options.dataDir) await removeDir(dataDir);
    },
  };
}

let counter = 0;
export function newOrderId(prefix = 'T'): string {
  counter += 1;
  return `${prefix}${Date.now()}${String(counter).padStart(4, '0')}`;
}

export function envelope(action: string, data: Record<string, string>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { action, version: '1.0', merchant_id: CREDENTIALS.merchantId, ...seal(data, KEY), ...overrides };
}

export async function callOtt(
  sandbox: Sandbox,
  action: string,
  data: Record<string, string>,
  overrides: Record<string, unknown> = {},
  timeoutMs?: number,
): Promise<HttpReply> {
  return request('POST', `${sandbox.url}/processV2`, envelope(action, data, overrides), timeoutMs);
}

export function opened(reply: HttpReply): VerifiedData {
  expect(reply.body.rsp_code).toBe('SUCCESS');
  return unseal(reply.body, KEY);
}

export function mapppayData(orderId: string, callbackUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    order_id: orderId,
    operator_id: CREDENTIALS.operatorId,
    amount: '1234',
    biz_type: 'WECHATPAY',
    app_id: CREDENTIALS.appId,
    open_id: 'oTESTOPENID0000000000000000000',
    call_back_url: callbackUrl,
    ...extra,
  };
}

export interface WxParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
}

/** Creates a mini-program payment and returns what the page would hand to wx.requestPayment. */
export async function createPayment(
  sandbox: Sandbox,
  orderId: string,
  callbackUrl: string,
  extra: Record<string, string> = {},
): Promise<WxParams> {
  const data = opened(await callOtt(sandbox, 'MAPPPAY', mapppayData(orderId, callbackUrl, extra)));
  const info = JSON.parse(data.payInfo as string);
  return { timeStamp: info.timeStamp, nonceStr: info.nonceStr, package: info.packageStr, signType: info.signType, paySign: info.paySign };
}

export function walletPay(sandbox: Sandbox, params: WxParams, outcome: string): Promise<HttpReply> {
  return request('POST', `${sandbox.url}/sandbox/wallet/pay`, { ...params, outcome });
}

export async function payOrder(sandbox: Sandbox, orderId: string, callbackUrl: string, extra: Record<string, string> = {}): Promise<void> {
  const params = await createPayment(sandbox, orderId, callbackUrl, extra);
  const reply = await walletPay(sandbox, params, 'success');
  expect(reply.body).toEqual({ errMsg: 'requestPayment:ok' });
}

/** Polls until check returns something other than undefined/false; rejects after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 4000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ReceivedCallback {
  at: number;
  contentType: string | undefined;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export type ReceiverAnswer = { status: number; body: string } | 'hang';

const answerSuccess = (): ReceiverAnswer => ({ status: 200, body: 'SUCCESS' });

/** Plays the merchant's call-back endpoint; `answer(n)` decides the reply to the n-th request (0-based). */
export class Receiver {
  readonly received: ReceivedCallback[] = [];
  private server: http.Server;
  private hanging: http.ServerResponse[] = [];
  url = '';

  constructor(private answer: (n: number, body: ReceivedCallback) => ReceiverAnswer = answerSuccess) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const received = { at: Date.now(), contentType: req.headers['content-type'], text, body };
        const n = this.received.length;
        this.received.push(received);
        const reply = this.answer(n, received);
        if (reply === 'hang') {
          this.hanging.push(res);
          return;
        }
        res.writeHead(reply.status, { 'Content-Type': 'text/plain' });
        res.end(reply.body);
      });
    });
  }

  setAnswer(answer: (n: number, body: ReceivedCallback) => ReceiverAnswer): void {
    this.answer = answer;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/ottpay/callback`;
    return this;
  }

  orderIds(): string[] {
    return this.received.map((r) => String(unseal(r.body, KEY).order_id));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface SharedSandbox extends TestSandbox {
  receiver: Receiver;
}

/**
 * One sandbox and one call-back receiver for every test in the file (open before the first test,
 * closed after the last). After each test the sandbox's faults are cleared, its readings are the
 * defaults and the receiver answers SUCCESS again, so no test leaks its setup into the next.
 */
export function sandboxForFile(options: Partial<SandboxOptions> = {}): SharedSandbox {
  const shared = {} as SharedSandbox;
  beforeAll(async () => {
    const receiver = await new Receiver().start();
    Object.assign(shared, await openSandbox(options), { receiver });
  });
  afterEach(() => {
    shared.sandbox.faults.reset();
    shared.sandbox.readings.set(DEFAULT_READINGS);
    shared.receiver.setAnswer(answerSuccess);
  });
  afterAll(async () => {
    await shared.stop();
    await shared.receiver.close();
  });
  return shared;
}

/** The body of OTT's in-app request, as server/ottpay/in-app.ts sends it. */
export function inAppData(orderId: string, callbackUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId: CREDENTIALS.nativeAppId,
    amount: '1234',
    bizType: 'WECHATPAY',
    merchant_id: CREDENTIALS.merchantId,
    operator_id: CREDENTIALS.operatorId,
    order_id: orderId,
    call_back_url: callbackUrl,
    ...extra,
  };
}

export function callInApp(sandbox: Sandbox, body: unknown, timeoutMs?: number): Promise<HttpReply> {
  return request('POST', `${sandbox.url}/inAppPay`, body, timeoutMs);
}

/** An in-app payment, and the PayReq the app hands to WeChat's OpenSDK, signed with the key OTT returned. */
export async function createAppPayment(
  sandbox: Sandbox,
  orderId: string,
  callbackUrl: string,
  extra: Record<string, unknown> = {},
): Promise<AppPayRequest> {
  const outcome = readInAppReply((await callInApp(sandbox, inAppData(orderId, callbackUrl, extra))).body, CREDENTIALS.nativeAppId);
  if (outcome.kind !== 'ok') throw new Error(`in-app request: ${outcome.kind} ${outcome.code}`);
  return signAppPayRequest(outcome.value.issued, outcome.value.wxApiKey!);
}

export function appWalletPay(sandbox: Sandbox, payReq: AppPayRequest, outcome: string): Promise<HttpReply> {
  return request('POST', `${sandbox.url}/sandbox/wallet/app-pay`, { ...payReq, outcome });
}
