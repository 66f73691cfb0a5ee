import { newRequestId, PAYER, STAFF, startTestStack, type TestStack } from './harness';

/** OTT_TIMEOUT_MS (500 here) plus the margin: a retry after this starts a new attempt. */
const IN_FLIGHT_MS = 2_500;
const DAY_MS = 24 * 60 * 60 * 1000;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { OTT_TIMEOUT_MS: '500', QUERY_THROTTLE_MS: '0' } });
});
afterAll(() => stack.close());
afterEach(() => stack.sandbox.faults.reset());

/** Pays the request; `attempt` names the OTT order_id that gets paid (the order id for a first attempt). */
async function paidOrder(amountCents: number, requestId = newRequestId('paid'), attempt = (orderId: string) => orderId): Promise<string> {
  const created = await stack.call('createPayment', { amountCents, requestId }, PAYER);
  if (!created.ok) throw new Error(created.code);
  await stack.wallet(created.payment, 'success');
  await stack.sandbox.waitForDeliveries(attempt(created.orderId), (d) => d.some((c) => c.state === 'delivered'));
  return created.orderId;
}

/** Moves an order's creation back by `days`, as if it had been made then. */
async function backdate(orderId: string, days: number): Promise<void> {
  const order = await stack.store.getOrder(orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  const createdAt = new Date(Date.parse(order.createdAt) - days * DAY_MS).toISOString();
  expect(await stack.store.replaceOrder({ ...order, createdAt, version: order.version + 1 }, order.version)).toBe(true);
}

describe('staff find an order by its number', () => {
  it('whatever its day, alongside the summary; for staff only', async () => {
    const orderId = await paidOrder(4200);
    await backdate(orderId, 3);

    const found = await stack.call('merchantSummary', { orderId }, STAFF);
    if (!found.ok) throw new Error(found.code);
    expect(found.order).toMatchObject({ orderId, state: 'PAID', totalCents: 4200, refundedCents: 0, channel: 'MINIPROGRAM' });
    expect(found.recent.map((o) => o.orderId)).not.toContain(orderId);
    expect(found.today.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const plain = await stack.call('merchantSummary', {}, STAFF);
    expect(plain.ok && plain.order).toBe(undefined);
    expect(await stack.call('merchantSummary', { orderId }, PAYER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('shows an unpaid order as it is', async () => {
    const created = await stack.call('createPayment', { amountCents: 990, requestId: newRequestId('open') }, PAYER);
    if (!created.ok) throw new Error(created.code);
    expect(await stack.call('merchantSummary', { orderId: created.orderId }, STAFF)).toMatchObject({ ok: true, order: { orderId: created.orderId, state: 'PAYING' } });
  });

  it('by the OTT order_id of a later attempt too', async () => {
    stack.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['MAPPPAY'], times: 1 } });
    const requestId = newRequestId('second');
    const first = await stack.call('createPayment', { amountCents: 1500, requestId }, PAYER);
    expect(first).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
    await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_MS));
    const orderId = await paidOrder(1500, requestId, (id) => `${id}P2`);

    expect(await stack.call('merchantSummary', { orderId: `${orderId}P2` }, STAFF)).toMatchObject({ ok: true, order: { orderId, state: 'PAID' } });
    expect(await stack.call('merchantSummary', { orderId: `${orderId}P3` }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  }, 15_000);

  it('NOT_FOUND for an unknown number; INVALID_REQUEST for one that cannot be an order number', async () => {
    expect(await stack.call('merchantSummary', { orderId: 'NOSUCHORDER' }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    for (const orderId of ['', 'has space', 'x'.repeat(33), 42, null]) {
      expect(await stack.call('merchantSummary', { orderId }, STAFF)).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    }
  });
});
