import type { Order } from '../../server/orders/model';
import { newRequestId, PAYER, STAFF, startTestStack, sweepRunByTimer, type TestStack } from './harness';

/** A mini-program payment, paid in the wallet and confirmed by OTT's call-back. */
async function paidOrder(stack: TestStack, amountCents: number): Promise<string> {
  const created = await stack.call('createPayment', { amountCents, requestId: newRequestId('ship') }, PAYER);
  if (!created.ok) throw new Error(created.code);
  await stack.wallet(created.payment, 'success');
  await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
  return created.orderId;
}

async function stored(stack: TestStack, orderId: string): Promise<Order> {
  const order = await stack.store.getOrder(orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  return order;
}

/** Time passing: the order is due again now, as it will be once its wait is over. */
async function dueNow(stack: TestStack, orderId: string): Promise<void> {
  const order = await stored(stack, orderId);
  expect(await stack.store.replaceOrder({ ...order, version: order.version + 1, shippingDueAt: new Date(Date.now() - 1000).toISOString() }, order.version)).toBe(true);
}

describe('order-shipping management: each mini-program payment told to WeChat once, by the sweep, until accepted', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { WECHAT_SHIPPING_UPLOAD: 'self-pickup' } });
  });
  afterAll(() => stack.close());

  it('marks the payment due in the same write that records it, and the next sweep uploads it as picked up by the payer', async () => {
    const orderId = await paidOrder(stack, 1850);
    const paid = await stored(stack, orderId);
    expect(paid.state).toBe('PAID');
    expect(typeof paid.shippingDueAt).toBe('string');
    const transactionId = paid.attempts[0].bizpayOrderId;
    expect(transactionId).toBeTruthy();

    const run = await sweepRunByTimer(stack);
    expect(run.shipping).toMatchObject({ uploaded: 1, failed: 0 });
    const upload = stack.openApi.uploads.find((u) => (u.body.order_key as { transaction_id?: string }).transaction_id === transactionId)!;
    expect(upload.body).toMatchObject({
      order_key: { order_number_type: 2, transaction_id: transactionId },
      logistics_type: 4,
      delivery_mode: 1,
      shipping_list: [{ item_desc: '到店消费 In-store purchase' }],
      payer: { openid: PAYER },
    });
    expect(upload.errcode).toBe(0);
    const after = await stored(stack, orderId);
    expect(after).toMatchObject({ state: 'PAID', shippingDueAt: null, shippingFailures: 0 });
    expect(after.attempts[0].shippingUploadedAt).toBeDefined();
    expect(after.history.filter((h) => h.event === 'shipping.uploaded')).toHaveLength(1);

    // nothing is sent twice
    const before = stack.openApi.uploads.length;
    await sweepRunByTimer(stack);
    expect(stack.openApi.uploads.length).toBe(before);
  });

  it('a refusal (WeChat does not know the payment yet) waits and tries again; the payment itself never changes', async () => {
    stack.openApi.switches.failNext = { count: 1, errcode: 10060001, errmsg: '支付单不存在' };
    const orderId = await paidOrder(stack, 2200);
    const run = await sweepRunByTimer(stack);
    expect(run.shipping).toMatchObject({ uploaded: 0, failed: 1 });
    const waiting = await stored(stack, orderId);
    expect(waiting).toMatchObject({ state: 'PAID', shippingFailures: 1, shippingError: 'errcode 10060001: 支付单不存在' });
    expect(Date.parse(waiting.shippingDueAt!)).toBeGreaterThan(Date.now());

    await sweepRunByTimer(stack);
    expect((await stored(stack, orderId)).shippingFailures).toBe(1);
    await dueNow(stack, orderId);
    expect((await sweepRunByTimer(stack)).shipping).toMatchObject({ uploaded: 1, failed: 0 });
    expect(await stored(stack, orderId)).toMatchObject({ state: 'PAID', shippingDueAt: null, shippingFailures: 0, shippingError: null });
  });

  it('an upload whose answer was lost is sent again, and WeChat\'s "already shipped" settles it', async () => {
    const orderId = await paidOrder(stack, 990);
    const first = await sweepRunByTimer(stack);
    expect(first.shipping?.uploaded).toBe(1);
    // as if the write after WeChat's answer had been lost
    const order = await stored(stack, orderId);
    const attempts = order.attempts.map(({ shippingUploadedAt: _forgotten, ...a }) => a);
    expect(await stack.store.replaceOrder({ ...order, attempts, version: order.version + 1, shippingDueAt: new Date(Date.now() - 1000).toISOString() }, order.version)).toBe(true);
    expect((await sweepRunByTimer(stack)).shipping).toMatchObject({ uploaded: 1, failed: 0 });
    expect(stack.openApi.uploads.at(-1)?.errcode).toBe(10060004);
    expect((await stored(stack, orderId)).shippingDueAt).toBeNull();
  });

  it('a payment by QR code (not made in the mini-program) is not WeChat\'s shipping business', async () => {
    const qr = await stack.call('collectByQr', { amountCents: 1200, requestId: newRequestId('ship-qr') }, STAFF);
    if (!qr.ok) throw new Error(qr.code);
    const scan = await stack.post(`${stack.sandbox.url}/sandbox/wallet/scan`, { codeUrl: qr.codeUrl, outcome: 'success', openid: 'o-customer' });
    expect(scan.status).toBe(200);
    await stack.sandbox.waitForDeliveries(qr.order.orderId, (d) => d.some((c) => c.state === 'delivered'));
    const paid = await stored(stack, qr.order.orderId);
    expect(paid.state).toBe('PAID');
    expect(paid.shippingDueAt).toBeUndefined();
  });
});

describe('order-shipping management switched off (the default)', () => {
  it('uploads nothing', async () => {
    const stack = await startTestStack();
    try {
      await paidOrder(stack, 700);
      const run = await sweepRunByTimer(stack);
      expect(run.shipping).toBeUndefined();
      expect(stack.openApi.uploads).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
