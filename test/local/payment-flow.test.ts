import type { CreatePaymentResult, WxPaymentParams } from '../../typings/payments';
import { eventually, newRequestId, OTHER_PAYER, PAYER, startTestStack, type TestStack } from './harness';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

function paymentOf(result: CreatePaymentResult): { orderId: string; payment: WxPaymentParams } {
  if (!result.ok) throw new Error(`createPayment failed: ${result.code} ${result.message}`);
  return result;
}

async function stateOf(orderId: string, openid = PAYER): Promise<string> {
  const result = await stack.call('queryPayment', { orderId }, openid);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.order.state;
}

describe('a payment through the local stack', () => {
  it('goes from createPayment through the wallet and the call-back to PAID', async () => {
    const created = paymentOf(await stack.call('createPayment', { amountCents: 1234, tipCents: 185, requestId: newRequestId() }, PAYER));
    expect(created.payment.package).toMatch(/^prepay_id=/);
    expect(created.payment.signType).toBe('MD5');
    expect(await stateOf(created.orderId)).toBe('PAYING');

    const sent = await stack.sandbox.transaction(created.orderId);
    expect(sent?.transaction).toMatchObject({ orderId: created.orderId, amount: 1234, tip: 185, openId: PAYER });

    const paid = await stack.wallet(created.payment, 'success');
    expect(paid.body.errMsg).toBe('requestPayment:ok');
    await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
    const result = await stack.call('queryPayment', { orderId: created.orderId }, PAYER);
    expect(result).toMatchObject({ ok: true, order: { state: 'PAID', amountCents: 1234, tipCents: 185, totalCents: 1419, refundedCents: 0 } });
    expect(result.ok && result.order.paidAt).toBeTruthy();
  });

  it('returns the same order and payment for the same requestId, and OTT Pay sees one order', async () => {
    const requestId = newRequestId('double-tap');
    const [first, second] = await Promise.all([
      stack.call('createPayment', { amountCents: 500, requestId }, PAYER),
      stack.call('createPayment', { amountCents: 500, requestId }, PAYER),
    ]);
    const third = await stack.call('createPayment', { amountCents: 500, requestId }, PAYER);
    const ids = [first, second, third].map((r) => r.orderId);
    expect(new Set(ids).size).toBe(1);
    const oks = [first, second, third].filter((r) => r.ok).map((r) => paymentOf(r).payment);
    expect(oks.length).toBeGreaterThanOrEqual(2);
    for (const payment of oks) expect(payment).toEqual(oks[0]);
    const transactions = await stack.sandbox.transactions();
    expect(transactions.filter((t) => t.orderId === ids[0])).toHaveLength(1);
  });

  it('refuses the same requestId with another amount', async () => {
    const requestId = newRequestId();
    paymentOf(await stack.call('createPayment', { amountCents: 700, requestId }, PAYER));
    const again = await stack.call('createPayment', { amountCents: 701, requestId }, PAYER);
    expect(again).toMatchObject({ ok: false, code: 'REQUEST_CONFLICT' });
  });

  it.each([
    [{ amountCents: 0 }, 'INVALID_AMOUNT'],
    [{ amountCents: -100 }, 'INVALID_AMOUNT'],
    [{ amountCents: 12.5 }, 'INVALID_AMOUNT'],
    [{ amountCents: '1000' }, 'INVALID_AMOUNT'],
    [{ amountCents: 1_000_001 }, 'INVALID_AMOUNT'],
    [{ amountCents: Number.NaN }, 'INVALID_AMOUNT'],
    [{}, 'INVALID_AMOUNT'],
    [{ amountCents: 100, tipCents: -1 }, 'INVALID_TIP'],
    [{ amountCents: 100, tipCents: 0.5 }, 'INVALID_TIP'],
    [{ amountCents: 100, requestId: 'short' }, 'INVALID_REQUEST'],
    [{ amountCents: 100, requestId: 'has spaces in it' }, 'INVALID_REQUEST'],
    [{ amountCents: 100, requestId: 12345678 }, 'INVALID_REQUEST'],
  ])('refuses %j with %s and writes nothing', async (event, code) => {
    const openid = `o-bad-input-${code}-${Math.random().toString(36).slice(2)}`;
    const before = (await stack.sandbox.transactions()).length;
    const result = await stack.call('createPayment', { requestId: newRequestId(), ...event }, openid);
    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? '' : result.message).toMatch(/amountCents|tipCents|requestId/);
    expect(await stack.call('listPayments', {}, openid)).toEqual({ ok: true, orders: [] });
    expect((await stack.sandbox.transactions()).length).toBe(before);
  });

  it('ignores an openid the client puts in the event: the caller comes from the context', async () => {
    const created = paymentOf(
      await stack.call('createPayment', { amountCents: 300, requestId: newRequestId(), userInfo: { openId: OTHER_PAYER }, openid: OTHER_PAYER }, PAYER),
    );
    expect(await stack.call('queryPayment', { orderId: created.orderId }, OTHER_PAYER)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await stateOf(created.orderId, PAYER)).toBe('PAYING');
  });

  it('lets nobody else read an order, and reads it exactly like a missing one', async () => {
    const created = paymentOf(await stack.call('createPayment', { amountCents: 999, requestId: newRequestId() }, PAYER));
    const foreign = await stack.call('queryPayment', { orderId: created.orderId }, OTHER_PAYER);
    const missing = await stack.call('queryPayment', { orderId: 'NOSUCHORDER0000000000000000' }, OTHER_PAYER);
    expect(foreign).toEqual(missing);
    expect(foreign).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('refuses a call without a caller, as from outside the mini-program', async () => {
    const reply = await stack.post(`${stack.runtime.url}/functions/queryPayment`, { orderId: 'X1' });
    expect(JSON.parse(reply.text).result).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('keeps a cancelled payment pending, and a failed one ends FAILED once OTT Pay says so', async () => {
    const cancelled = paymentOf(await stack.call('createPayment', { amountCents: 450, requestId: newRequestId() }, PAYER));
    expect((await stack.wallet(cancelled.payment, 'cancel')).body.errMsg).toBe('requestPayment:fail cancel');
    expect(await stateOf(cancelled.orderId)).toBe('PAYING');

    const failed = paymentOf(await stack.call('createPayment', { amountCents: 460, requestId: newRequestId() }, PAYER));
    await stack.wallet(failed.payment, 'fail');
    expect(await stateOf(failed.orderId)).toBe('FAILED');
  });

  it('refuses a wallet payment with a wrong paySign and leaves the order unpaid', async () => {
    const created = paymentOf(await stack.call('createPayment', { amountCents: 470, requestId: newRequestId() }, PAYER));
    const forged = { ...created.payment, paySign: created.payment.paySign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    const reply = await stack.wallet(forged, 'success');
    expect(reply.status).toBe(400);
    expect(await stateOf(created.orderId)).toBe('PAYING');
  });

  it('lists only the caller’s own payments, newest first, in pages', async () => {
    const openid = `o-lister-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(paymentOf(await stack.call('createPayment', { amountCents: 100 + i, requestId: newRequestId('list') }, openid)).orderId);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const first = await stack.call('listPayments', { pageSize: 2 }, openid);
    if (!first.ok) throw new Error(first.code);
    const second = await stack.call('listPayments', { pageSize: 2, cursor: first.nextCursor }, openid);
    if (!second.ok) throw new Error(second.code);
    const third = await stack.call('listPayments', { pageSize: 2, cursor: second.nextCursor }, openid);
    if (!third.ok) throw new Error(third.code);
    expect([...first.orders, ...second.orders, ...third.orders].map((o) => o.orderId)).toEqual([...ids].reverse());
    expect(third.nextCursor).toBeUndefined();
    expect(await stack.call('listPayments', { pageSize: 0 }, openid)).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(await stack.call('listPayments', { cursor: 'junk' }, openid)).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
  });

  it('gives the exchange rate from OTT Pay', async () => {
    expect(await stack.call('exchangeRate', {}, PAYER)).toMatchObject({ ok: true, currency: 'CAD', rateE8: 520_000_000 });
  });

  it('settles an order whose call-back is dropped when the payer looks at it', async () => {
    stack.sandbox.faults.set({ drop: 'all' });
    try {
      const created = paymentOf(await stack.call('createPayment', { amountCents: 2500, requestId: newRequestId() }, PAYER));
      await stack.wallet(created.payment, 'success');
      await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.length > 0);
      await eventually(async () => ((await stateOf(created.orderId)) === 'PAID' ? true : undefined), 5000, 'PAID');
    } finally {
      stack.sandbox.faults.reset();
    }
  });
});
