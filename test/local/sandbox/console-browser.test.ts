/**
 * The console in headless Chromium with the whole local stack, used as a person would: start a
 * test payment, find it, approve it, re-send its call-back, and read what happened on the page.
 * Needs Debian's chromium (.ci/run installs it).
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { launchChromium, type Browser, type Tab } from '../../../local/demo/chromium';
import { startLocalStack, type LocalStack } from '../../../local/stack';
import { createPayment, KEY, newOrderId, removeDir, request } from './helpers';

const SCREEN = { width: 1280, height: 900, scale: 1 };

let stack: LocalStack;
let browser: Browser;
let tab: Tab;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ottpay-console-'));
  [stack, browser] = await Promise.all([
    startLocalStack({ dataDir, env: {}, sandboxPort: 0, cloudPort: 0, sweepIntervalMs: 0, log: () => undefined }),
    launchChromium(),
  ]);
  tab = await browser.open();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await removeDir(dataDir);
});

const flashSays = (text: string) => `document.querySelector('#flash:not([hidden])')?.innerText.includes(${JSON.stringify(text)})`;

/** Clicks Refresh until the page shows what `expression` looks for, as a person waiting for a call-back would. */
async function refreshUntil(expression: string): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      await tab.waitFor(expression, 400);
      return;
    } catch (error) {
      if (tries === 15) throw error;
    }
    await tab.click('[data-refresh]');
  }
}

it('starts a payment, approves it, re-sends its call-back and shows the requests, call-backs, timeline and merchant state', async () => {
  await tab.goto(`${stack.sandbox.url}/`, SCREEN);
  expect(await tab.text('#transactions')).toContain('No transaction yet.');

  await tab.type('#test-payment-form [name=amount]', '12.34');
  await tab.type('#test-payment-form [name=tip]', '1.85');
  await tab.choose('#test-payment-form [name=outcome]', 'unpaid');
  await tab.click('#test-payment-form button[type=submit]');
  await tab.waitFor(flashSays('leave unpaid'));
  const orderId = /^Test payment ([0-9A-Z]+) of 14\.19 CAD: leave unpaid; now notpay\.$/.exec(await tab.text('#flash'))![1];

  await tab.type('#search [name=order]', orderId.slice(4, 16).toLowerCase());
  await tab.click('#search button[type=submit]');
  await tab.waitFor("document.getElementById('transaction-count')?.innerText.includes('whose order id contains')");
  expect(await tab.text('#transaction-count')).toMatch(/^Showing 1 of 1 transaction whose order id contains/);
  const row = `tr.tx[data-order="${orderId}"]`;
  expect((await tab.text(row)).split(/\s+/)).toEqual(expect.arrayContaining(['notpay', 'PAYING', '12.34', '1.85', '14.19']));

  await tab.click(`${row} button[data-action="approve"]`);
  await tab.waitFor(flashSays(`Approved: the payer paid: ${orderId} is now success.`));
  await refreshUntil(`document.querySelector('${row} td.merchant-state')?.innerText === 'PAID'`);

  await tab.click(`${row} button[data-action="resend-callback"]`);
  await tab.waitFor(flashSays(`Re-sent the call-back of ${orderId}`));
  await refreshUntil(`document.querySelectorAll('tr.details[data-order="${orderId}"] .attempts li.ok').length === 2`);

  expect(await tab.text(`${row} td.ott-state`)).toBe('success');
  expect(await tab.text(`${row} td.merchant-state`)).toBe('PAID');

  const timeline = (await tab.text(`tr.details[data-order="${orderId}"] .timeline`)).split('\n').map((line) => line.replace(/^\S+ \S+ UTC /, ''));
  expect(timeline).toEqual([
    'MAPPPAY created',
    'console: test payment as o-console-payer, leave unpaid',
    'console: approve',
    'console: re-send call-back',
  ]);

  const callbacks = await tab.text(`tr.details[data-order="${orderId}"] .callbacks`);
  expect(callbacks).toContain(`call-back to ${stack.callbackUrl}`);
  expect(callbacks).toContain(`re-send to ${stack.callbackUrl}`);
  const payloads = callbacks.split('\n').filter((line) => line.startsWith('payload, decrypted:'));
  expect(payloads).toHaveLength(2);
  for (const payload of payloads) expect(payload).toMatch(new RegExp(`amount=1234 bizpay_order_id=WX\\d+ tip=185 merchant_id=\\w+ order_id=${orderId} `));
  expect(callbacks.match(/HTTP 200 · \d+ ms · SUCCESS · acknowledged: HTTP 200 with the body SUCCESS/g)).toHaveLength(2);

  const mapppay = await tab.evaluate<string>(
    "[...document.querySelectorAll('#requests details.request')].find((d) => d.querySelector('.action').innerText === 'MAPPPAY').dataset.id",
  );
  await tab.click(`details.request[data-id="${mapppay}"] summary`);
  await tab.waitFor(`document.querySelector('details.request[data-id="${mapppay}"]').open`);
  const exchange = await tab.text(`details.request[data-id="${mapppay}"]`);
  expect(exchange).toMatch(new RegExp(`/processV2\\s+MAPPPAY\\s+${orderId}\\s+SUCCESS\\s+\\d+ ms`));
  expect(exchange).toContain('Request data, decrypted');
  for (const line of [`order_id\t${orderId}`, 'amount\t1234', 'tip\t185', 'open_id\to-console-payer', `call_back_url\t${stack.callbackUrl}`, 'rsp_code=SUCCESS rsp_msg=success']) {
    expect(exchange).toContain(line);
  }
  expect(exchange).toMatch(/payInfo\t\{"appId":"wx\w+","timeStamp"/);
  expect(exchange).not.toContain(KEY);
}, 20_000);

it("says why the merchant's createPayment refused a test payment, and marks a transaction the merchant never made", async () => {
  const refused = await request('POST', `${stack.sandbox.url}/sandbox/test-payment`, { amountCents: 100_000_001, outcome: 'success' });
  expect(refused.status).toBe(502);
  expect(refused.body.error).toMatch(/^could not create the payment: INVALID_AMOUNT /);

  const orderId = newOrderId('NM');
  await createPayment(stack.sandbox, orderId, stack.callbackUrl);
  await tab.goto(`${stack.sandbox.url}/?order=${orderId}`, SCREEN);
  expect(await tab.text(`tr.tx[data-order="${orderId}"] td.merchant-state`)).toBe('no order');
});
