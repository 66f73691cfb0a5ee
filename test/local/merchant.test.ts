import { newRequestId, PAYER, STAFF, startTestStack, type TestStack, sweepByTimer } from './harness';

/** OTT_TIMEOUT_MS (500 here) plus the margin: a refund sent longer ago than this is no longer on its way. */
const IN_FLIGHT_MS = 2_600;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { OTT_TIMEOUT_MS: '500', REFUND_CHECK_AFTER_MS: '0', QUERY_THROTTLE_MS: '0' } });
});
afterAll(() => stack.close());

async function paidOrder(amountCents: number, tipCents = 0): Promise<string> {
  const created = await stack.call('createPayment', { amountCents, tipCents, requestId: newRequestId('paid') }, PAYER);
  if (!created.ok) throw new Error(created.code);
  await stack.wallet(created.payment, 'success');
  await stack.sandbox.waitForDeliveries(created.orderId, (d) => d.some((c) => c.state === 'delivered'));
  return created.orderId;
}

async function order(orderId: string) {
  const result = await stack.call('queryPayment', { orderId }, PAYER);
  if (!result.ok) throw new Error(result.code);
  return result.order;
}

describe('refunds', () => {
  it('are for staff only', async () => {
    const orderId = await paidOrder(1000);
    const result = await stack.call('refund', { orderId, amountCents: 100, requestId: newRequestId('rf') }, PAYER);
    expect(result).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await order(orderId)).refundedCents).toBe(0);
    expect((await stack.sandbox.transaction(orderId))?.refunds).toHaveLength(0);
  });

  it('refund partially, then fully, and never more than was paid', async () => {
    const orderId = await paidOrder(1000, 150);
    const partial = await stack.call('refund', { orderId, amountCents: 400, requestId: newRequestId('rf') }, STAFF);
    expect(partial).toMatchObject({ ok: true, refund: { state: 'SUCCEEDED', amountCents: 400 }, order: { state: 'PARTIALLY_REFUNDED', refundedCents: 400 } });

    const tooMuch = await stack.call('refund', { orderId, amountCents: 751, requestId: newRequestId('rf') }, STAFF);
    expect(tooMuch).toMatchObject({ ok: false, code: 'REFUND_TOO_LARGE' });

    const rest = await stack.call('refund', { orderId, amountCents: 750, requestId: newRequestId('rf') }, STAFF);
    expect(rest).toMatchObject({ ok: true, refund: { state: 'SUCCEEDED' }, order: { state: 'REFUNDED', refundedCents: 1150 } });

    const more = await stack.call('refund', { orderId, amountCents: 1, requestId: newRequestId('rf') }, STAFF);
    expect(more).toMatchObject({ ok: false, code: 'NOT_REFUNDABLE' });
    const booked = (await stack.sandbox.transaction(orderId))?.refunds ?? [];
    expect(booked.reduce((sum, r) => sum + (r as { amount: number }).amount, 0)).toBe(1150);
  });

  it('are idempotent per request', async () => {
    const orderId = await paidOrder(800);
    const requestId = newRequestId('rf');
    const [a, b] = await Promise.all([
      stack.call('refund', { orderId, amountCents: 300, requestId }, STAFF),
      stack.call('refund', { orderId, amountCents: 300, requestId }, STAFF),
    ]);
    expect(a.ok && b.ok && a.refund.refundId === b.refund.refundId).toBe(true);
    expect((await order(orderId)).refundedCents).toBe(300);
    expect((await stack.sandbox.transaction(orderId))?.refunds).toHaveLength(1);
  });

  it('50 concurrent refunds of one order: never more than was paid, nothing sent unreserved, the ledger equals OTT’s', async () => {
    const orderId = await paidOrder(1000);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => stack.call('refund', { orderId, amountCents: 300, requestId: newRequestId('rf') }, STAFF)),
    );
    const accepted = results.filter((r) => r.ok);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(3);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && ['REFUND_TOO_LARGE', 'BUSY', 'REFUND_OPEN'].includes(r.code))).toBe(true);
    const final = await order(orderId);
    const booked = (await stack.sandbox.transaction(orderId))!;
    expect(booked.refunds).toHaveLength(accepted.length);
    expect(final.refundedCents).toBe(booked.transaction.refunded);
    expect(final.refundedCents).toBe(accepted.length * 300);
  });

  it('refuses unpaid orders, unknown orders and bad amounts', async () => {
    const created = await stack.call('createPayment', { amountCents: 500, requestId: newRequestId() }, PAYER);
    if (!created.ok) throw new Error(created.code);
    expect(await stack.call('refund', { orderId: created.orderId, amountCents: 100, requestId: newRequestId('rf') }, STAFF)).toMatchObject({ ok: false, code: 'NOT_REFUNDABLE' });
    expect(await stack.call('refund', { orderId: 'NOSUCHORDER', amountCents: 100, requestId: newRequestId('rf') }, STAFF)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    for (const amountCents of [0, -5, 1.5, '100']) {
      expect(await stack.call('refund', { orderId: created.orderId, amountCents, requestId: newRequestId('rf') }, STAFF)).toMatchObject({ ok: false, code: 'INVALID_AMOUNT' });
    }
  });

  it.each([false, true])(
    'stays pending when OTT Pay’s answer is unknown (booked by OTT: %s), blocks other refunds meanwhile, and is settled by the sweep',
    async (afterProcessing) => {
      const orderId = await paidOrder(900);
      stack.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['REFUND'], times: 1, afterProcessing } });
      const result = await stack.call('refund', { orderId, amountCents: 200, requestId: newRequestId('rf') }, STAFF);
      stack.sandbox.faults.reset();
      expect(result).toMatchObject({ ok: true, refund: { state: 'PENDING' }, order: { refundedCents: 0 } });
      expect(await stack.call('refund', { orderId, amountCents: 100, requestId: newRequestId('rf') }, STAFF)).toMatchObject({ ok: false, code: 'REFUND_OPEN', openRefund: { state: 'PENDING', amountCents: 200 } });

      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_MS));
      await sweepByTimer(stack);
      expect(await order(orderId)).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedCents: 200 });
      const booked = (await stack.sandbox.transaction(orderId))!;
      expect(booked.refunds.map((r) => r.amount)).toEqual([200]);
      expect(await stack.call('refund', { orderId, amountCents: 700, requestId: newRequestId('rf') }, STAFF)).toMatchObject({
        ok: true,
        refund: { state: 'SUCCEEDED' },
        order: { state: 'REFUNDED', refundedCents: 900 },
      });
    },
    10_000,
  );

  it('a new refund request first settles the open one and shows it', async () => {
    const orderId = await paidOrder(600);
    stack.sandbox.faults.set({ response: { mode: 'TIMEOUT', actions: ['REFUND'], times: 1, afterProcessing: true, replyAfterMs: null } });
    const first = await stack.call('refund', { orderId, amountCents: 250, requestId: newRequestId('rf') }, STAFF);
    expect(first).toMatchObject({ ok: true, refund: { state: 'PENDING' } });
    await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_MS));
    const requestId = newRequestId('rf');
    // The request settles the open refund first and shows it, so staff see it before refunding more.
    expect(await stack.call('refund', { orderId, amountCents: 350, requestId }, STAFF)).toMatchObject({ ok: false, code: 'REFUND_OPEN', openRefund: { state: 'SUCCEEDED', amountCents: 250 } });
    const second = await stack.call('refund', { orderId, amountCents: 350, requestId }, STAFF);
    expect(second).toMatchObject({ ok: true, refund: { state: 'SUCCEEDED' }, order: { state: 'REFUNDED', refundedCents: 600 } });
  }, 10_000);
});

