import { newRequestId, PAYER, startTestStack, type TestStack, sweepByTimer } from './harness';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { CLOSE_ABANDONED_AFTER_MS: '1000', PREPAY_VALIDITY_MS: '2000', QUERY_THROTTLE_MS: '0' } });
});
afterAll(() => stack.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stored(orderId: string) {
  return (await stack.store.getOrder(orderId))!;
}

describe('an order whose payment details may still be paid', () => {
  it('is not closed past the abandon age: a payment whose call-back was lost is found by the sweep', async () => {
    const created = await stack.call('createPayment', { amountCents: 3700, requestId: newRequestId('expiry') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await sleep(1100);
    await sweepByTimer(stack);
    expect((await stored(created.orderId)).state).toBe('PAYING');
    stack.sandbox.faults.set({ drop: 'all' });
    await stack.wallet(created.payment, 'success');
    stack.sandbox.faults.reset();
    const due = (await stored(created.orderId)).nextCheckAt!;
    await sleep(Math.max(0, Date.parse(due) - Date.now()) + 50);
    await sweepByTimer(stack);
    expect(await stored(created.orderId)).toMatchObject({ state: 'PAID', nextCheckAt: null });
  });

  it('stops checking an attempt once its details expired unpaid', async () => {
    const created = await stack.call('createPayment', { amountCents: 3800, requestId: newRequestId('expired') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await sleep(2100);
    await sweepByTimer(stack);
    const order = await stored(created.orderId);
    expect(order).toMatchObject({ state: 'CLOSED', nextCheckAt: null });
    expect(order.attempts[0]).toMatchObject({ state: 'NOT_PAID', outcome: 'expired' });
  });
});
