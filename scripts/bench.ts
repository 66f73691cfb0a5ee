/**
 * `npm run bench`: figures, not pass/fail.
 *
 *   npm run bench                       codec against node:crypto and crypto-js, round trips per
 *                                       payment path under 20 ms of injected latency, a payment
 *                                       end to end, call-back throughput, the sweep against a backlog
 *                                       (simulated time), bundle sizes and load times
 *   npm run bench -- --latency 50       the round trips with another round-trip time (ms)
 *   npm run bench -- --scale            also the local stack with 1k, 10k and 100k stored orders
 *   npm run bench -- --counter          also the counter's push: 3 counters, 100 payments, an idle minute
 *   npm run bench -- --scale --sizes 1000,5000  … with these sizes
 *   npm run bench -- --json             the same figures as one JSON object
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readCommandLine, refuseFlagsNpmTook, runTool, UsageError } from '../server/app/command-line';
import { startLocalStack } from '../local/stack';
import { SANDBOX_CREDENTIALS } from '../local/sandbox-credentials';
import { seal } from '../server/ottpay/codec';
import { measureCodec } from './bench/codec';
import type { FunctionsPlatform } from '../local/cloud-runtime/server';
import { measureRoundTrips, type LatencyReport } from './bench/latency';
import { measureScale } from './bench/scale';
import { measureCounter } from './bench/counter';
import { DEFAULT_BACKLOG, measureSweepBacklog } from './bench/sweep-backlog';
import { buildFunction, FUNCTIONS_DIR, functionNames } from './build-functions';

const USAGE = `usage: npm run bench -- [--latency MS] [--platforms v1,v2] [--scale [--sizes N,N,...]] [--counter] [--json]

  --latency MS   round-trip time injected between the functions and OTT Pay, and before each store call (default 20)
  --platforms    the CloudBase function platforms the local runtime imitates for the round trips and the
                 payments end to end, side by side (default v1,v2)
  --scale        also the local stack with 1k, 10k and 100k stored orders
  --sizes N,N    … with these numbers of orders instead
  --counter      also the counter's push on each platform: 3 counters long-polling, 100 payments (time from the
                 call-back's acknowledgement to each counter), then an idle minute in invocations and reads
  --json         every figure as one JSON object
`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return response.json();
}

async function payments(platform: FunctionsPlatform): Promise<{ payment_median_ms: number; payment_p95_ms: number; duplicate_callbacks_per_s: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-bench-'));
  const stack = await startLocalStack({ dataDir, sandboxPort: 0, cloudPort: 0, sweepIntervalMs: 0, platform, log: () => undefined, env: { QUERY_PENDING_AFTER_MS: '0' } });
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

    const created = (await post(`${stack.runtime.url}/functions/createPayment`, { amountCents: 5000, requestId: 'bench-callbacks-000' }, { 'x-wx-openid': 'o-bench' })) as { result: { orderId: string } };
    const data = { amount: '5000', order_id: created.result.orderId, merchant_id: SANDBOX_CREDENTIALS.merchantId, bizpay_order_id: 'WX1', finish_time: '20261122120000' };
    const body = JSON.stringify({ rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: SANDBOX_CREDENTIALS.merchantId, ...seal(data, SANDBOX_CREDENTIALS.signKey) });
    const count = 200;
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, () => fetch(stack.callbackUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.text())));
    return {
      payment_median_ms: Math.round(percentile(times, 50) * 10) / 10,
      payment_p95_ms: Math.round(percentile(times, 95) * 10) / 10,
      duplicate_callbacks_per_s: Math.round((count / (performance.now() - started)) * 1000),
    };
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Median ms for a fresh node to require `module`, over a few runs. */
function loadMs(module: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(module)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const runs = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ['-e', script], { cwd: FUNCTIONS_DIR, stdio: ['ignore', 'pipe', 'ignore'] }).toString()));
  return runs.sort((a, b) => a - b)[2];
}

async function bundles(): Promise<Record<string, { kib: number; load_vs_sdk: number }>> {
  const sdk = loadMs('wx-server-sdk');
  const out: Record<string, { kib: number; load_vs_sdk: number }> = {};
  for (const name of functionNames()) {
    const { bytes } = await buildFunction(name);
    out[name] = { kib: Math.round(bytes / 102.4) / 10, load_vs_sdk: Math.round((loadMs(`./${name}/index.js`) / sdk) * 100) / 100 };
  }
  return out;
}

function latencyTable(report: LatencyReport): string {
  const rows = (['create', 'callback', 'query', 'refund'] as const).map(
    (path) => `  ${path.padEnd(9)} ${String(report[path].ott).padStart(9)} ${String(report[path].store).padStart(11)} ${String(report[path].storeCalls).padStart(12)}`,
  );
  return [
    `round trips under ${report.rttMs} ms of injected latency (extra time ÷ RTT; medians of warm runs)`,
    `  path      OTT Pay    database    store calls`,
    ...rows,
    `  OTT connections opened over ${report.measuredCalls} warm path runs: ${report.ottConnections}`,
  ].join('\n');
}

