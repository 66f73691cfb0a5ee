import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NotDone, runOps } from '../../scripts/ops';
import { environmentWithout, runScript } from '../run-script';
import { LocalCloudBaseDatabase } from '../../local/cloudbase/database';
import { inProcessDatabase } from '../../local/cloudbase/sdk-bindings';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import { seal } from '../../server/ottpay/codec';
import { newRequestId, PAYER, STAFF, startTestStack, type TestStack, ON_V2 } from '../local/harness';
import { startTencentCloudStandIn } from './tencent-cloud-stand-in';

async function ops(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let out = '';
  await runOps(args, env, (text) => (out += text));
  return out;
}

describe('npm run ops against the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-ops-'));
  let paidId = '';
  let lostId = '';
  let reviewId = '';
  let refundingId = '';
  let env: NodeJS.ProcessEnv;
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ dataDir, env: { OTT_TIMEOUT_MS: '500', CLOSE_ABANDONED_AFTER_MS: '1000' } });
    const paid = await stack.call('createPayment', { amountCents: 1234, tipCents: 66, requestId: newRequestId('ops') }, PAYER);
    if (!paid.ok) throw new Error(paid.code);
    await stack.wallet(paid.payment, 'success');
    await stack.sandbox.waitForDeliveries(paid.orderId, (d) => d.some((c) => c.state === 'delivered'));
    paidId = paid.orderId;

    stack.sandbox.faults.set({ drop: 'all' });
    const lost = await stack.call('createPayment', { amountCents: 500, requestId: newRequestId('ops') }, PAYER);
    if (!lost.ok) throw new Error(lost.code);
    await stack.wallet(lost.payment, 'success');
    lostId = lost.orderId;

    stack.sandbox.faults.set({ drop: 0, response: { mode: 'CORRUPT_DATA', actions: ['STATUS_QUERY'] } });
    const refunding = await stack.call('createPayment', { amountCents: 800, requestId: newRequestId('ops') }, PAYER);
    if (!refunding.ok) throw new Error(refunding.code);
    await stack.wallet(refunding.payment, 'success');
    await stack.sandbox.waitForDeliveries(refunding.orderId, (d) => d.some((c) => c.state === 'delivered'));
    refundingId = refunding.orderId;
    expect(await stack.call('refund', { orderId: refundingId, amountCents: 300, requestId: newRequestId('ops') }, STAFF)).toMatchObject({ ok: true, refund: { state: 'PENDING' } });
    stack.sandbox.faults.reset();

    const review = await stack.call('createPayment', { amountCents: 900, requestId: newRequestId('ops') }, PAYER);
    if (!review.ok) throw new Error(review.code);
    reviewId = review.orderId;
    const wrongMoney = { amount: '901', order_id: reviewId, merchant_id: SANDBOX_CREDENTIALS.merchantId, bizpay_order_id: 'WX1', finish_time: '20261122120000' };
    await stack.post(stack.callbackUrl, { rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: SANDBOX_CREDENTIALS.merchantId, ...seal(wrongMoney, SANDBOX_CREDENTIALS.signKey) });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    env = { LOCAL_DATA_DIR: dataDir, OTT_SANDBOX_PORT: String(stack.sandbox.port), LOCAL_CLOUD_PORT: String(stack.runtime.port), OTT_TIMEOUT_MS: '500' };
  });

  afterAll(() => stack.close());

  it('shows an order with its attempts, history and the raw call-back', async () => {
    const shown = JSON.parse(await ops(['--local', 'show', paidId], env));
    expect(shown.order).toMatchObject({ orderId: paidId, state: 'PAID', attempts: [{ ottOrderId: paidId, state: 'PAID' }] });
    expect(shown.order.history.filter((e: { to?: string }) => e.to).map((e: { to: string }) => e.to)).toEqual(['CREATED', 'PAYING', 'PAID']);
    expect(shown.callbacks).toHaveLength(1);
    expect(shown.callbacks[0].verdict).toBe('verified');
  });

  it('lists what needs a person, each with why and what to do', async () => {
    const review = await ops(['--local', 'review', '--older-than-minutes', '0'], env);
    expect(review).toMatch(/In REVIEW \(1\):/);
    expect(review).toContain(reviewId);
    expect(review).toContain('why: OTT Pay reports 901 taken');
    expect(review).toMatch(/Refunds unresolved \(1\):\n/);
    expect(review).toContain(refundingId);
    expect(review).toContain('OTT answered SUCCESS: it holds it');
    expect(review).toContain('the sweep keeps checking');
    // The re-check reads OTT's refunded amount of the paid attempt, which now shows the refund.
    expect(await ops(['--local', 'requery', refundingId], env)).toBe(`${refundingId}: PAID -> PARTIALLY_REFUNDED\n  OTT Pay: ${refundingId} partial_refunded, refund_fee 300\n`);
    expect(await ops(['--local', 'review', '--older-than-minutes', '0'], env)).toMatch(/Refunds unresolved \(0\):/);
  });

  it('lists orders pending past the abandon age, and requery settles one at OTT Pay', async () => {
    const review = await ops(['--local', 'review'], env);
    expect(review).toContain(lostId);
    expect(review).toMatch(/Pending past the abandon age \(1\):/);
    expect(await ops(['--local', 'requery', lostId], env)).toBe(`${lostId}: PAYING -> PAID\n  OTT Pay: ${lostId} success, refund_fee 0\n`);
    expect(await ops(['--local', 'review'], env)).not.toContain(lostId);
  });

  it('settles an order in REVIEW by hand only with who and why, and records both in its history', async () => {
    await expect(ops(['--local', 'accept', reviewId], env)).rejects.toThrow('--by NAME --why TEXT');
    await expect(ops(['--local', 'accept', paidId, '--by', 'owner', '--why', 'checked'], env)).rejects.toThrow('not in review');
    await expect(ops(['--local', 'release-refund', paidId, '--by', 'owner', '--why', 'checked'], env)).rejects.toThrow('no refund waiting');
    await expect(ops(['--local', 'show', paidId, '--by', 'owner'], env)).rejects.toThrow('--by goes with');
    expect(await ops(['--local', 'accept', reviewId, '--by', 'owner', '--why', 'payer confirmed 9.01 on the phone'], env)).toBe(`${reviewId}: REVIEW -> PAID; refunded 0.00 of 9.01 held\n`);
    const shown = JSON.parse(await ops(['--local', 'show', reviewId], env));
    expect(shown.order.history).toContainEqual(expect.objectContaining({ event: 'resolved', cause: 'ops', detail: expect.objectContaining({ action: 'accept', by: 'owner', why: 'payer confirmed 9.01 on the phone' }) }));
    expect(await ops(['--local', 'review'], env)).not.toContain(reviewId);
  });

  it('exports a day as CSV with exact amounts', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto' }).format(new Date());
    const csv = await ops(['--local', 'export', today], env);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('order_id,state,channel,created_at_utc,paid_at_utc,amount,tip,total,refunded,currency,ott_order_id,ott_sale_num,bizpay_order_id,ott_finish_time');
    const row = lines.find((l) => l.startsWith(paidId))!.split(',');
    expect(row.slice(5, 11)).toEqual(['12.34', '0.66', '13.00', '0.00', 'CAD', paidId]);
  });

  it('goes through the running stack: the data files are written by it alone', async () => {
    const holder = JSON.parse(readFileSync(join(dataDir, 'stack.lock'), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, by: 'npm start', cloudUrl: stack.runtime.url });
    await expect(startTestStack({ dataDir })).rejects.toThrow(`in use by npm start (process ${process.pid}`);
  });

  it('explains its usage errors, and says when what was asked did not happen', async () => {
    await expect(ops(['--local', 'show'], env)).rejects.toThrow('show takes an ORDER_ID');
    await expect(ops(['--local', 'export', 'yesterday'], env)).rejects.toThrow('YYYY-MM-DD');
    await expect(ops(['--local', 'export', '2026-02-30'], env)).rejects.toThrow('a date that exists');
    await expect(ops(['--local', 'review', '--older-than-minutes', 'x'], env)).rejects.toThrow('--older-than-minutes takes a whole number');
    await expect(ops(['--local', 'review', '--frobnicate'], env)).rejects.toThrow("Unknown option '--frobnicate'");
    await expect(ops(['frobnicate'], env)).rejects.toThrow('unknown command');
    await expect(ops(['review'], {})).rejects.toThrow('TCB_ENV_ID');
    await expect(ops(['--local', 'show', 'NOSUCHORDER'], env)).rejects.toBeInstanceOf(NotDone);
    expect(await ops(['--help'], {})).toContain('usage: npm run --silent ops -- [--local] <command>');
  });
});

