/**
 * Money stays exact under every reading of what OTT Pay's documents leave open: refunds OTT books
 * late, statuses in another case or outside the documented list, the tip inside or outside each
 * money figure, call-backs that settle by query, and REVIEW with a way out. Each test drives the
 * services over both stores against the in-memory acquirer read that way; its ledger is the truth.
 */
import { acceptReview, recordOttRefund, releaseRefund } from '../../../server/orders/review-exits';
import { changeContext, updateOrder } from '../../../server/payments/order-updates';
import { createPayment } from '../../../server/payments/create-payment';
import { merchantSummary } from '../../../server/payments/merchant-summary';
import { queryPayment } from '../../../server/payments/query-payment';
import { refund } from '../../../server/payments/refund';
import type { Order } from '../../../server/orders/model';
import { TIP_READINGS } from '../../../server/ottpay/tip-reading';
import { HOUR, isFailure, MINUTE, openHarness, SECOND, STAFF, STORE_KINDS, type Called, type Harness, type HarnessOptions } from './harness';

const AMOUNT = 1000;
const TIP = 200;
const TOTAL = AMOUNT + TIP;

function expectOk<R>(result: Called<R>): Exclude<R, { ok: false }> {
  if (isFailure(result)) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result as Exclude<R, { ok: false }>;
}