describe('merchant view', () => {
  it('shows today’s takings to staff only', async () => {
    expect(await stack.call('merchantSummary', {}, PAYER)).toMatchObject({ ok: false, code: 'FORBIDDEN', userId: PAYER });
    const before = await stack.call('merchantSummary', {}, STAFF);
    if (!before.ok) throw new Error(before.code);
    const orderId = await paidOrder(2500, 500);
    const after = await stack.call('merchantSummary', {}, STAFF);
    if (!after.ok) throw new Error(after.code);
    expect(after.today.paidCount).toBe(before.today.paidCount + 1);
    expect(after.today.grossCents).toBe(before.today.grossCents + 3000);
    expect(after.today.netCents).toBe(after.today.grossCents - after.today.refundedCents);
    expect(after.recent[0].orderId).toBe(orderId);
  });

  it('collects by QR code: staff get a QR, a customer scans and pays, the order turns PAID', async () => {
    expect(await stack.call('collectByQr', { amountCents: 1200, requestId: newRequestId('qr') }, PAYER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const qr = await stack.call('collectByQr', { amountCents: 1200, requestId: newRequestId('qr') }, STAFF);
    if (!qr.ok) throw new Error(qr.code);
    expect(qr.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(qr.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(qr.order).toMatchObject({ state: 'PAYING', channel: 'QR', amountCents: 1200 });

    const scan = await stack.post(`${stack.sandbox.url}/sandbox/wallet/scan`, { codeUrl: qr.codeUrl, outcome: 'success', openid: 'o-customer' });
    expect(scan.status).toBe(200);
    await stack.sandbox.waitForDeliveries(qr.order.orderId, (d) => d.some((c) => c.state === 'delivered'));
    expect(await stack.call('queryPayment', { orderId: qr.order.orderId }, STAFF)).toMatchObject({ ok: true, order: { state: 'PAID' } });
  });
});
