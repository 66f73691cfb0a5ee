import type { ResponseFaultMode } from '../../local/sandbox';
import type { SweepReport } from '../../server/payments/sweep';
import { newRequestId, PAYER, startTestStack, type TestStack } from './harness';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { CLOSE_ABANDONED_AFTER_MS: '1000' } });
});
afterAll(() => stack.close());
afterEach(() => stack.sandbox.faults.reset());

async function stateOf(orderId: string): Promise<string> {
  const result = await stack.call('queryPayment', { orderId }, PAYER);
  if (!result.ok) throw new Error(result.code);
  return result.order.state;
}

async function paidWithoutCallback(amountCents: number): Promise<string> {
  stack.sandbox.faults.set({ drop: 'all' });
  const created = await stack.call('createPayment', { amountCents, requestId: newRequestId('lost') }, PAYER);
  if (!created.ok) throw new Error(created.code);
  await stack.wallet(created.payment, 'success');
  await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'dropped'));
  stack.sandbox.faults.reset();
  return created.orderId;
}

function sweep(): Promise<SweepReport> {
  return stack.runtime.invoke('sweep', { Type: 'Timer', TriggerName: 'sweepEveryFiveMinutes' }) as Promise<SweepReport>;
}

describe('orders whose outcome is unknown stay pending and are settled by query', () => {
  it.each<ResponseFaultMode>(['SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT'])(
    'MAPPPAY answered %s: the payer is told it is pending, and a retry of the same request pays',
    async (mode) => {
      stack.sandbox.faults.set({ response: { mode, actions: ['MAPPPAY'], times: 1, afterProcessing: false } });
      const requestId = newRequestId(mode);
      const first = await stack.call('createPayment', { amountCents: 3100, requestId }, PAYER);
      expect(first).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
      const orderId = first.ok ? '' : first.orderId!;
      expect(await stateOf(orderId)).toBe('CREATED');

      const retry = await stack.call('createPayment', { amountCents: 3100, requestId }, PAYER);
      if (!retry.ok) throw new Error(retry.code);
      expect(retry.orderId).toBe(orderId);
      await stack.wallet(retry.payment, 'success');
      await stack.sandbox.waitForDeliveries(orderId, (d) => d.some((c) => c.state === 'delivered'));
      expect(await stateOf(orderId)).toBe('PAID');
    },
    10_000,
  );

  it.each<ResponseFaultMode>(['CORRUPT_DATA', 'WRONG_MD5'])(
    'MAPPPAY answered with %s: the reply is not trusted, the order stays pending and is closed when abandoned',
    async (mode) => {
      stack.sandbox.faults.set({ response: { mode, actions: ['MAPPPAY'], times: 1 } });
      const requestId = newRequestId(mode);
      const first = await stack.call('createPayment', { amountCents: 3200, requestId }, PAYER);
      expect(first).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
      const orderId = first.ok ? '' : first.orderId!;
      expect(await stateOf(orderId)).toBe('CREATED');
      expect(await stack.call('createPayment', { amountCents: 3200, requestId }, PAYER)).toMatchObject({ ok: false, code: 'PAYMENT_PENDING', orderId });

      await new Promise((resolve) => setTimeout(resolve, 1100));
      await sweep();
      expect(await stateOf(orderId)).toBe('CLOSED');
    },
    10_000,
  );

  it.each<ResponseFaultMode>(['SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT', 'CORRUPT_DATA', 'WRONG_MD5'])(
    'STATUS_QUERY answered %s: a paid order whose call-back was lost stays pending, then settles PAID',
    async (mode) => {
      const orderId = await paidWithoutCallback(3300);
      stack.sandbox.faults.set({ response: { mode, actions: ['STATUS_QUERY'] } });
      expect(await stateOf(orderId)).toBe('PAYING');
      stack.sandbox.faults.reset();
      expect(await stateOf(orderId)).toBe('PAID');
    },
    10_000,
  );

  it('sweep settles an order whose call-back never came', async () => {
    const orderId = await paidWithoutCallback(3400);
    const report = await sweep();
    expect(report.settled).toBeGreaterThanOrEqual(1);
    const platformState = await stack.call('listPayments', {}, PAYER);
    if (!platformState.ok) throw new Error(platformState.code);
    expect(platformState.orders.find((o) => o.orderId === orderId)?.state).toBe('PAID');
  });

  it('a payment reported after the order was closed goes to REVIEW, not PAID and not lost', async () => {
    const created = await stack.call('createPayment', { amountCents: 3500, requestId: newRequestId('late') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sweep();
    expect(await stateOf(created.orderId)).toBe('CLOSED');
    await stack.wallet(created.payment, 'success');
    await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
    expect(await stateOf(created.orderId)).toBe('REVIEW');
  });
});

describe('a restart', () => {
  it('loses nothing: orders, their states and the sandbox’s transactions survive', async () => {
    const created = await stack.call('createPayment', { amountCents: 3600, requestId: newRequestId('restart') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await stack.wallet(created.payment, 'success');
    await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
    const pending = await stack.call('createPayment', { amountCents: 3700, requestId: newRequestId('restart') }, PAYER);
    if (!pending.ok) throw new Error(pending.code);

    const ports = { sandboxPort: stack.sandbox.port, cloudPort: stack.runtime.port };
    await stack.close();
    stack = await startTestStack({ dataDir: stack.dataDir, ...ports, env: { CLOSE_ABANDONED_AFTER_MS: '1000' } });

    expect(await stateOf(created.orderId)).toBe('PAID');
    expect(await stateOf(pending.orderId)).toBe('PAYING');
    expect((await stack.sandbox.transaction(created.orderId))?.transaction.state).toBeDefined();
    await stack.wallet(pending.payment, 'success');
    await stack.sandbox.waitForDeliveries(pending.orderId, (d) => d.some((c) => c.state === 'delivered'));
    expect(await stateOf(pending.orderId)).toBe('PAID');
  });
});