describe.each(STORE_KINDS)('every reading of OTT Pay over the %s store', (kind) => {
  let h: Harness;
  const open = async (options: HarnessOptions = {}): Promise<Harness> => {
    h = await openHarness(kind, options);
    return h;
  };
  afterEach(async () => {
    h?.acquirer.release();
    await h?.dispose();
  });

  async function created(requestId: string, amountCents = AMOUNT, tipCents = TIP): Promise<string> {
    return expectOk(await h.call(createPayment, { amountCents, tipCents, requestId })).orderId;
  }

  async function paid(requestId: string): Promise<string> {
    const orderId = await created(requestId);
    h.acquirer.pay(orderId);
    expect((await h.deliver(orderId)).statusCode).toBe(200);
    expect((await h.peek(orderId)).state).toBe('PAID');
    return orderId;
  }

  async function sweepFor(ms: number, every: number): Promise<Order[]> {
    for (let t = 0; t < ms; t += every) {
      h.clock.advance(every);
      await h.sweep();
    }
    return h.allOrders();
  }

  describe('a refund OTT holds but shows only later', () => {
    const late: HarnessOptions = { env: { REFUND_CHECK_AFTER_MS: '0' }, readings: { refundBookingDelayMs: 3 * HOUR } };

    it('is never failed or released, however often it is checked or re-sent, and succeeds once refund_fee shows it', async () => {
      await open(late);
      const orderId = await paid('late-refund-0001');
      // OTT books it, but its answer is lost.
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: true });
      const first = expectOk(await h.call(refund, { orderId, amountCents: 500, requestId: 'late-refund-r1' }, STAFF));
      expect(first.refund.state).toBe('PENDING');

      await sweepFor(2 * HOUR, 5 * MINUTE);
      const waiting = await h.peek(orderId);
      expect(waiting.refunds[0]).toMatchObject({ state: 'PENDING', acknowledged: 'ORDER_USED' });
      expect(waiting).toMatchObject({ reservedRefundCents: 500, refundedCents: 0 });
      expect(waiting.nextCheckAt).not.toBeNull();
      // Re-sent once (answered ORDER_USED: OTT has it), then only asked about.
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(2);

      await sweepFor(2 * HOUR, 30 * MINUTE);
      const done = await h.peek(orderId);
      expect(done.refunds[0]).toMatchObject({ state: 'SUCCEEDED' });
      expect(done).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedCents: 500, reservedRefundCents: 500 });
      expect(h.acquirer.refundedCents([orderId])).toBe(500);
    });

    it('four staff taps while it waits refund nothing more: each is told which refund is open and since when', async () => {
      await open(late);
      const orderId = await paid('late-refund-0002');
      const first = expectOk(await h.call(refund, { orderId, amountCents: 500, requestId: 'late-refund-t0' }, STAFF));
      expect(first.refund.state).toBe('PENDING');
      for (let tap = 1; tap <= 4; tap += 1) {
        h.clock.advance(MINUTE);
        const answer = await h.call(refund, { orderId, amountCents: 500, requestId: `late-refund-t${tap}` }, STAFF);
        expect(answer).toMatchObject({ ok: false, code: 'REFUND_OPEN', openRefund: { refundId: first.refund.refundId, state: 'PENDING', createdAt: first.refund.createdAt } });
      }
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(1);
      expect(h.acquirer.refundedCents([orderId])).toBe(500);
      const order = await h.peek(orderId);
      expect(order.refunds).toHaveLength(1);
      expect(order.reservedRefundCents).toBe(500);
    });

    it('a retry from a fresh page after "service unavailable" shows the recorded refund instead of opening a second', async () => {
      await open({ env: { REFUND_CHECK_AFTER_MS: '0' } });
      const orderId = await paid('late-refund-0003');
      // The write that records the refund lands, but its reply is lost: staff see SERVICE_UNAVAILABLE.
      h.backend.failNext(1, { ops: ['update'], afterWrite: true });
      const first = await h.call(refund, { orderId, amountCents: 500, requestId: 'fresh-page-r1' }, STAFF);
      expect(first).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
      h.clock.advance(h.inFlightMs);
      const retry = await h.call(refund, { orderId, amountCents: 500, requestId: 'fresh-page-r2' }, STAFF);
      expect(retry).toMatchObject({ ok: false, code: 'REFUND_OPEN', openRefund: { amountCents: 500 } });
      await sweepFor(10 * MINUTE, MINUTE);
      const order = await h.peek(orderId);
      expect(order.refunds.map((r) => r.state)).toEqual(['SUCCEEDED']);
      expect(h.acquirer.refundedCents([orderId])).toBe(500);
      expect(new Set(h.acquirer.callsOf('REFUND').map((c) => c.orderId)).size).toBe(1);
    });
  });

  describe('order_status', () => {
    it('in upper case: a paid order whose call-back was lost is PAID, never CLOSED', async () => {
      await open({ readings: { statusCase: 'upper' } });
      const orderId = await created('upper-status-001');
      h.acquirer.pay(orderId);
      await sweepFor(3 * HOUR, 10 * MINUTE);
      expect(await h.peek(orderId)).toMatchObject({ state: 'PAID' });
    });

    it('in upper case: an unpaid order closes once its details expire', async () => {
      await open({ readings: { statusCase: 'upper' } });
      const orderId = await created('upper-status-002');
      await sweepFor(3 * HOUR, 10 * MINUTE);
      expect(await h.peek(orderId)).toMatchObject({ state: 'CLOSED' });
    });

    it('outside the documented list: the attempt stays live, the order goes to REVIEW (unknown_status) with the word shown, and a later payment is still found', async () => {
      await open({ readings: { undocumentedStatus: 'USERPAYING' } });
      const orderId = await created('undocumented-001');
      await sweepFor(4 * HOUR, 10 * MINUTE);
      const review = await h.peek(orderId);
      expect(review).toMatchObject({ state: 'REVIEW', reviewKind: 'unknown_status', reviewReason: expect.stringContaining('USERPAYING') });
      expect(review.attempts[0]).toMatchObject({ state: 'ISSUED', lastUnknownStatus: 'USERPAYING' });
      expect(review.nextCheckAt).not.toBeNull();

      // the payer tapping Pay again gets the same details back, not "start a new payment"
      const again = expectOk(await h.call(createPayment, { amountCents: AMOUNT, tipCents: TIP, requestId: 'undocumented-001' }));
      expect(again.orderId).toBe(orderId);
      expect((await h.peek(orderId)).attempts).toHaveLength(1);

      h.acquirer.pay(orderId);
      await sweepFor(HOUR, 30 * MINUTE);
      expect(await h.peek(orderId)).toMatchObject({ state: 'PAID' });
      expect(h.acquirer.chargedCents()).toBe(TOTAL);
    });

    it('outside the documented list: an attempt nobody received details for is settled as lost, so the payer can try again', async () => {
      await open({ readings: { undocumentedStatus: 'USERPAYING' } });
      h.acquirer.inject('MAPPPAY', { kind: 'unknown', processed: true });
      const first = await h.call(createPayment, { amountCents: AMOUNT, tipCents: TIP, requestId: 'undocumented-002' });
      expect(first).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
      const orderId = (first as { orderId: string }).orderId;
      await sweepFor(10 * MINUTE, 5 * MINUTE);
      expect(h.acquirer.callsOf('STATUS_QUERY').length).toBeGreaterThanOrEqual(1);
      expect(await h.peek(orderId)).toMatchObject({ state: 'CREATED', attempts: [{ state: 'NOT_PAID', outcome: 'lost' }] });
      const retry = expectOk(await h.call(createPayment, { amountCents: AMOUNT, tipCents: TIP, requestId: 'undocumented-002' }));
      expect(retry.orderId).toBe(orderId);
      expect((await h.peek(orderId)).attempts.map((a) => a.state)).toEqual(['NOT_PAID', 'ISSUED']);
    });
  });

  it('an order whose first answer was lost is settled by the sweep, then closed, even if the payer never comes back', async () => {
    await open();
    h.acquirer.inject('MAPPPAY', { kind: 'unknown', processed: false });
    const first = await h.call(createPayment, { amountCents: AMOUNT, tipCents: TIP, requestId: 'never-back-0001' });
    expect(first).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
    await sweepFor(10 * MINUTE, 5 * MINUTE);
    const orderId = (first as { orderId: string }).orderId;
    expect(await h.peek(orderId)).toMatchObject({ state: 'CREATED', attempts: [{ state: 'NOT_PAID', outcome: 'lost' }] });
    await sweepFor(3 * HOUR, 30 * MINUTE);
    expect(await h.peek(orderId)).toMatchObject({ state: 'CLOSED', nextCheckAt: null });
  });

  describe('CALLBACK_SETTLES=query', () => {
    it('money on an attempt already NOT_PAID is not dropped: the order goes to REVIEW', async () => {
      await open({ env: { CALLBACK_SETTLES: 'query' } });
      const orderId = await created('query-mode-0001');
      h.clock.advance(h.platform.settings.prepayValidityMs + MINUTE);
      await h.sweep();
      expect(await h.peek(orderId)).toMatchObject({ state: 'CLOSED' });

      h.acquirer.pay(orderId);
      expect((await h.deliver(orderId)).statusCode).toBe(200);
      const order = await h.peek(orderId);
      expect(order).toMatchObject({ state: 'REVIEW', reviewKind: 'paid_after_end' });
      expect(order.attempts[0]).toMatchObject({ state: 'PAID', paidCents: TOTAL });
    });
  });

  describe.each(TIP_READINGS)('the tip read as %s', (reading) => {
    const options: HarnessOptions = { env: { OTT_TIP_READING: reading }, readings: { tip: reading } };

    it('makes the same payment PAID by call-back and by query, and counts what the payer paid', async () => {
      await open(options);
      const byCallback = await paid(`tip-${reading}-cb`);
      const byQuery = await created(`tip-${reading}-q`);
      h.acquirer.pay(byQuery);
      h.clock.advance(10 * SECOND);
      expect(expectOk(await h.call(queryPayment, { orderId: byQuery })).order.state).toBe('PAID');
      for (const orderId of [byCallback, byQuery]) expect((await h.peek(orderId)).attempts[0]).toMatchObject({ state: 'PAID', paidCents: TOTAL, moneyAgrees: true });
      const summary = expectOk(await h.call(merchantSummary, {}, STAFF));
      expect(summary.today).toMatchObject({ paidCount: 2, grossCents: 2 * TOTAL, reviewCount: 0 });
    });

    it('sends a payment to REVIEW, never PAID, when OTT reads the tip another way than the setting', async () => {
      const other = TIP_READINGS.find((r) => r !== reading && (r === 'in-both') !== (reading === 'in-both'))!;
      await open({ env: { OTT_TIP_READING: reading }, readings: { tip: other } });
      const orderId = await created(`tip-${reading}-x`);
      h.acquirer.pay(orderId);
      await h.deliver(orderId);
      const order = await h.peek(orderId);
      expect(order).toMatchObject({ state: 'REVIEW', reviewKind: 'money_mismatch' });
      const summary = expectOk(await h.call(merchantSummary, {}, STAFF));
      expect(summary.today).toMatchObject({ paidCount: 0, grossCents: 0, reviewCount: 1 });
    });
  });

  describe('ways out of REVIEW, each in the history with who and why', () => {
    const who = { by: 'owner', why: 'checked in the merchant center' };

    it('accepts a payment OTT took after the order was given up: counted as paid from then on', async () => {
      await open();
      const orderId = await created('exit-accept-0001');
      h.clock.advance(h.platform.settings.prepayValidityMs + MINUTE);
      await h.sweep();
      h.acquirer.pay(orderId);
      await h.deliver(orderId);
      expect(await h.peek(orderId)).toMatchObject({ state: 'REVIEW', reviewKind: 'paid_after_end' });

      const { order } = await updateOrder(h.platform, orderId, 'ops', (o, ctx) => {
        const result = acceptReview(o, who, ctx);
        if ('refused' in result) throw new Error(result.refused);
        return result;
      });
      expect(order).toMatchObject({ state: 'PAID' });
      expect(order.history[order.history.length - 2]).toMatchObject({ event: 'resolved', cause: 'ops', detail: { action: 'accept', by: 'owner', why: who.why } });
      expect(expectOk(await h.call(merchantSummary, {}, STAFF)).today).toMatchObject({ paidCount: 1, grossCents: TOTAL, reviewCount: 0 });
    });

    it('records a refund made in the merchant center, so the ledger equals OTT and the review ends', async () => {
      await open();
      const orderId = await paid('exit-record-0001');
      // The merchant refunds 300 in OTT's merchant center; the product finds a refund_fee it cannot explain.
      h.acquirer.bookRefund(orderId, 300);
      expectOk(await h.call(refund, { orderId, amountCents: 100, requestId: 'exit-record-r1' }, STAFF));
      expect(await h.peek(orderId)).toMatchObject({ state: 'REVIEW', reviewKind: 'refund_mismatch' });

      const fee = h.acquirer.refundedCents([orderId]);
      const { order } = await updateOrder(h.platform, orderId, 'ops', (o, ctx) => {
        const result = recordOttRefund(o, { refundId: 'MERCHANTCENTER1', oriOrderId: orderId, amountCents: 300, refundFeeCents: fee }, who, ctx);
        if ('refused' in result) throw new Error(result.refused);
        return result;
      });
      expect(order.refundedCents + (order.refunds.find((r) => r.state === 'PENDING')?.amountCents ?? 0)).toBeGreaterThanOrEqual(fee);
      expect(order.state).not.toBe('REVIEW');
      const refunded = order.refunds.filter((r) => r.state === 'SUCCEEDED').reduce((s, r) => s + r.amountCents, 0);
      expect(refunded).toBe(fee);
    });

    it('releases a refund OTT never booked only once OTT confirms it, and never one OTT acknowledged', async () => {
      await open({ env: { REFUND_CHECK_AFTER_MS: '0' } });
      const orderId = await paid('exit-release-001');
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: false }, { times: Infinity });
      expectOk(await h.call(refund, { orderId, amountCents: 400, requestId: 'exit-release-r1' }, STAFF));
      const fee = h.acquirer.refundedCents([orderId]);
      const ctx = changeContext(h.platform, 'ops');
      const released = releaseRefund(await h.peek(orderId), fee, who, ctx);
      if ('refused' in released) throw new Error(released.refused);
      expect(released).toMatchObject({ reservedRefundCents: 0, refunds: [expect.objectContaining({ state: 'FAILED', failureCode: 'RELEASED' })] });
      expect(releaseRefund(await h.peek(orderId), fee + 400, who, ctx)).toMatchObject({ refused: expect.any(String) });
      const acknowledged = { ...(await h.peek(orderId)) };
      acknowledged.refunds = acknowledged.refunds.map((r) => ({ ...r, acknowledged: 'ORDER_USED' as const }));
      expect(releaseRefund(acknowledged, fee, who, ctx)).toMatchObject({ refused: expect.stringContaining('holds the refund') });
    });
  });
});
