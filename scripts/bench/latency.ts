/**
 * Round trips per payment path, measured under injected latency: a TCP proxy that delays every
 * byte between the functions and the OTT Pay sandbox by half a round trip each way (and a new
 * connection by one round trip, as TCP's handshake does), and a store whose every call waits one
 * round trip, as a network database would. A path's extra time divided by the round-trip time is
 * the number of round trips it makes.
 */
import { mkdtempSync, rmSync } from 'fs';
import { createConnection, createServer, type Server, type Socket } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import type { FunctionsPlatform } from '../../local/cloud-runtime/server';
import { startLocalStack, type LocalStack } from '../../local/stack';
import type { OrderStore } from '../../server/orders/store';
import { seal } from '../../server/ottpay/codec';


/** Forwards 127.0.0.1:<port> to `target()`, delaying as a link with round-trip time `rttMs()` would. */
export async function delayingProxy(target: () => URL, rttMs: () => number): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections += 1;
    sockets.add(client);
    client.pause();
    const half = () => rttMs() / 2;
    setTimeout(() => {
      const upstream = createConnection({ host: target().hostname, port: Number(target().port) }, () => client.resume());
      sockets.add(upstream);
      const relay = (from: Socket, to: Socket) => {
        from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), half()));
        from.on('end', () => setTimeout(() => to.end(), half()));
        from.on('error', () => to.destroy());
        from.on('close', () => sockets.delete(from));
      };
      relay(client, upstream);
      relay(upstream, client);
    }, rttMs());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${target().pathname}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `inner` with every method call run through `around` (which makes the call with `call()`). */
export function aroundEveryCall(inner: OrderStore, around: (call: () => Promise<unknown>) => Promise<unknown>): OrderStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => around(() => value.apply(target, args));
    },
  });
}

export interface PathFigures {
  /** OTT Pay round trips: extra time under OTT latency ÷ RTT. */
  ott: number;
  /** Database round trips: extra time under store latency ÷ RTT. */
  store: number;
  /** Store calls counted. */
  storeCalls: number;
}

export type LatencyReport = Record<'create' | 'callback' | 'query' | 'refund', PathFigures> & {
  rttMs: number;
  /** OTT connections opened by the functions over all the measured calls. */
  ottConnections: number;
  measuredCalls: number;
};

interface Setup {
  stack: LocalStack;
  ottRtt: { value: number };
  proxy: Awaited<ReturnType<typeof delayingProxy>>;
  close(): Promise<void>;
}

async function setUp(platform: FunctionsPlatform): Promise<Setup> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-bench-latency-'));
  const ottRtt = { value: 0 };
  // The proxy's target is known once the sandbox listens.
  let target = new URL('http://127.0.0.1:9/processV2');
  const proxy = await delayingProxy(() => target, () => ottRtt.value);
  const stack = await startLocalStack({
    dataDir,
    sandboxPort: 0,
    cloudPort: 0,
    sweepIntervalMs: 0,
    platform,
    log: () => undefined,
    env: { OTT_API_URL: proxy.url, QUERY_PENDING_AFTER_MS: '0', QUERY_THROTTLE_MS: '0', OTT_TIMEOUT_MS: '20000' },
  });
  target = new URL(`${stack.sandbox.url}/processV2`);
  return {
    stack,
    ottRtt,
    proxy,
    close: async () => {
      await stack.close();
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function call(stack: LocalStack, name: string, event: object, openid: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.runtime.url}/functions/${name}`, { method: 'POST', body: JSON.stringify(event), headers: { 'x-wx-openid': openid } });
  const { result } = (await response.json()) as { result: Record<string, unknown> };
  if (result.ok !== true) throw new Error(`${name}: ${JSON.stringify(result)}`);
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The four paths once, each timed; returns ms per path and the store calls each made. */
async function paths(setup: Setup, tag: string): Promise<Record<keyof Omit<LatencyReport, 'rttMs' | 'ottConnections' | 'measuredCalls'>, { ms: number; calls: number }>> {
  const { stack } = setup;
  const timed = async (run: () => Promise<unknown>) => {
    const before = stack.database.requests;
    const started = performance.now();
    await run();
    return { ms: performance.now() - started, calls: stack.database.requests - before };
  };
  const newOrder = async (label: string) => (await call(stack, 'createPayment', { amountCents: 1234, requestId: `bench-latency-${tag}-${label}` }, 'o-bench')).orderId as string;
  /** Paid at the acquirer with its call-back held back, so that the measured path is the one that settles it. */
  const paidSilently = async (orderId: string) => {
    stack.sandbox.faults.set({ drop: 'all' });
    await fetch(`${stack.sandbox.url}/sandbox/transactions/${orderId}/approve`, { method: 'POST' });
    stack.sandbox.faults.reset();
  };
  let queried = '';
  const create = await timed(async () => {
    queried = await newOrder('query');
  });
  await paidSilently(queried);
  const query = await timed(() => call(stack, 'queryPayment', { orderId: queried }, 'o-bench'));
  const calledBack = await newOrder('callback');
  await paidSilently(calledBack);
  const data = { amount: '1234', order_id: calledBack, merchant_id: SANDBOX_CREDENTIALS.merchantId, bizpay_order_id: 'WX1', finish_time: '20261122120000' };
  const body = JSON.stringify({ rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: SANDBOX_CREDENTIALS.merchantId, ...seal(data, SANDBOX_CREDENTIALS.signKey) });
  const callback = await timed(() => fetch(stack.callbackUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.text()));
  const refund = await timed(() => call(stack, 'refund', { orderId: queried, amountCents: 100, requestId: `bench-refund-${tag}` }, 'o-local-staff'));
  return { create, callback, query, refund };
}

/** Round trips per path with the given RTT, from the medians of `rounds` warm runs. */
export async function measureRoundTrips(rttMs: number, platform: FunctionsPlatform = 'v1', rounds = 5): Promise<LatencyReport> {
  const setup = await setUp(platform);
  try {
    await paths(setup, 'warm-up');
    const runs = async (label: string) => {
      const all = [];
      for (let i = 0; i < rounds; i++) all.push(await paths(setup, `${label}-${i}`));
      return all;
    };
    const base = await runs('base');
    setup.ottRtt.value = rttMs;
    const connectionsBefore = setup.proxy.connections();
    const underOtt = await runs('ott');
    const ottConnections = setup.proxy.connections() - connectionsBefore;
    setup.ottRtt.value = 0;
    setup.stack.database.switches.latencyMs = rttMs;
    const underStore = await runs('store');
    const figure = (name: 'create' | 'callback' | 'query' | 'refund'): PathFigures => {
      const baseline = median(base.map((r) => r[name].ms));
      return {
        ott: Math.round(((median(underOtt.map((r) => r[name].ms)) - baseline) / rttMs) * 10) / 10,
        store: Math.round(((median(underStore.map((r) => r[name].ms)) - baseline) / rttMs) * 10) / 10,
        storeCalls: median(base.map((r) => r[name].calls)),
      };
    };
    return {
      rttMs,
      create: figure('create'),
      callback: figure('callback'),
      query: figure('query'),
      refund: figure('refund'),
      ottConnections,
      measuredCalls: rounds * 5,
    };
  } finally {
    await setup.close();
  }
}
