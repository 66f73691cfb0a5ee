/**
 * The local stack with a full store: data sets of N orders spread over ten days are written
 * straight into a data folder, then `npm start` is started on it (time to serve, memory) and one
 * day is exported through it.
 */
import { spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { issueAttempt, newOrder, reportPaid } from '../../server/orders/attempts';
import { orderToDocument } from '../../server/orders/documents';
import { orderIdFor, type Order } from '../../server/orders/model';
import { runOps } from '../ops';

const ROOT = resolve(__dirname, '..', '..');
const DAYS = 10;
const FIRST_DAY = Date.parse('2026-11-01T17:00:00.000Z');

function order(i: number, count: number): Order {
  const at = new Date(FIRST_DAY + Math.floor((i * DAYS * 86_400_000) / count)).toISOString();
  const requestId = `scale-request-${i}`;
  const created = newOrder({ orderId: orderIdFor(`o-payer-${i % 500}`, requestId), openid: `o-payer-${i % 500}`, appid: 'wx1', requestId, channel: 'MINIPROGRAM', amountCents: 100 + (i % 9000), tipCents: i % 300 }, at);
  if (i % 5 === 0) return created;
  const ctx = { at, cause: 'create' as const };
  const payment = { timeStamp: '2026110112', nonceStr: 'n0nce0n0nce0n0nc', package: `prepay_id=wx${i}`, signType: 'MD5' as const, paySign: 'A'.repeat(32) };
  const issued = issueAttempt(created, created.orderId, { payment, saleNum: String(1_700_000_000_000 + i) }, ctx)!;
  return reportPaid(issued, created.orderId, { paidCents: created.amountCents + created.tipCents, moneyAgrees: true, finishTime: '20261101120000', bizpayOrderId: `WX${i}`, detail: {} }, { ...ctx, cause: 'callback' })!;
}

function writeDataSet(dir: string, count: number): number {
  const cloud = join(dir, 'cloud');
  mkdirSync(cloud, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify(orderToDocument({ ...order(i, count), nextCheckAt: null })));
  writeFileSync(join(cloud, 'orders.db'), lines.join('\n') + '\n');
  return statSync(join(cloud, 'orders.db')).size;
}

/** Resident memory of a process and all its descendants (the stack and its function process). */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  let total = match ? Number(match[1]) * 1024 : NaN;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    for (const child of children === '' ? [] : children.split(' ')) total += rssOf(Number(child));
  }
  return total;
}

export interface ScaleFigures {
  orders: number;
  file_mb: number;
  start_ms: number;
  rss_mb: number;
  export_rows: number;
  export_ms: number;
}

export async function measureScale(count: number): Promise<ScaleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ottpay-bench-scale-'));
  try {
    const bytes = writeDataSet(dir, count);
    const started = performance.now();
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'local', 'start.ts')], {
      cwd: ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dir, OTT_SANDBOX_PORT: '0', LOCAL_CLOUD_PORT: '0', SWEEP_INTERVAL_MS: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await new Promise<void>((resolveReady, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/Local cloud runtime\s+http/.test(output)) resolveReady();
      });
      child.once('exit', () => reject(new Error(`the stack stopped while starting:\n${output}`)));
    });
    const startMs = performance.now() - started;
    const rss = rssOf(child.pid!);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto' }).format(new Date(FIRST_DAY + 3 * 86_400_000 + 3_600_000));
    let csv = '';
    const exportStarted = performance.now();
    await runOps(['--local', 'export', day], { ...process.env, LOCAL_DATA_DIR: dir }, (text) => (csv += text));
    const exportMs = performance.now() - exportStarted;
    child.kill('SIGTERM');
    await exited;
    return {
      orders: count,
      file_mb: Math.round(bytes / 1e5) / 10,
      start_ms: Math.round(startMs),
      rss_mb: Math.round(rss / 1e5) / 10,
      export_rows: csv.trim().split('\r\n').length - 1,
      export_ms: Math.round(exportMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
