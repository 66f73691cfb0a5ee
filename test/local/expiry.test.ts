import { getPlatform } from '../../server/app/platform';
import { newRequestId, PAYER, startTestStack, type TestStack } from './harness';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { CLOSE_ABANDONED_AFTER_MS: '1000', PREPAY_VALIDITY_MS: '2000', QUERY_THROTTLE_MS: '0' } });
});
afterAll(() => stack.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stored(orderId: string) {
  const platform = await getPlatform(() => Promise.reject(new Error('the local stack provides the platform')));
  return (await platform.store.getOrder(orderId))!;
}

describe('a closed order is checked once more after its payment details expire', () => {
  it('finds a late payment whose call-back was lost and sends the order to REVIEW', async () => {
    const created = await stack.call('createPayment', { amountCents: 3700, requestId: newRequestId('expiry') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await sleep(1100);
    await stack.runtime.invoke('sweep', {});
    expect((await stored(created.orderId)).state).toBe('CLOSED');
    stack.sandbox.faults.set({ drop: 'all' });
    await stack.wallet(created.payment, 'success');
    await stack.runtime.invoke('sweep', {});
    expect((await stored(created.orderId)).state).toBe('CLOSED');
    await sleep(1000);
    await stack.runtime.invoke('sweep', {});
    expect(await stored(created.orderId)).toMatchObject({ state: 'REVIEW', reviewKind: 'paid_after_end', nextCheckAt: null });
  });

  it('stops checking an attempt once its details expired unpaid', async () => {
    const created = await stack.call('createPayment', { amountCents: 3800, requestId: newRequestId('expired') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await sleep(2100);
    await stack.runtime.invoke('sweep', {});
    const order = await stored(created.orderId);
    expect(order).toMatchObject({ state: 'CLOSED', nextCheckAt: null });
    expect(order.attempts[0]).toMatchObject({ state: 'NOT_PAID', outcome: 'expired' });
  });
});
