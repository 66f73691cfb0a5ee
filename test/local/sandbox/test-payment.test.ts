import { newOrderId, request, sandboxForFile, waitFor } from './helpers';

// The console's test payment with the sandbox alone: it plays the merchant's server (the stack's case is in console-browser.test.ts).
const t = sandboxForFile({ callbackRetryScheduleMs: [] });

function testPayment(body: unknown) {
  return request('POST', `${t.sandbox.url}/sandbox/test-payment`, body);
}

it("sends a MAPPPAY as the merchant's server would, pays it, and its call-back reaches the sandbox's own receiver", async () => {
  const reply = await testPayment({ amountCents: 1234, tipCents: 185, outcome: 'success' });
  expect(reply.status).toBe(200);
  const { orderId } = reply.body;
  expect(reply.body).toMatchObject({ errMsg: 'requestPayment:ok', transaction: { orderId, state: 'success', amount: 1234, tip: 185, total: 1419 } });
  expect(reply.body.merchantOrderId).toBeUndefined();
  expect(reply.body.message).toBe(`Test payment ${orderId} of 14.19 CAD: the payer pays (requestPayment:ok); now success.`);

  const [delivery] = await t.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
  expect(delivery.url).toBe(`${t.sandbox.url}/sandbox/callback-sink`);
  expect(delivery.attempts[0]).toMatchObject({ httpStatus: 200, reply: 'SUCCESS', ok: true });
  const [logged] = (await t.sandbox.requests({ orderId })).requests;
  expect(logged).toMatchObject({ action: 'MAPPPAY', code: 'SUCCESS', request: { open_id: 'o-console-payer', amount: '1234', tip: '185' } });
  const history = (await t.sandbox.transaction(orderId))!.transaction.history.map((h) => h.event);
  expect(history).toEqual(['MAPPPAY created', 'console: test payment as o-console-payer, the payer pays', 'wallet: success']);
});

it.each([
  ['cancel', 'notpay', 'requestPayment:fail cancel'],
  ['fail', 'failure', 'requestPayment:fail the wallet declined the payment'],
  ['unpaid', 'notpay', undefined],
])('outcome %s leaves the payment %s and sends no call-back', async (outcome, state, errMsg) => {
  const reply = await testPayment({ amountCents: 500, outcome, callbackUrl: t.receiver.url });
  expect(reply.status).toBe(200);
  expect(reply.body.transaction).toMatchObject({ state, tip: 0, callbackUrl: t.receiver.url });
  expect(reply.body.errMsg).toBe(errMsg);
  expect(await t.sandbox.waitForDeliveries(reply.body.orderId, () => true)).toEqual([]);
});

it('sends the call-backs to the call_back_url given', async () => {
  const reply = await testPayment({ amountCents: 700, outcome: 'success', callbackUrl: t.receiver.url });
  await waitFor('the call-back', () => t.receiver.orderIds().includes(reply.body.orderId));
});

it.each([
  [{ amountCents: 0, outcome: 'success' }, 'amountCents must be a whole number of cents, at least 1'],
  [{ amountCents: 12.5, outcome: 'success' }, 'amountCents must be a whole number of cents, at least 1'],
  [{ amountCents: 100, tipCents: -1, outcome: 'success' }, 'tipCents must be a whole number of cents, at least 0'],
  [{ amountCents: 100, outcome: 'maybe' }, 'outcome must be one of success, cancel, fail, unpaid'],
  [{ amountCents: 100, outcome: 'success', callbackUrl: 'ftp://example.com/cb' }, 'callbackUrl must be an http(s) URL'],
])('refuses %j', async (body, error) => {
  expect(await testPayment(body)).toMatchObject({ status: 400, body: { error } });
});

it("says what OTT Pay answered when the MAPPPAY fails, and books nothing", async () => {
  const before = (await t.sandbox.transactions()).length;
  t.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['MAPPPAY'], times: 1 } });
  expect(await testPayment({ amountCents: 100, outcome: 'success' })).toMatchObject({ status: 502, body: { error: 'MAPPPAY: SYSTEM_ERROR system error' } });
  expect(await t.sandbox.transactions()).toHaveLength(before);
});

it("the sandbox's receiver refuses a call-back that does not unseal with the sign key", async () => {
  const refused = await request('POST', `${t.sandbox.url}/sandbox/callback-sink`, { data: 'AAAA', md5: '0'.repeat(32), order: newOrderId() });
  expect(refused.status).toBe(400);
  expect(refused.text).toMatch(/^FAIL /);
});
