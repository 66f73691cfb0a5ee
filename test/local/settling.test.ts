import type { ResponseFaultMode } from '../../local/sandbox';
import { historyProblems } from '../../server/orders/history';
import type { Order } from '../../server/orders/model';
import type { SweepReport } from '../../server/payments/sweep';
import { newRequestId, PAYER, startTestStack, type TestStack, sweepByTimer } from './harness';

/** OTT_TIMEOUT_MS (500 here) plus the margin: a retry after this starts a new attempt. */
const IN_FLIGHT_MS = 2_500;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { CLOSE_ABANDONED_AFTER_MS: '1000', PREPAY_VALIDITY_MS: '1000', QUERY_THROTTLE_MS: '0', OTT_TIMEOUT_MS: '500' } });
});
afterAll(() => stack.close());
afterEach(() => stack.sandbox.faults.reset());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stateOf(orderId: string): Promise<string> {
  const result = await stack.call('queryPayment', { orderId }, PAYER);
  if (!result.ok) throw new Error(result.code);
  return result.order.state;
}

async function stored(orderId: string): Promise<Order> {
  const order = await stack.store.getOrder(orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  return order;
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
  return sweepByTimer(stack);
}

describe('a payment request whose answer is lost never strands the payer', () => {
  const faults: [ResponseFaultMode, boolean][] = [
    ['SYSTEM_ERROR', false],
    ['PROCESSING', true],
    ['TIMEOUT', true],
    ['CORRUPT_DATA', true],
    ['WRONG_MD5', true],
  ];
  it.each(faults)(
    'MAPPPAY answered %s (processed by OTT: %s): pending at once, a retry after the first try ends pays under a new attempt',
    async (mode, afterProcessing) => {
      stack.sandbox.faults.set({ response: { mode, actions: ['MAPPPAY'], times: 1, afterProcessing, replyAfterMs: null } });
      const requestId = newRequestId(mode);
      const first = await stack.call('createPayment', { amountCents: 3100, requestId }, PAYER);
      expect(first).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
      const orderId = first.ok ? '' : first.orderId!;
      expect((await stored(orderId)).state).toBe('CREATED');
      expect((await stack.sandbox.transaction(orderId)) !== null).toBe(afterProcessing);

      await sleep(IN_FLIGHT_MS);
      const retry = await stack.call('createPayment', { amountCents: 3100, requestId }, PAYER);
      if (!retry.ok) throw new Error(retry.code);
      expect(retry.orderId).toBe(orderId);
      expect(retry.payment.package).toContain('prepay_id=');
      await stack.wallet(retry.payment, 'success');
      await stack.sandbox.waitForDeliveries(`${orderId}P2`, (d) => d.some((c) => c.state === 'delivered'));
      expect(await stateOf(orderId)).toBe('PAID');

      await sweep();
      const order = await stored(orderId);
      expect(order.attempts.map((a) => [a.ottOrderId, a.state])).toEqual([
        [orderId, 'NOT_PAID'],
        [`${orderId}P2`, 'PAID'],
      ]);
      expect(order.attempts[0].outcome).toBe('lost');
      expect(historyProblems(order)).toEqual([]);
    },
    15_000,
  );

  it('answers pending, without asking OTT again, while the first try may still be waiting for OTT', async () => {
    stack.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['MAPPPAY'], times: 1 } });
    const requestId = newRequestId('inflight');
    await stack.call('createPayment', { amountCents: 3150, requestId }, PAYER);
    const again = await stack.call('createPayment', { amountCents: 3150, requestId }, PAYER);
    expect(again).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
    const orderId = again.ok ? '' : again.orderId!;
    expect((await stored(orderId)).attempts).toHaveLength(1);
  });
});

describe('orders settled by query', () => {
  it.each<ResponseFaultMode>(['SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT', 'CORRUPT_DATA', 'WRONG_MD5'])(
    'STATUS_QUERY answered %s: a paid order whose call-back was lost stays pending, then settles PAID',
    async (mode) => {
      const orderId = await paidWithoutCallback(3300);
      stack.sandbox.faults.set({ response: { mode, actions: ['STATUS_QUERY'], replyAfterMs: null } });
      expect(await stateOf(orderId)).toBe('PAYING');
      stack.sandbox.faults.reset();
      expect(await stateOf(orderId)).toBe('PAID');
    },
    10_000,
  );

  it('sweep settles an order whose call-back never came', async () => {
    const orderId = await paidWithoutCallback(3400);
    const report = await sweep();
    expect(report.paid).toBeGreaterThanOrEqual(1);
    expect((await stored(orderId)).state).toBe('PAID');
  });
});

describe('closing an abandoned order', () => {
  it('closes only on OTT’s word that it is not paid, and a payment after that goes to REVIEW', async () => {
    const created = await stack.call('createPayment', { amountCents: 3500, requestId: newRequestId('late') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    await sleep(1100);
    await sweep();
    expect(await stateOf(created.orderId)).toBe('CLOSED');
    expect((await stored(created.orderId)).attempts[0]).toMatchObject({ state: 'NOT_PAID', outcome: 'expired' });
    await stack.wallet(created.payment, 'success');
    await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
    expect(await stateOf(created.orderId)).toBe('REVIEW');
    expect((await stored(created.orderId)).reviewKind).toBe('paid_after_end');
  });

  it('sends an order OTT cannot be asked about to REVIEW, never CLOSED, and settles it once OTT answers', async () => {
    const orderId = await paidWithoutCallback(3600);
    await sleep(1100);
    stack.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['STATUS_QUERY'] } });
    await sweep();
    const review = await stored(orderId);
    expect(review).toMatchObject({ state: 'REVIEW', reviewKind: 'status_unknown' });
    expect(review.nextCheckAt).not.toBeNull();
    stack.sandbox.faults.reset();
    await sweep();
    expect((await stored(orderId)).state).toBe('REVIEW');
    await sleep(Date.parse(review.nextCheckAt!) - Date.now() + 50);
    await sweep();
    expect((await stored(orderId)).state).toBe('PAID');
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
