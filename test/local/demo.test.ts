import * as net from 'net';
import * as path from 'path';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import { startTestStack, type TestStack } from './harness';

/** The Pay key's second line: the amount and the tip, each kept whole with non-breaking spaces. */
const PAY_KEY_SUB = 'CAD\u00a025.80 +\u00a03.87\u00a0tip';
import { environmentWithout, ROOT, runScript, type Run } from '../run-script';

const DEMO = path.join(ROOT, 'local/demo.ts');

/** Runs the demo without the machine's OTT_* and local stack settings. */
function runDemo(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = environmentWithout((name) => name.startsWith('OTT_') || name === 'LOCAL_CLOUD_PORT' || name === 'LOCAL_DATA_DIR', env);
  return runScript(DEMO, args, { env: clean });
}

function orderIdOf(run: Run): string {
  const match = /createPayment created order ([A-Za-z0-9]+)/.exec(run.stdout);
  if (!match) throw new Error(`no order id in:\n${run.stdout}\n${run.stderr}`);
  return match[1];
}

function expectNoSecrets(run: Run): void {
  for (const secret of [SANDBOX_CREDENTIALS.signKey, SANDBOX_CREDENTIALS.wechatApiKey]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// The in-process runs wait real time (the dropped call-back about 9 s), so they run side by side.
let paid: Promise<Run>;
let cancelled: Promise<Run>;
let dropped: Promise<Run>;
let counter: Promise<Run>;

beforeAll(() => {
  paid = runDemo([]);
  cancelled = runDemo(['--cancel']);
  dropped = runDemo(['--drop-callback']);
  counter = runDemo(['--counter']);
});

describe('npm run demo', () => {
  test('pays on the Pay page, shows what went to OTT Pay and the call-back, and ends PAID', async () => {
    const run = await paid;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const orderId = orderIdOf(run);
    const out = run.stdout;
    expect(out).toContain('2. Typed 25.80 on the keypad and chose the 15% tip');
    expect(out).toMatch(/amount CAD 25\.80, tip CAD 3\.87, total CAD 29\.67, ≈ CNY [\d,.]+ \(estimate\)\n/);
    expect(out).toContain(`Tapped "Pay ${PAY_KEY_SUB}": createPayment created order`);
    expect(out).toContain(`action MAPPPAY, amount 2580, tip 387 (cents), order_id ${orderId}`);
    expect(out).toMatch(/call_back_url http:\/\/127\.0\.0\.1:\d+\/http\/ottpay\/callback\n/);
    expect(out).toContain('the payer approves → requestPayment:ok');
    expect(out).toContain('Call-back from OTT Pay to call_back_url: HTTP 200, reply "SUCCESS"');
    expect(out).toContain('queryPayment → PAID');
    expect(out).toMatch(new RegExp(`The Result page shows "Payment successful", CAD 29.67, paid at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d, order ${orderId}\\n`));
    expect(out).toContain(`Done: order ${orderId} is PAID, settled by the call-back.`);
    expect(out).not.toMatch(/\[(sandbox|cloud)\]/);
    expectNoSecrets(run);
  }, 60_000);

  test('--counter: the counter page shows three payments as they are verified and says each, tip included', async () => {
    const run = await counter;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('1. Opened the counter page as o-local-staff (owner): "实时接收中", 0 payments so far');
    expect(out).toContain('it says "收款播报已开启"');
    expect(out).toMatch(/the counter shows "CAD 29\.67 · 含小费 CAD 3\.87 · \d\d:\d\d · 尾号 \w{4}"\n {3}and says: "微信收款二十九点六七加元含小费三点八七"/);
    expect(out).toContain('and says: "微信收款十二加元"');
    expect(out).toContain('and says: "微信收款五百一十七点五加元含小费六十七点五"');
    expect(out).toContain('Done: 3 payments on the counter, each shown and said once.');
  }, 60_000);

  test('--cancel: the wallet cancels, the payer is back on Pay with the amount kept, and the order is not paid', async () => {
    const run = await cancelled;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const orderId = orderIdOf(run);
    expect(run.stdout).toContain('the payer cancels → requestPayment:fail cancel');
    expect(run.stdout).toContain('No call-back from OTT Pay: nothing was paid');
    expect(run.stdout).toContain(
      `The Pay page stays, with the amount kept (25.80, key "Pay ${PAY_KEY_SUB}"), and says: "Payment cancelled. You haven't been charged, and the amount is kept: tap Pay when ready."`,
    );
    expect(run.stdout).not.toContain('The Result page shows');
    expect(run.stdout).not.toContain('queryPayment → PAID');
    expect(run.stdout).toContain(`Done: order ${orderId} is not paid (PAYING; OTT Pay has it as notpay)`);
  }, 60_000);

  test('--drop-callback: the call-back is dropped and the order is settled by query', async () => {
    const run = await dropped;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const orderId = orderIdOf(run);
    expect(run.stdout).toContain('fault: the sandbox drops the next call-back');
    expect(run.stdout).toContain('Call-back from OTT Pay: dropped by the sandbox');
    expect(run.stdout).not.toContain('HTTP 200, reply');
    expect(run.stdout).toContain('queryPayment → PAID');
    expect(run.stdout).toContain(`Done: order ${orderId} is PAID, settled by query`);
  }, 60_000);

  describe('--use-running', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack();
    });
    afterAll(() => stack.close());

    test('uses the running stack and puts its drop fault back afterwards', async () => {
      stack.sandbox.faults.set({ drop: 0 });
      const run = await runDemo(['--use-running', '--drop-callback'], {
        LOCAL_CLOUD_PORT: String(stack.runtime.port),
        OTT_SANDBOX_PORT: String(stack.sandbox.port),
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('stack already running (npm start)');
      const orderId = orderIdOf(run);
      expect(run.stdout).toContain(`Done: order ${orderId} is PAID, settled by query`);
      const details = await stack.sandbox.transaction(orderId);
      expect(details?.transaction.state).toBe('success');
      expect(details?.deliveries.map((d) => d.state)).toEqual(['dropped']);
      expect(stack.sandbox.faults.get().drop).toBe(0);
    }, 60_000);

    test('says so clearly when nothing is running', async () => {
      const port = await closedPort();
      const run = await runDemo(['--use-running'], { LOCAL_CLOUD_PORT: String(port) });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(`demo failed: no local cloud runtime answers at http://127.0.0.1:${port}/; start the stack with "npm start", or run the demo without --use-running\n`);
    }, 60_000);
  });

  test('--help prints the usage; an unknown option is refused', async () => {
    const help = await runDemo(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run demo -- [options]');
    expect(help.stdout).toContain('--drop-callback');
    const wrong = await runDemo(['--fast']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("Unknown option '--fast'");
  }, 60_000);

  test('refuses a flag npm kept for itself (npm run demo --cancel, without --) instead of running the success demo', async () => {
    const swallowed = await runDemo([], { npm_config_cancel: 'true' });
    expect(swallowed.status).toBe(2);
    expect(swallowed.stderr).toContain('npm took --cancel for itself: put it after --, as in npm run <script> -- --cancel');
    expect(swallowed.stdout).not.toContain('Demo:');
  }, 60_000);
});
