/**
 * The uploaded bundles under CloudBase's functions V2, imitated locally with the real functions
 * framework: calls interleaved in one process, the caller in `context`, no timers, the database
 * reached only with the API key.
 */
import { LOCAL_API_KEY } from '../../local/cloud-runtime/server';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import { seal } from '../../server/ottpay/codec';
import type { CreatePaymentResult, ListPaymentsResult } from '../../typings/payments';
import { eventually, newRequestId, OTHER_PAYER, PAYER, postRaw, startTestStack, type TestStack } from './harness';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ platform: 'v2' });
});

afterAll(async () => {
  await stack?.close();
});

const sweepRoute = () => `${stack.runtime.url}/http/sweep`;

async function pay(openid: string, amountCents: number): Promise<string> {
  const created = (await stack.call('createPayment', { amountCents, tipCents: 0, requestId: newRequestId('v2') }, openid)) as CreatePaymentResult;
  if (!created.ok) throw new Error(`${created.code} ${created.message}`);
  expect((await stack.wallet(created.payment, 'success')).status).toBe(200);
  return created.orderId;
}

it('takes a payment: the call-back reaches paymentCallback through the framework, and the payer sees it paid', async () => {
  expect(stack.runtime.platform).toBe('v2');
  const orderId = await pay(PAYER, 2967);
  const paid = await eventually(async () => {
    const order = await stack.store.getOrder(orderId);
    return order?.state === 'PAID' ? order : undefined;
  }, 5000, 'the call-back');
  expect(paid.openid).toBe(PAYER);
  const callbacks = await stack.store.listCallbacks({ orderId: paid.attempts[0].ottOrderId, limit: 5 });
  expect(callbacks.map((c) => c.verdict)).toContain('verified');
});

it.each([
  ['JSON', 'application/json', (fields: Record<string, string>) => JSON.stringify(fields)],
  ['a form', 'application/x-www-form-urlencoded', (fields: Record<string, string>) => new URLSearchParams(fields).toString()],
])('reads a call-back sent as %s from the body the framework parsed, and refuses it tampered', async (_, contentType, encode) => {
  const created = (await stack.call('createPayment', { amountCents: 1700, tipCents: 0, requestId: newRequestId('v2cb') }, PAYER)) as CreatePaymentResult;
  if (!created.ok) throw new Error(created.code);
  const data = { amount: '1700', order_id: created.orderId, merchant_id: SANDBOX_CREDENTIALS.merchantId, bizpay_order_id: 'WX0000000002', finish_time: '20261203120000' };
  const fields = { rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: SANDBOX_CREDENTIALS.merchantId, ...seal(data, SANDBOX_CREDENTIALS.signKey) };
  const tampered = { ...fields, md5: fields.md5.slice(0, 31) + (fields.md5[31] === '0' ? '1' : '0') };
  expect(await postRaw(stack.callbackUrl, encode(tampered), { 'content-type': contentType })).toEqual({ status: 400, text: 'FAIL' });
  expect(await postRaw(stack.callbackUrl, encode(fields), { 'content-type': contentType })).toEqual({ status: 200, text: 'SUCCESS' });
  expect((await stack.store.getOrder(created.orderId))?.state).toBe('PAID');
});

it('keeps two payers apart when their calls interleave in one process', async () => {
  const payers = [PAYER, OTHER_PAYER];
  const created = await Promise.all(
    Array.from({ length: 16 }, (_, i) => stack.call('createPayment', { amountCents: 100 + i, tipCents: 0, requestId: newRequestId(`mix${i}`) }, payers[i % 2]) as Promise<CreatePaymentResult>),
  );
  const lists = await Promise.all(Array.from({ length: 8 }, (_, i) => stack.call('listPayments', { limit: 50 }, payers[i % 2]) as Promise<ListPaymentsResult>));
  for (const [i, result] of created.entries()) {
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    expect((await stack.store.getOrder(result.orderId))?.openid).toBe(payers[i % 2]);
  }
  for (const [i, list] of lists.entries()) {
    if (!list.ok) throw new Error(`${list.code} ${list.message}`);
    const owners = new Set(await Promise.all(list.orders.map(async (o) => (await stack.store.getOrder(o.orderId))?.openid)));
    expect([...owners].every((owner) => owner === payers[i % 2])).toBe(true);
  }
});

it('runs the sweep only for a request holding the secret, and records the run', async () => {
  expect((await postRaw(sweepRoute(), '')).status).toBe(401);
  expect((await postRaw(sweepRoute(), '', { authorization: 'Bearer not-the-secret-not-the-secret-00000' })).status).toBe(401);
  const reply = await postRaw(sweepRoute(), '', { authorization: `Bearer ${SANDBOX_CREDENTIALS.sweepSecret}` });
  expect(reply.status).toBe(200);
  const body = JSON.parse(reply.text) as { ok: boolean; ran: boolean; observed: { callerSource: string; http: string; environment: Record<string, boolean> } };
  expect(body).toMatchObject({ ok: true, ran: true });
  // what the probe reports of the platform: names only
  expect(body.observed).toMatchObject({ callerSource: 'none', http: 'framework', environment: { TCB_ENV: false, TENCENTCLOUD_SECRETID: false, CLOUDBASE_APIKEY: true } });
  expect(reply.text).not.toContain(LOCAL_API_KEY);
  const state = await stack.store.getSweepState();
  expect(state?.lastRun?.by).toBe('route');
  expect(state?.lastCompletedAt).not.toBeNull();
});

it('refuses a payer who calls the internal functions, whatever the event says', async () => {
  const asPayer = async (name: string, event: unknown) => (await postRaw(`${stack.runtime.url}/functions/${name}`, JSON.stringify(event), { 'x-wx-openid': PAYER })).text;
  const sweep = await asPayer('sweep', { Type: 'Timer', TriggerName: 'sweepEveryFiveMinutes', Time: new Date().toISOString() });
  expect(JSON.parse(sweep).result).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  // the framework turns the function's { statusCode: 403 } into an HTTP 403
  expect(await asPayer('paymentCallback', { httpMethod: 'POST', headers: {}, body: 'md5=x' })).toContain('HTTP 403');
});

it('refuses a timer event from nobody: on V2 every call comes over HTTP, and only the secret runs the sweep', async () => {
  const before = await stack.store.getSweepState();
  const reply = await fetch(`${stack.runtime.url}/functions/sweep`, { method: 'POST', body: JSON.stringify({ Type: 'Timer', TriggerName: 'sweepEveryFiveMinutes' }) });
  expect(await reply.text()).not.toContain('"ran":true');
  expect((await stack.store.getSweepState())?.lastStartedAt).toBe(before?.lastStartedAt);
});

it('answers a database request without the API key with a refusal', async () => {
  const reply = await postRaw(stack.runtime.databaseUrl, JSON.stringify({ action: 'database.getDocument', collectionName: 'orders', query: '{}' }));
  expect(reply.status).toBe(401);
});