describe('npm run ops --local with no stack running', () => {
  it('reads the store without rewriting a byte of its data files, and requery takes the folder while it writes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-ops-idle-'));
    const stack = await startTestStack({ dataDir });
    const paid = await stack.call('createPayment', { amountCents: 700, requestId: newRequestId('idle') }, PAYER);
    if (!paid.ok) throw new Error(paid.code);
    await stack.close();
    const files = ['orders.db', 'ott_callbacks.db'].map((name) => join(dataDir, 'cloud', name));
    const before = files.map((file) => readFileSync(file, 'utf8'));
    const env = { LOCAL_DATA_DIR: dataDir };
    expect(await ops(['--local', 'show', paid.orderId], env)).toContain(paid.orderId);
    expect(await ops(['--local', 'review'], env)).toContain('In REVIEW (0)');
    await ops(['--local', 'export', new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto' }).format(new Date())], env);
    expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(before);
    expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);
    const unreachable = { ...env, OTT_SANDBOX_PORT: '9', OTT_TIMEOUT_MS: '500' };
    await expect(ops(['--local', 'requery', paid.orderId], unreachable)).rejects.toThrow('OTT Pay did not answer');
    expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);
  });
});

describe('npm run ops as a process', () => {
  it('writes a clean CSV on stdout or into --out, and exits 1 when what was asked did not happen, 2 when asked wrongly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-ops-process-'));
    const stack = await startTestStack({ dataDir });
    const paid = await stack.call('createPayment', { amountCents: 900, requestId: newRequestId('process') }, PAYER);
    if (!paid.ok) throw new Error(paid.code);
    const env = environmentWithout((name) => name.startsWith('OTT_') || name.startsWith('TCB_'), { LOCAL_DATA_DIR: dataDir });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto' }).format(new Date());
    try {
      const exported = await runScript('scripts/ops.ts', ['--local', 'export', today], { env, viaTsxCli: true });
      expect(exported.status).toBe(0);
      expect(exported.stdout.split('\r\n')[0]).toMatch(/^order_id,state,/);
      expect(exported.stdout).toContain(paid.orderId);
      const file = join(dataDir, 'day.csv');
      expect((await runScript('scripts/ops.ts', ['--local', 'export', today, '--out', file], { env, viaTsxCli: true })).stdout).toBe('');
      expect(readFileSync(file, 'utf8')).toBe(exported.stdout);
      const missing = await runScript('scripts/ops.ts', ['--local', 'show', 'NOSUCHORDER'], { env, viaTsxCli: true });
      expect([missing.status, missing.stderr.trim()]).toEqual([1, 'ops: no order NOSUCHORDER']);
      const wrong = await runScript('scripts/ops.ts', ['--local', 'export', '2026-02-30'], { env, viaTsxCli: true });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('see ops --help');
    } finally {
      await stack.close();
    }
  }, 30_000);
});