async function main(): Promise<void> {
  refuseFlagsNpmTook(['json', 'latency', 'platforms', 'scale', 'sizes', 'counter']);
  const { values, positionals, help } = readCommandLine(process.argv.slice(2), {
    json: { type: 'boolean', default: false },
    latency: { type: 'string', default: '20' },
    platforms: { type: 'string', default: 'v1,v2' },
    scale: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '1000,10000,100000' },
    counter: { type: 'boolean', default: false },
  });
  if (help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const rtt = Number(values.latency);
  if (!Number.isInteger(rtt) || rtt < 5 || rtt > 2000) throw new UsageError('--latency takes a round-trip time in ms from 5 to 2000');
  const platforms = String(values.platforms).split(',');
  if (platforms.length === 0 || platforms.some((p) => p !== 'v1' && p !== 'v2')) throw new UsageError('--platforms takes v1, v2 or v1,v2');
  const sizes = values.scale === true ? String(values.sizes).split(',').map(Number) : [];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError('--sizes takes sizes like 1000,10000');

  const say = (text: string) => values.json || console.log(text);
  const figures: Record<string, unknown> = { node: process.version, cpus: (await import('os')).cpus().length };
  say(`node ${process.version}`);

  const codec = measureCodec();
  figures.codec = codec;
  say(`codec seal           ${codec.seal_per_s.toLocaleString('en-CA')}/s   (node:crypto floor ${codec.native_seal_per_s.toLocaleString('en-CA')}/s, crypto-js ${codec.cryptojs_seal_per_s.toLocaleString('en-CA')}/s)`);
  say(`codec unseal+verify  ${codec.unseal_per_s.toLocaleString('en-CA')}/s   (node:crypto floor ${codec.native_unseal_per_s.toLocaleString('en-CA')}/s, crypto-js ${codec.cryptojs_unseal_per_s.toLocaleString('en-CA')}/s)`);
  say(`codec_vs_native ${codec.codec_vs_native}   codec_vs_cryptojs ${codec.codec_vs_cryptojs}`);

  const medians: Record<string, number> = {};
  for (const platform of platforms as FunctionsPlatform[]) {
    say(`functions ${platform.toUpperCase()}${platform === 'v2' ? ' (the functions framework, calls interleaved in one process, the database by API key)' : ''}`);
    const latency = await measureRoundTrips(rtt, platform);
    figures[`round_trips_${platform}`] = latency;
    say(latencyTable(latency));
    const local = await payments(platform);
    figures[`local_stack_${platform}`] = local;
    medians[platform] = local.payment_median_ms;
    say(`payment end to end   median ${local.payment_median_ms} ms, p95 ${local.payment_p95_ms} ms (local stack, no injected latency)`);
    say(`duplicate call-backs ${local.duplicate_callbacks_per_s}/s (200 concurrent, each recorded before it is acted on)`);
  }
  if (medians.v1 && medians.v2) {
    figures.payment_v2_vs_v1 = Math.round((medians.v2 / medians.v1) * 100) / 100;
    say(`payment_v2_vs_v1 ${figures.payment_v2_vs_v1} (median end to end, V2 over V1)`);
  }

  const backlog = await measureSweepBacklog();
  figures.sweep_backlog = backlog;
  say(`sweep against ${DEFAULT_BACKLOG.orders.toLocaleString('en-CA')} due orders, the paid one with its call-back lost last in line (simulated time; timer every 5 min, budget 25 s, store calls 20 ms)`);
  say('  OTT answers                              runs to find   orders/run   s/run (longest)   real ms/run');
  for (const r of backlog) {
    say(`  ${r.label.padEnd(40)} ${String(r.runs_to_find ?? `>${DEFAULT_BACKLOG.maxRuns}`).padStart(12)} ${String(r.orders_per_run).padStart(12)} ${`${r.run_s} (${r.longest_run_s})`.padStart(17)} ${String(r.real_ms_per_run).padStart(13)}`);
  }

  const built = await bundles();
  figures.bundles = built;
  for (const [name, b] of Object.entries(built)) say(`bundle ${name.padEnd(16)} ${String(b.kib).padStart(6)} KiB, loads in ${b.load_vs_sdk}× a bare require('wx-server-sdk')`);

  if (sizes.length > 0) {
    const scale = [];
    say('local stack with a full store (orders over ten days; one day exported through the running stack)');
    say('  orders     file MB   start ms   RSS MB   day rows   export ms');
    for (const n of sizes) {
      const s = await measureScale(n);
      scale.push(s);
      say(`  ${String(s.orders).padEnd(9)} ${String(s.file_mb).padStart(8)} ${String(s.start_ms).padStart(10)} ${String(s.rss_mb).padStart(8)} ${String(s.export_rows).padStart(10)} ${String(s.export_ms).padStart(11)}`);
    }
    figures.scale = scale;
  }
  if (values.counter === true) {
    say('the counter: 3 counters long-polling counterFeed, 100 payments, then an idle minute (local stack)');
    say('  platform   p50 ms   p95 ms   max ms   each once   idle invocations/h   idle reads/h   (per counter)');
    const counter = [];
    for (const platform of platforms as FunctionsPlatform[]) {
      const c = await measureCounter(platform);
      counter.push(c);
      say(`  ${platform.padEnd(8)} ${String(c.p50_ms).padStart(8)} ${String(c.p95_ms).padStart(8)} ${String(c.max_ms).padStart(8)} ${String(c.each_once).padStart(11)} ${String(c.idle_invocations_per_hour_per_counter).padStart(20)} ${String(c.idle_reads_per_hour_per_counter).padStart(14)}`);
    }
    figures.counter = counter;
  }
  if (values.json) console.log(JSON.stringify(figures, null, 2));
}

runTool('bench', main);
