import { newRequestId, PAYER, startTestStack, type TestStack } from './harness';

const TEMPLATE = 'tmpl-payment-notice-0001';
const RECEIPT_ENV = {
  RECEIPT_TEMPLATE_ID: TEMPLATE,
  RECEIPT_FIELDS: 'amount:amount1,time:time2,shop:thing3,order:character_string4',
  RECEIPT_SHOP_NAME: '枫叶咖啡',
  MERCHANT_TIME_ZONE: 'America/Vancouver',
};

async function pay(stack: TestStack, amountCents: number, tipCents: number, receipt: boolean): Promise<string> {
  const created = await stack.call('createPayment', { amountCents, tipCents, requestId: newRequestId('receipt'), receipt }, PAYER);
  if (!created.ok) throw new Error(created.code);
  await stack.wallet(created.payment, 'success');
  return created.orderId;
}

const messagesFor = (stack: TestStack, orderId: string) => stack.openApi.messages.filter((m) => (m.body.data as Record<string, { value: string }>).character_string4?.value === orderId);

describe('the payment notice: sent once to a payer who asked, never in the way of the payment', () => {
  let stack: TestStack;
  const logged: string[] = [];
  beforeAll(async () => {
    stack = await startTestStack({ env: RECEIPT_ENV, log: (line) => logged.push(line) });
  });
  afterAll(() => stack.close());

  it('a verified payment sends one notice with the amount in CAD, the time, the shop and the order number, even when the call-back comes three times', async () => {
    stack.sandbox.faults.set({ duplicate: 3 });
    try {
      const orderId = await pay(stack, 2580, 387, true);
      await stack.sandbox.waitForDeliveries(orderId, (d) => d.some((c) => c.attempts.filter((a) => a.ok).length >= 3));
      const sent = messagesFor(stack, orderId);
      expect(sent).toHaveLength(1);
      expect(sent[0].body).toEqual({
        touser: PAYER,
        template_id: TEMPLATE,
        page: 'pages/history/index',
        data: {
          amount1: { value: '29.67 CAD' },
          time2: { value: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/) },
          thing3: { value: '枫叶咖啡' },
          character_string4: { value: orderId },
        },
      });
      const order = await stack.store.getOrder(orderId);
      expect(order).toMatchObject({ state: 'PAID', receiptDueAt: null, receiptSentAt: expect.any(String) });
      expect(order!.history.filter((h) => h.event === 'receipt.sent')).toHaveLength(1);
    } finally {
      stack.sandbox.faults.reset();
    }
  });

  it('nothing is sent to a payer who did not agree', async () => {
    const orderId = await pay(stack, 1000, 0, false);
    await stack.sandbox.waitForDeliveries(orderId, (d) => d.some((c) => c.state === 'delivered'));
    expect(messagesFor(stack, orderId)).toEqual([]);
  });

  it('a payment settled by the payer\'s query sends its notice too, once', async () => {
    stack.sandbox.faults.set({ drop: 'all' });
    try {
      const orderId = await pay(stack, 1500, 0, true);
      for (let i = 0; i < 3; i++) expect(await stack.call('queryPayment', { orderId }, PAYER)).toMatchObject({ ok: true, order: { state: 'PAID' } });
      expect(messagesFor(stack, orderId)).toHaveLength(1);
    } finally {
      stack.sandbox.faults.reset();
    }
  });

  it('a notice WeChat refuses (the payer turned notices off) is logged and not tried again; the payment is paid all the same', async () => {
    stack.openApi.switches.failNext = { count: 1, errcode: 43101, errmsg: 'user refuse to accept the msg' };
    const orderId = await pay(stack, 800, 0, true);
    await stack.sandbox.waitForDeliveries(orderId, (d) => d.some((c) => c.state === 'delivered' || c.state === 'failed'));
    const delivered = (await stack.sandbox.waitForDeliveries(orderId, (d) => d.some((c) => c.state === 'delivered'))).find((c) => c.state === 'delivered');
    expect(delivered?.attempts.at(-1)?.reply).toBe('SUCCESS');
    expect(messagesFor(stack, orderId).map((m) => m.errcode)).toEqual([43101]);
    const failures = logged.filter((line) => line.includes('"event":"receipt.failed"') && line.includes(orderId));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('errcode 43101: user refuse to accept the msg');
    expect(await stack.store.getOrder(orderId)).toMatchObject({ state: 'PAID', receiptDueAt: null });
  });
});

describe('no template configured', () => {
  it('asks nothing of WeChat, even when the page says the payer agreed', async () => {
    const stack = await startTestStack();
    try {
      const orderId = await pay(stack, 900, 0, true);
      await stack.sandbox.waitForDeliveries(orderId, (d) => d.some((c) => c.state === 'delivered'));
      expect(stack.openApi.messages).toEqual([]);
      expect((await stack.store.getOrder(orderId))?.receiptWanted).toBeUndefined();
    } finally {
      await stack.close();
    }
  });
});