describe('npm run ops against CloudBase', () => {
  /** An environment's database: node-sdk in-process against a local CloudBase database. */
  function cloudbase() {
    const environment = new LocalCloudBaseDatabase({});
    const database = inProcessDatabase(environment, 'node-sdk') as ReturnType<typeof inProcessDatabase> & { createCollection(name: string): Promise<unknown> };
    return { database, environment };
  }
  const credentials = { TCB_ENV_ID: 'env-1', TCB_SECRET_ID: 'id', TCB_SECRET_KEY: 'key' };

  it('setup creates the collections once and lists the indexes to add', async () => {
    const { database, environment } = cloudbase();
    let out = '';
    await runOps(['setup'], credentials, (text) => (out += text), { cloudbase: () => database });
    expect(['orders', 'ott_callbacks'].map((name) => environment.hasCollection(name))).toEqual([true, true]);
    expect(out).toContain('collection orders: created');
    expect(out).toContain('  orders: nextCheckAt_orderId: nextCheckAt asc + orderId asc\n');
    out = '';
    await runOps(['setup'], credentials, (text) => (out += text), { cloudbase: () => database });
    expect(out).toContain('collection ott_callbacks: already there');
  });

  it('doctor --probe prints the raw replies of a few requests beside the local database’s', async () => {
    const { database } = cloudbase();
    let out = '';
    await runOps(['doctor', '--probe'], credentials, (text) => (out += text), { cloudbase: () => database });
    expect(out).toMatch(/insert the same _id again {2}\(same\)\n {2}cloudbase: \{"error":\{"code":"DATABASE_DUPLICATE_WRITE"/);
    expect(out).toMatch(/20 compare-and-sets at once on version 0 {2}\(same\)\n {2}cloudbase: \{"winners":1,/);
    expect(out).toMatch(/read a collection that does not exist {2}\(same\)\n {2}cloudbase: \{"error":\{"code":"DATABASE_COLLECTION_NOT_EXIST","message":"Db or Table not exist/);
    expect(out).toContain('query no index serves (filter n, sort m)');
    await expect(runOps(['doctor', '--probe', '--local'], credentials, () => undefined)).rejects.toThrow('--probe goes with doctor, on CloudBase');
  });

  it('doctor checks the collections, the settings and that the call-back URL refuses an unsigned call-back', async () => {
    const { database, environment } = cloudbase();
    await environment.createCollection('orders');
    await environment.createCollection('ott_callbacks');
    await environment.createCollection('sweep_state');
    await environment.createCollection('merchant_staff');
    const stack = await startTestStack();
    const tencentCloud = await startTencentCloudStandIn({ EnvId: 'env-1', Functions: [{ Namespace: 'env-1', Backend: 'scf' }], Databases: [{ InstanceId: 'd' }] });
    try {
      const env = {
        ...credentials,
        OTT_API_URL: `${stack.sandbox.url}/processV2`,
        OTT_MERCHANT_ID: 'SB00000001',
        OTT_OPERATOR_ID: '0000000001',
        OTT_SIGN_KEY: '0123456789ABCDEF',
        OTT_CALLBACK_URL: stack.callbackUrl,
        TCB_API_ENDPOINT: tencentCloud.endpoint,
        SWEEP_URL: `${stack.runtime.url}/http/sweep`,
        SWEEP_SECRET: SANDBOX_CREDENTIALS.sweepSecret,
      };
      let out = '';
      await expect(runOps(['doctor'], env, (text) => (out += text), { cloudbase: () => database })).rejects.toThrow('1 check(s) failed');
      expect(out).toContain('FAIL  staff: no owner: nobody can refund or manage staff (ops staff add USER_ID --owner --by NAME)');
      await runOps(['staff', 'add', 'o-staff-owner', '--owner', '--by', 'Lin'], env, () => undefined, { cloudbase: () => database });
      out = '';
      await runOps(['doctor'], env, (text) => (out += text), { cloudbase: () => database });
      expect(out.trim().split('\n').map((line) => line.slice(0, 4))).toEqual(['ok  ', 'ok  ', 'ok  ', 'ok  ', 'warn', 'ok  ', 'ok  ', 'ok  ', 'ok  ', 'ok  ', 'ok  ', 'ok  ']);
      expect(out).toContain('ok    staff: 1 owner(s), 0 other staff');
      expect(out).toContain('warn  sweep: no sweep has run yet');
      expect(out).toContain('ok    functions: V1 (Backend scf)');
      expect(out).toMatch(ON_V2 ? /ok {4}sweep route: ran \(0 checked\); the function runs on V2 \(the functions framework/ : /ok {4}sweep route: ran \(0 checked\); the function runs on V1 \(the HTTP access service's integrated request\)/);

      out = '';
      await expect(runOps(['doctor'], { ...env, SWEEP_SECRET: 'x'.repeat(40) }, (text) => (out += text), { cloudbase: () => database })).rejects.toThrow('1 check(s) failed');
      expect(out).toContain("FAIL  sweep route: " + env.SWEEP_URL + ": the secret was refused (SWEEP_SECRET differs from the function's)");
      out = '';
      const broken = { ...env, OTT_SIGN_KEY: 'short', OTT_CALLBACK_URL: `${stack.sandbox.url}/nowhere` };
      await expect(runOps(['doctor'], broken, (text) => (out += text), { cloudbase: () => database })).rejects.toThrow('1 check(s) failed');
      expect(out).toContain('FAIL  OTT Pay settings: OTT_SIGN_KEY must be exactly 16 characters');
    } finally {
      await stack.close();
      await tencentCloud.close();
    }
  });
});
