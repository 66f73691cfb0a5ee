/**
 * `npm run bench`: figures, not pass/fail. Codec throughput, the time of a whole payment through
 * the local stack (create → wallet → call-back → PAID), call-back throughput, and bundle sizes.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { startLocalStack } from '../local/stack';
import { SANDBOX_CREDENTIALS } from '../local/sandbox-credentials';
import { seal, unseal } from '../server/ottpay/codec';
import { buildFunction, functionNames } from './build-functions';

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-CA')}/s`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return response.json();
}

function codec(): void {
  const data = { order_id: '2020041468976O124O000857', operator_id: '0000020156', amount: '1234', tip: '185', biz_type: 'WECHATPAY', app_id: 'wx5f89682208cf8e88', open_id: 'oTESTOPENID000000000000000000', call_back_url: 'https://merchant.example.com/ottpay/callback' };
  const key = SANDBOX_CREDENTIALS.signKey;
  const n = 20_000;
  let started = performance.now();
  let sealed = seal(data, key);
  for (let i = 0; i < n; i++) sealed = seal(data, key);
  console.log(`codec seal          ${perSecond(n, performance.now() - started)}`);
  started = performance.now();
  for (let i = 0; i < n; i++) unseal(sealed, key);
  console.log(`codec unseal+verify ${perSecond(n, performance.now() - started)}`);
}

async function payments(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-bench-'));
  const stack = await startLocalStack({ dataDir, sandboxPort: 0, cloudPort: 0, sweepIntervalMs: 0, log: () => undefined, env: { QUERY_PENDING_AFTER_MS: '0' } });
  try {
    const rounds = 50;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const created = (await post(`${stack.runtime.url}/functions/createPayment`, { amountCents: 1000 + i, requestId: `bench-${i}-000000` }, { 'x-wx-openid': 'o-bench' })) as { result: { orderId: string; payment: object } };
      await post(`${stack.sandbox.url}/sandbox/wallet/pay`, { ...created.result.payment, outcome: 'success' });
      await stack.sandbox.waitForDeliveries(created.result.orderId, (d) => d.some((c) => c.state === 'delivered'));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`payment end to end  median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms over ${rounds} payments`);

    const created = (await post(`${stack.runtime.url}/functions/createPayment`, { amountCents: 5000, requestId: 'bench-callbacks-000' }, { 'x-wx-openid': 'o-bench' })) as { result: { orderId: string } };
    const body = JSON.stringify({ rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: SANDBOX_CREDENTIALS.merchantId, ...seal({ amount: '5000', order_id: created.result.orderId, merchant_id: SANDBOX_CREDENTIALS.merchantId }, SANDBOX_CREDENTIALS.signKey) });
    const count = 200;
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, () => fetch(stack.callbackUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.text())));
    console.log(`duplicate call-backs ${perSecond(count, performance.now() - started)} (${count} concurrent, each recorded before it is acted on)`);
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function bundles(): Promise<void> {
  for (const name of functionNames()) {
    const { bytes } = await buildFunction(name);
    console.log(`bundle ${name.padEnd(16)} ${(bytes / 1024).toFixed(1)} KiB`);
  }
}

async function main(): Promise<void> {
  console.log(`node ${process.version}`);
  codec();
  await payments();
  await bundles();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
