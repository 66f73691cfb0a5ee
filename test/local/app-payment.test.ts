/**
 * The merchant's native app pays through the same backend: createAppPayment called as a CloudBase
 * app user (the local runtime passes the user the way CloudBase does), the sandbox wallet in app
 * mode checking the PayReq signature as WeChat's OpenSDK would, the call-back, and then queries,
 * refunds and takings like any other order. The WeChat API key never leaves the cloud.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { AppPayRequest } from '../../typings/payments';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import { newRequestId, PAYER, STAFF, startTestStack, type TestStack } from './harness';

const APP_USER = 'cb-user-0001';
let stack: TestStack;
const logLines: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ log: (line) => logLines.push(line) });
});
afterAll(() => stack.close());

async function asAppUser(name: string, event: object, headers: Record<string, string> = { 'x-cloudbase-uid': APP_USER }): Promise<Record<string, unknown>> {
  const reply = await stack.post(`${stack.runtime.url}/functions/${name}`, event, headers);
  return JSON.parse(reply.text).result;
}

async function appPay(payReq: AppPayRequest, outcome: string): Promise<{ status: number; body: { errCode: number; errMsg: string } }> {
  const reply = await stack.post(`${stack.sandbox.url}/sandbox/wallet/app-pay`, { ...payReq, outcome });
  return { status: reply.status, body: JSON.parse(reply.text) };
}

describe('createAppPayment', () => {
  it('pays an app order end to end: PayReq signed in the cloud, the wallet checks it, the call-back settles, the app user sees PAID', async () => {
    const created = await asAppUser('createAppPayment', { amountCents: 4321, tipCents: 200, requestId: newRequestId('app') });
    expect(created).toMatchObject({ ok: true, payReq: { appId: SANDBOX_CREDENTIALS.nativeAppId, packageValue: 'Sign=WXPay' } });
    const orderId = created.orderId as string;
    const payReq = created.payReq as AppPayRequest;
    expect(Object.keys(payReq).sort()).toEqual(['appId', 'nonceStr', 'packageValue', 'partnerId', 'prepayId', 'sign', 'timeStamp']);

    expect((await appPay({ ...payReq, sign: payReq.sign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, 'success')).body.errCode).toBe(-1);
    expect(await appPay(payReq, 'success')).toMatchObject({ status: 200, body: { errCode: 0 } });
    await stack.sandbox.waitForDeliveries(orderId, (d) => d.some((c) => c.state === 'delivered'));

    expect(await asAppUser('queryPayment', { orderId })).toMatchObject({ ok: true, order: { orderId, state: 'PAID', channel: 'APP', totalCents: 4521 } });
    expect(await stack.call('queryPayment', { orderId }, PAYER)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await asAppUser('listPayments', {})).toMatchObject({ ok: true, orders: [{ orderId }] });

    const refunded = await stack.call('refund', { orderId, amountCents: 521, requestId: newRequestId('app-refund') }, STAFF);
    expect(refunded).toMatchObject({ ok: true, refund: { state: 'SUCCEEDED' }, order: { state: 'PARTIALLY_REFUNDED', refundedCents: 521 } });
    const summary = await stack.call('merchantSummary', {}, STAFF);
    expect(summary.ok && 'recent' in summary && summary.recent.some((o) => o.orderId === orderId && o.channel === 'APP')).toBe(true);
  });

  it('keeps the WeChat API key out of every reply, log line and stored document', async () => {
    const created = await asAppUser('createAppPayment', { amountCents: 1500, requestId: newRequestId('app-key') });
    await appPay(created.payReq as AppPayRequest, 'success');
    await stack.sandbox.waitForDeliveries(created.orderId as string, (d) => d.some((c) => c.state === 'delivered'));
    const key = SANDBOX_CREDENTIALS.wechatApiKey;
    expect(JSON.stringify(created)).not.toContain(key);
    expect(logLines.filter((line) => line.startsWith('[cloud]')).join('\n')).not.toContain(key);
    for (const file of ['orders.db', 'ott_callbacks.db']) expect(readFileSync(join(stack.dataDir, 'cloud', file), 'utf8')).not.toContain(key);
  });

  it('refuses a caller without a CloudBase identity, and a mini-program user', async () => {
    expect(await asAppUser('createAppPayment', { amountCents: 100, requestId: newRequestId('app') }, {})).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await stack.call('createAppPayment', { amountCents: 100, requestId: newRequestId('app') }, PAYER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await asAppUser('createPayment', { amountCents: 100, requestId: newRequestId('app') })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it.each([
    [{ amountCents: 0, requestId: 'app-bad-00001' }, 'INVALID_AMOUNT'],
    [{ amountCents: 100, tipCents: -1, requestId: 'app-bad-00002' }, 'INVALID_TIP'],
    [{ amountCents: 100, requestId: 'x' }, 'INVALID_REQUEST'],
  ])('refuses bad input %j with %s', async (event, code) => {
    expect(await asAppUser('createAppPayment', event)).toMatchObject({ ok: false, code });
  });

  it('answers the same PayReq to a retry of the same request, and a different one to another user', async () => {
    const requestId = newRequestId('app-retry');
    const first = await asAppUser('createAppPayment', { amountCents: 900, requestId });
    const again = await asAppUser('createAppPayment', { amountCents: 900, requestId });
    expect(again).toEqual(first);
    const other = await asAppUser('createAppPayment', { amountCents: 900, requestId }, { 'x-cloudbase-uid': 'cb-user-0002' });
    expect(other.orderId).not.toBe(first.orderId);
  });
});
