import type { CounterFeedResult, CounterPayment } from '../../typings/payments';
import { newRequestId, PAYER, STAFF, startTestStack, sweepByTimer, type TestStack } from './harness';

type Feed = Extract<CounterFeedResult, { ok: true }>;

async function feed(stack: TestStack, event: { after?: string; known?: string[] }, openid = STAFF): Promise<Feed> {
  const result = await stack.call('counterFeed', event, openid);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

async function created(stack: TestStack, amountCents: number, tipCents = 0) {
  const order = await stack.call('createPayment', { amountCents, tipCents, requestId: newRequestId('counter') }, PAYER);
  if (!order.ok) throw new Error(order.code);
  return order;
}

const ids = (payments: CounterPayment[]) => payments.map((p) => p.orderId);

describe('the counter feed: payments the product verified, for staff, each once', () => {
  let stack: TestStack;
  let cursor = '';
  const shown = new Set<string>();

  beforeAll(async () => {
    stack = await startTestStack({ env: { COUNTER_HOLD_MS: '3000', COUNTER_CHECK_MS: '200' } });
    const first = await feed(stack, {});
    cursor = first.cursor;
  });
  afterAll(() => stack.close());

  /** What a counter does: ask from its cursor, keep what is new. */
  async function next(): Promise<CounterPayment[]> {
    const answer = await feed(stack, { after: cursor, known: [...shown] });
    cursor = answer.cursor;
    const fresh = answer.payments.filter((p) => !shown.has(p.orderId));
    for (const p of fresh) shown.add(p.orderId);
    return fresh;
  }

  it('only staff hear money: a payer and a stranger are refused', async () => {
    expect(await stack.call('counterFeed', {}, PAYER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await stack.call('counterFeed', { after: 'yesterday' }, STAFF)).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(await stack.call('counterFeed', { known: ['x'.repeat(50)] }, STAFF)).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
  });

  it('a payment settled by call-back comes to a waiting counter, once, with its amount and tip and no payer', async () => {
    const order = await created(stack, 2580, 387);
    const waiting = next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stack.wallet(order.payment, 'success');
    const fresh = await waiting;
    expect(fresh).toEqual([{ orderId: order.orderId, amountCents: 2580, tipCents: 387, totalCents: 2967, currency: 'CAD', paidAt: expect.any(String), channel: 'MINIPROGRAM' }]);
    expect(JSON.stringify(fresh)).not.toContain(PAYER);
    expect(await next()).toEqual([]);
  });

  it('a payment settled by the payer\'s query, and one by the sweep, each come once', async () => {
    stack.sandbox.faults.set({ drop: 'all' });
    try {
      const byQuery = await created(stack, 1000);
      await stack.wallet(byQuery.payment, 'success');
      expect(await stack.call('queryPayment', { orderId: byQuery.orderId }, PAYER)).toMatchObject({ ok: true, order: { state: 'PAID' } });
      expect(ids(await next())).toEqual([byQuery.orderId]);

      const bySweep = await created(stack, 1200);
      await stack.wallet(bySweep.payment, 'success');
      await sweepByTimer(stack);
      expect(ids(await next())).toEqual([bySweep.orderId]);
    } finally {
      stack.sandbox.faults.reset();
    }
  });

  it('the wallet\'s "success" alone is never heard: the payment comes only once the product has verified it', async () => {
    stack.sandbox.faults.set({ drop: 'all' });
    try {
      const order = await created(stack, 4400);
      // the wallet says paid; OTT's call-back is lost and nobody has asked OTT yet
      expect(await stack.wallet(order.payment, 'success')).toMatchObject({ status: 200 });
      expect(await next()).toEqual([]);
      expect(await stack.call('queryPayment', { orderId: order.orderId }, PAYER)).toMatchObject({ ok: true, order: { state: 'PAID' } });
      expect(ids(await next())).toEqual([order.orderId]);
    } finally {
      stack.sandbox.faults.reset();
    }
  });

  it('a counter away for a while (dropped connection, phone locked) gets what came meanwhile, once', async () => {
    const away = cursor;
    const meanwhile: string[] = [];
    for (const cents of [500, 600, 700]) {
      const order = await created(stack, cents);
      await stack.wallet(order.payment, 'success');
      await stack.sandbox.waitForDeliveries(order.orderId, (d) => d.some((c) => c.state === 'delivered'));
      meanwhile.push(order.orderId);
    }
    cursor = away;
    expect(ids(await next())).toEqual(meanwhile);
    // asked again from the old cursor (an answer lost on the way): the same payments, which the counter already shows
    const again = await feed(stack, { after: away, known: [...shown] });
    expect(ids(again.payments)).toEqual(expect.arrayContaining(meanwhile));
    expect(again.payments.filter((p) => !shown.has(p.orderId))).toEqual([]);
  });

  it('three counters open at once each hear every payment', async () => {
    const counters = [0, 1, 2].map(() => ({ cursor, known: [...shown] }));
    const order = await created(stack, 1234);
    const waiting = counters.map((c) => feed(stack, { after: c.cursor, known: c.known }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stack.wallet(order.payment, 'success');
    for (const answer of await Promise.all(waiting)) expect(answer.payments.filter((p) => !shown.has(p.orderId)).map((p) => p.orderId)).toEqual([order.orderId]);
  });
});

describe('the counter feed when nothing comes', () => {
  it('holds each call until COUNTER_HOLD_MS, also just after a busy minute (the payments it already has do not wake it)', async () => {
    const stack = await startTestStack({ env: { COUNTER_HOLD_MS: '1500', COUNTER_CHECK_MS: '200' } });
    try {
      const shown: string[] = [];
      for (const cents of [300, 400, 500]) {
        const order = await created(stack, cents);
        await stack.wallet(order.payment, 'success');
        await stack.sandbox.waitForDeliveries(order.orderId, (d) => d.some((c) => c.state === 'delivered'));
        shown.push(order.orderId);
      }
      const first = await feed(stack, {});
      expect(ids(first.payments)).toEqual(shown);
      const started = Date.now();
      const idle = await feed(stack, { after: first.cursor, known: shown });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
      expect(idle.payments.filter((p) => !shown.includes(p.orderId))).toEqual([]);
    } finally {
      await stack.close();
    }
  }, 30_000);
});
