import { seal } from '../../server/ottpay/codec';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import { newRequestId, PAYER, postRaw, startTestStack, type TestStack } from './harness';

/** CALLBACK_SETTLES=query: a verified call-back is only a prompt to ask OTT Pay; its own claims settle nothing. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { CALLBACK_SETTLES: 'query' } });
});
afterAll(() => stack.close());
afterEach(() => stack.sandbox.faults.reset());

function genuineLooking(orderId: string, amountCents: number): string {
  const data = { amount: String(amountCents), order_id: orderId, merchant_id: SANDBOX_CREDENTIALS.merchantId, bizpay_order_id: 'WX1', finish_time: '20261122120000' };
  return JSON.stringify({ rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: SANDBOX_CREDENTIALS.merchantId, ...seal(data, SANDBOX_CREDENTIALS.signKey) });
}

async function state(orderId: string): Promise<string> {
  const result = await stack.call('queryPayment', { orderId }, PAYER);
  if (!result.ok) throw new Error(result.code);
  return result.order.state;
}

describe('call-backs settled by STATUS_QUERY', () => {
  it('settles a paid order by asking OTT Pay, not by the call-back’s word', async () => {
    const created = await stack.call('createPayment', { amountCents: 4100, requestId: newRequestId('query-mode') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await stack.wallet(created.payment, 'success');
    await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
    expect(await state(created.orderId)).toBe('PAID');
  });

  it('leaves an order OTT Pay has not charged pending, whatever a sealed call-back claims', async () => {
    const created = await stack.call('createPayment', { amountCents: 4200, requestId: newRequestId('query-mode') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    expect(await postRaw(stack.callbackUrl, genuineLooking(created.orderId, 4200))).toEqual({ status: 200, text: 'SUCCESS' });
    expect(await state(created.orderId)).toBe('PAYING');
  });

  it('answers 503 when OTT Pay cannot be asked, so the call-back comes again', async () => {
    const created = await stack.call('createPayment', { amountCents: 4300, requestId: newRequestId('query-mode') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    stack.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['STATUS_QUERY'] } });
    expect(await postRaw(stack.callbackUrl, genuineLooking(created.orderId, 4300))).toEqual({ status: 503, text: 'FAIL' });
  });
});
