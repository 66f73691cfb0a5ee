/**
 * What the payment functions promise, whatever OTT Pay and the store do: each test drives the
 * services (createPayment, collectByQr, paymentCallback, queryPayment, refund, sweep) over both
 * store adapters against the fake acquirer, whose ledger is the truth the orders must agree with.
 */
import type { CreatePaymentResult, RefundResult } from '../../../typings/payments';

// Rendering a QR code PNG takes about a second per call under jest; these tests are about the
// money, not the picture.
jest.mock('qrcode', () => {
  const toDataURL = async (text: string) => `data:image/png;base64,${Buffer.from(text).toString('base64')}`;
  return { __esModule: true, toDataURL, default: { toDataURL } };
});
import { issueAttempt, newOrder, startAttempt } from '../../../server/orders/attempts';
import { historyProblems } from '../../../server/orders/history';
import { attemptIdFor, openRefund, orderIdFor, orderIdOfAttempt, type Order } from '../../../server/orders/model';
import { collectByQr } from '../../../server/payments/collect-by-qr';
import { createPayment } from '../../../server/payments/create-payment';
import { merchantSummary } from '../../../server/payments/merchant-summary';
import { finishWrite } from '../../../server/payments/order-updates';
import { queryPayment } from '../../../server/payments/query-payment';
import { refund } from '../../../server/payments/refund';
import { CONCURRENCY, type SweepReport } from '../../../server/payments/sweep';
import type { Fault } from './fake-acquirer';
import {
  HOUR,
  isFailure,
  MINUTE,
  openHarness,
  PAYER,
  SECOND,
  STAFF,
  STORE_KINDS,
  type Called,
  type Harness,
  type HarnessOptions,
} from './harness';

const AMOUNT = 1000;
const TIP = 200;
const TOTAL = AMOUNT + TIP;

const paymentEvent = (requestId: string, amountCents = AMOUNT, tipCents = TIP) => ({ amountCents, tipCents, requestId });

function expectOk<R>(result: Called<R>): Exclude<R, { ok: false }> {
  if (isFailure(result)) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result as Exclude<R, { ok: false }>;
}

function codeOf<R>(result: Called<R>): string {
  return isFailure(result) ? result.code : 'OK';
}

function countEvents(order: Order, event: string, key?: { attempt?: string; refundId?: string }): number {
  return order.history.filter((e) => e.event === event && (key?.attempt === undefined || e.attempt === key.attempt) && (key?.refundId === undefined || e.refundId === key.refundId)).length;
}

/** Waits (real time) until `condition` holds. */
async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe.each(STORE_KINDS)('payment invariants over the %s store', (kind) => {
  let h: Harness;
  const open = async (options: HarnessOptions = {}): Promise<Harness> => {
    h = await openHarness(kind, options);
    return h;
  };

  afterEach(async () => {
    if (!h) return;
    try {
      h.acquirer.release();
      // Whatever happened in the test, no order holds a change its history does not account for.
      for (const order of await h.allOrders()) expect({ orderId: order.orderId, problems: historyProblems(order) }).toEqual({ orderId: order.orderId, problems: [] });
    } finally {
      await h.dispose();
    }
  });

  /** Moves the clock by `stepMs` and sweeps, until `done` holds for the order (at most `maxRuns` times). */
  async function sweepUntil(orderId: string, done: (order: Order) => boolean, stepMs = 31 * MINUTE, maxRuns = 10): Promise<Order> {
    for (let run = 0; run < maxRuns; run += 1) {
      h.clock.advance(stepMs);
      await h.sweep();
      const order = await h.peek(orderId);
      if (done(order)) return order;
    }
    throw new Error(`order ${orderId} did not settle in ${maxRuns} sweeps`);
  }

  /** A payment the payer completed: created, paid in the wallet, its call-back applied. */
  async function paidOrder(requestId: string, amountCents = AMOUNT, tipCents = TIP): Promise<string> {
    const created = expectOk(await h.call(createPayment, paymentEvent(requestId, amountCents, tipCents)));
    h.acquirer.pay(created.orderId);
    expect((await h.deliver(created.orderId)).statusCode).toBe(200);
    expect((await h.peek(created.orderId)).state).toBe('PAID');
    return created.orderId;
  }

  const LOST_ANSWERS: [string, Fault, string][] = [
    ['OTT Pay never received the request', { kind: 'unknown', processed: false }, 'PAYMENT_PENDING'],
    ['OTT Pay processed it but its answer was lost', { kind: 'unknown', processed: true }, 'PAYMENT_PENDING'],
    ['the function died after OTT Pay processed it', { kind: 'throw', processed: true }, 'CRASHED'],
  ];

  describe('a lost answer to the payment request', () => {
    it.each(LOST_ANSWERS)('MAPPPAY (%s): the retry pays under attempt 2, the payer is charged once and attempt 1 is settled as not paid', async (_why, fault, firstCode) => {
      await open();
      const requestId = 'lost-answer-0001';
      const orderId = orderIdFor(PAYER.openid, requestId);
      const attempt2 = attemptIdFor(orderId, 2);
      const storedWhenAsked: Order[] = [];
      h.acquirer.onCall = async (call) => {
        if (call.action === 'MAPPPAY') storedWhenAsked.push(await h.peek(orderIdOfAttempt(call.orderId)));
      };
      h.acquirer.inject('MAPPPAY', fault);

      expect(await h.call(createPayment, paymentEvent(requestId))).toMatchObject({ ok: false, code: firstCode });
      // The order and its first attempt were written before OTT Pay was asked.
      expect(storedWhenAsked[0].attempts).toEqual([expect.objectContaining({ ottOrderId: orderId, state: 'STARTED' })]);
      expect(countEvents(storedWhenAsked[0], 'attempt.started', { attempt: orderId })).toBe(1);

      h.clock.advance(h.inFlightMs - SECOND);
      expect(await h.call(createPayment, paymentEvent(requestId))).toMatchObject({ ok: false, code: 'PAYMENT_PENDING', orderId });
      expect(h.acquirer.callsOf('MAPPPAY')).toHaveLength(1);

      h.clock.advance(SECOND);
      const retried = expectOk(await h.call(createPayment, paymentEvent(requestId)));
      expect(retried.orderId).toBe(orderId);
      expect(retried.payment.package).toBe(`prepay_id=wx${attempt2}`);
      expect(h.acquirer.callsOf('MAPPPAY').map((c) => c.orderId)).toEqual([orderId, attempt2]);
      expect(storedWhenAsked[1].attempts.map((a) => [a.ottOrderId, a.state])).toEqual([
        [orderId, 'STARTED'],
        [attempt2, 'STARTED'],
      ]);

      h.acquirer.pay(attempt2);
      expect(await h.deliver(attempt2)).toMatchObject({ statusCode: 200 });
      expect((await h.peek(orderId)).state).toBe('PAID');

      h.clock.advance(10 * MINUTE);
      await h.sweep();
      const settled = await h.peek(orderId);
      expect(settled.state).toBe('PAID');
      expect(settled.attempts.map((a) => [a.ottOrderId, a.state, a.outcome])).toEqual([
        [orderId, 'NOT_PAID', 'lost'],
        [attempt2, 'PAID', undefined],
      ]);
      expect(settled.nextCheckAt).toBeNull();
      expect(h.acquirer.chargedCents()).toBe(TOTAL);
      expect(historyProblems(settled)).toEqual([]);
    });

    it.each(LOST_ANSWERS)('ACTIVEPAY for a QR code (%s): the retry shows attempt 2, the customer is charged once and attempt 1 is settled as not paid', async (_why, fault, firstCode) => {
      await open();
      const requestId = 'qr-lost-answer-01';
      const orderId = orderIdFor(STAFF.openid, requestId);
      const attempt2 = attemptIdFor(orderId, 2);
      const storedWhenAsked: Order[] = [];
      h.acquirer.onCall = async (call) => {
        if (call.action === 'ACTIVEPAY') storedWhenAsked.push(await h.peek(orderIdOfAttempt(call.orderId)));
      };
      h.acquirer.inject('ACTIVEPAY', fault);

      expect(await h.call(collectByQr, { amountCents: AMOUNT, requestId }, STAFF)).toMatchObject({ ok: false, code: firstCode });
      expect(storedWhenAsked[0].attempts).toEqual([expect.objectContaining({ ottOrderId: orderId, state: 'STARTED' })]);

      h.clock.advance(h.inFlightMs - SECOND);
      expect(await h.call(collectByQr, { amountCents: AMOUNT, requestId }, STAFF)).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
      expect(h.acquirer.callsOf('ACTIVEPAY')).toHaveLength(1);

      h.clock.advance(SECOND);
      const shown = expectOk(await h.call(collectByQr, { amountCents: AMOUNT, requestId }, STAFF));
      expect(shown.codeUrl).toBe(`weixin://wxpay/bizpayurl?pr=${attempt2}`);
      expect(shown.qrDataUrl).toMatch(/^data:image\/png;base64,/);

      h.acquirer.pay(attempt2);
      expect(await h.deliver(attempt2)).toMatchObject({ statusCode: 200 });
      h.clock.advance(10 * MINUTE);
      await h.sweep();
      const settled = await h.peek(orderId);
      expect(settled.state).toBe('PAID');
      expect(settled.attempts.map((a) => [a.state, a.outcome])).toEqual([
        ['NOT_PAID', 'lost'],
        ['PAID', undefined],
      ]);
      expect(h.acquirer.chargedCents()).toBe(AMOUNT);
      expect(historyProblems(settled)).toEqual([]);
    });

    it('refuses anyone but staff to collect by QR, without writing or asking OTT Pay', async () => {
      await open();
      expect(await h.call(collectByQr, { amountCents: AMOUNT, requestId: 'qr-by-payer-01' }, PAYER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(h.acquirer.calls).toHaveLength(0);
      expect(await h.allOrders()).toHaveLength(0);
    });
  });

  describe('money taken on two attempts', () => {
    /** Attempt 1's answer lost after OTT processed it; attempt 2 paid by the payer. */
    async function paidOnSecondAttempt(requestId: string): Promise<{ orderId: string; attempt2: string }> {
      const orderId = orderIdFor(PAYER.openid, requestId);
      h.acquirer.inject('MAPPPAY', { kind: 'unknown', processed: true });
      expect(await h.call(createPayment, paymentEvent(requestId))).toMatchObject({ ok: false, code: 'PAYMENT_PENDING' });
      h.clock.advance(h.inFlightMs);
      expectOk(await h.call(createPayment, paymentEvent(requestId)));
      const attempt2 = attemptIdFor(orderId, 2);
      h.acquirer.pay(attempt2);
      expect((await h.deliver(attempt2)).statusCode).toBe(200);
      return { orderId, attempt2 };
    }

    it('sends the order to REVIEW as a double charge when the sweep finds attempt 1 paid too, and never counts it twice', async () => {
      await open();
      const { orderId, attempt2 } = await paidOnSecondAttempt('double-0000001');
      h.acquirer.pay(orderId);

      h.clock.advance(10 * MINUTE);
      await h.sweep();
      const order = await h.peek(orderId);
      expect(order.state).toBe('REVIEW');
      expect(order.reviewKind).toBe('double_charge');
      expect(order.attempts.map((a) => [a.ottOrderId, a.state, a.paidCents])).toEqual([
        [orderId, 'PAID', TOTAL],
        [attempt2, 'PAID', TOTAL],
      ]);
      expect(h.acquirer.chargedCents()).toBe(2 * TOTAL);

      // Call-backs for both attempts arriving again change nothing.
      expect((await h.deliver(orderId)).statusCode).toBe(200);
      expect((await h.deliver(attempt2)).statusCode).toBe(200);
      const after = await h.peek(orderId);
      expect(after.version).toBe(order.version);
      expect(countEvents(after, 'attempt.paid')).toBe(2);

      const summary = expectOk(await h.call(merchantSummary, {}, STAFF));
      if (!('today' in summary)) throw new Error('expected the takings');
      // Held, but on a line of its own until a person settles it.
      expect(summary.today).toMatchObject({ grossCents: 0, reviewCount: 1, reviewHeldCents: 2 * TOTAL });
      // The extra payment can be refunded through the product meanwhile: the newer attempt's money goes back.
      expect(await h.call(refund, { orderId, amountCents: TOTAL, requestId: 'refund-double-01' }, STAFF)).toMatchObject({ ok: true, refund: { state: 'SUCCEEDED' } });
      expect(h.acquirer.callsOf('REFUND').map((c) => c.oriOrderId)).toEqual([attempt2]);
      expect(h.acquirer.refundedCents([attempt2])).toBe(TOTAL);
      expect(await h.peek(orderId)).toMatchObject({ state: 'REVIEW', refundedCents: TOTAL });
    });

    it('sends the order to REVIEW as a double charge when a call-back reports money on an attempt already settled as not paid', async () => {
      await open();
      const { orderId } = await paidOnSecondAttempt('double-0000002');
      h.clock.advance(10 * MINUTE);
      await h.sweep();
      expect((await h.peek(orderId)).attempts[0]).toMatchObject({ state: 'NOT_PAID', outcome: 'lost' });

      h.acquirer.pay(orderId);
      expect((await h.deliver(orderId)).statusCode).toBe(200);
      const order = await h.peek(orderId);
      expect(order).toMatchObject({ state: 'REVIEW', reviewKind: 'double_charge' });
      expect(order.attempts.every((a) => a.state === 'PAID')).toBe(true);
      expect(countEvents(order, 'attempt.paid')).toBe(2);
    });
  });

  describe("only OTT Pay's word that an order is not paid closes it", () => {
    it.each([
      ['notpay', 'CLOSED'],
      ['orderclosed', 'CLOSED'],
      ['failure', 'FAILED'],
    ])('past the abandon age the sweep ends an unpaid order once STATUS_QUERY answers %s (→ %s)', async (status, end) => {
      await open();
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('abandoned-00001')));
      h.clock.advance(10 * MINUTE);
      await h.sweep();
      expect((await h.peek(orderId)).state).toBe('PAYING');

      h.clock.advance(2 * HOUR);
      if (status === 'orderclosed') h.acquirer.close(orderId);
      if (status === 'failure') h.acquirer.fail(orderId);
      const queriesBefore = h.acquirer.callsOf('STATUS_QUERY').length;
      await h.sweep();
      const order = await h.peek(orderId);
      expect(order.state).toBe(end);
      expect(h.acquirer.callsOf('STATUS_QUERY').length).toBe(queriesBefore + 1);
      const ending = order.history.filter((e) => e.event === 'state').pop();
      expect(ending).toMatchObject({ cause: 'sweep', to: end });
    });

    it.each([
      ['paid', 'PAID'],
      ['not paid', 'CLOSED'],
    ])('an order OTT Pay cannot be asked about past the abandon age waits in REVIEW (status_unknown), never CLOSED, and settles once OTT answers %s', async (outcome, end) => {
      await open();
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('status-unknown01')));
      h.acquirer.inject('STATUS_QUERY', { kind: 'unknown', processed: false }, { times: Infinity });

      h.clock.advance(2 * HOUR + 6 * MINUTE);
      await h.sweep();
      expect(await h.peek(orderId)).toMatchObject({ state: 'REVIEW', reviewKind: 'status_unknown' });
      for (let run = 0; run < 3; run += 1) {
        h.clock.advance(31 * MINUTE);
        await h.sweep();
        expect((await h.peek(orderId)).state).toBe('REVIEW');
      }
      expect(h.acquirer.callsOf('STATUS_QUERY').length).toBeGreaterThanOrEqual(4);

      h.acquirer.clearFaults();
      if (outcome === 'paid') h.acquirer.pay(orderId);
      const settled = await sweepUntil(orderId, (o) => o.state !== 'REVIEW', 31 * MINUTE, 2);
      expect(settled.state).toBe(end);
      expect(h.acquirer.chargedCents()).toBe(outcome === 'paid' ? TOTAL : 0);
      expect(settled.history.filter((e) => e.event === 'state').map((e) => e.to)).toEqual(['PAYING', 'REVIEW', end]);
    });

    it('an order is not closed while its payment details may still be paid, even past the abandon age', async () => {
      await open({ env: { CLOSE_ABANDONED_AFTER_MS: String(HOUR) } });
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('paid-after-end1')));
      h.clock.advance(HOUR + MINUTE);
      await h.sweep();
      expect((await h.peek(orderId)).state).toBe('PAYING');

      // The payer still had the payment details and paid; the call-back never came.
      h.clock.advance(30 * MINUTE);
      h.acquirer.pay(orderId);
      const order = await sweepUntil(orderId, (o) => o.state !== 'PAYING', 10 * MINUTE, 6);
      expect(order).toMatchObject({ state: 'PAID' });
      expect(h.acquirer.chargedCents()).toBe(TOTAL);
    });

    it('a payment OTT reports after the order was closed sends it to REVIEW (paid_after_end), never lost', async () => {
      await open();
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('paid-after-end2')));
      h.clock.advance(h.platform.settings.prepayValidityMs + MINUTE);
      await h.sweep();
      expect((await h.peek(orderId)).state).toBe('CLOSED');

      // OTT kept the payment details payable longer than WeChat's documented validity.
      h.acquirer.pay(orderId);
      expect((await h.deliver(orderId)).statusCode).toBe(200);
      const order = await h.peek(orderId);
      expect(order).toMatchObject({ state: 'REVIEW', reviewKind: 'paid_after_end' });
      expect(order.attempts[0].state).toBe('PAID');
    });
  });

  describe('the refund ledger', () => {
    const refundEnv: HarnessOptions = { env: { REFUND_CHECK_AFTER_MS: '0' } };
    const refundEvent = (orderId: string, amountCents: number, requestId: string) => ({ orderId, amountCents, requestId });

    it('a refund whose process died before REFUND reached OTT is PENDING with its reservation, then re-sent under the same id by the sweep and booked once', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-crash-001');
      h.acquirer.inject('REFUND', { kind: 'throw', processed: false });
      expect(await h.call(refund, refundEvent(orderId, 500, 'refund-req-0001'), STAFF)).toMatchObject({ ok: false, code: 'CRASHED' });
      const pending = await h.peek(orderId);
      expect(pending.refunds).toEqual([expect.objectContaining({ state: 'PENDING', amountCents: 500, sends: 1 })]);
      expect(pending).toMatchObject({ reservedRefundCents: 500, refundedCents: 0 });

      // Inside the in-flight window the sweep leaves it alone.
      h.clock.advance(SECOND);
      await h.sweep();
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(1);

      h.clock.advance(h.inFlightMs);
      await h.sweep();
      const order = await h.peek(orderId);
      const [entry] = order.refunds;
      expect(entry).toMatchObject({ state: 'SUCCEEDED', sends: 2 });
      expect(h.acquirer.callsOf('REFUND').map((c) => [c.orderId, c.amountCents])).toEqual([
        [entry.refundId, 500],
        [entry.refundId, 500],
      ]);
      expect(h.acquirer.refundedCents([orderId])).toBe(500);
      expect(order).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedCents: 500, reservedRefundCents: 500 });
    });

    it('a refund whose answer was lost after OTT booked it is settled SUCCEEDED by the sweep without sending it again', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-lost-0001');
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: true });
      const result = expectOk(await h.call(refund, refundEvent(orderId, 400, 'refund-req-0002'), STAFF));
      expect(result.refund.state).toBe('PENDING');

      h.clock.advance(h.inFlightMs);
      await h.sweep();
      const order = await h.peek(orderId);
      expect(order.refunds[0]).toMatchObject({ state: 'SUCCEEDED', sends: 1 });
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(1);
      expect(order.refundedCents).toBe(h.acquirer.refundedCents([orderId]));
    });

    it('a refund OTT never received is re-sent once under the same id and then SUCCEEDED', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-lost-0002');
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: false });
      expect(expectOk(await h.call(refund, refundEvent(orderId, 400, 'refund-req-0003'), STAFF)).refund.state).toBe('PENDING');

      h.clock.advance(h.inFlightMs);
      await h.sweep();
      const order = await h.peek(orderId);
      expect(order.refunds[0]).toMatchObject({ state: 'SUCCEEDED', sends: 2 });
      expect(new Set(h.acquirer.callsOf('REFUND').map((c) => c.orderId)).size).toBe(1);
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(2);
      expect(h.acquirer.refundedCents([orderId])).toBe(400);
      expect(order.refundedCents).toBe(400);
    });

    it('a refund OTT rejects is FAILED and its reservation released', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-reject-01');
      h.acquirer.inject('REFUND', { kind: 'rejected', code: 'FAIL' });
      const result = expectOk(await h.call(refund, refundEvent(orderId, TOTAL, 'refund-req-0004'), STAFF));
      expect(result.refund.state).toBe('FAILED');
      const order = await h.peek(orderId);
      expect(order).toMatchObject({ state: 'PAID', reservedRefundCents: 0, refundedCents: 0, openRefundSince: null });
      expect(order.refunds[0]).toMatchObject({ state: 'FAILED', failureCode: 'FAIL' });
      // The released amount can be refunded again.
      expect(expectOk(await h.call(refund, refundEvent(orderId, TOTAL, 'refund-req-0005'), STAFF)).refund.state).toBe('SUCCEEDED');
      expect((await h.peek(orderId)).state).toBe('REFUNDED');
      expect(h.acquirer.refundedCents([orderId])).toBe(TOTAL);
    });

    it('a refund whose sends go unanswered stays open, is sent again under the same id with a growing backoff, and is never failed by silence', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-never-001');
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: false }, { times: Infinity });
      expect(expectOk(await h.call(refund, refundEvent(orderId, 300, 'refund-req-0006'), STAFF)).refund.state).toBe('PENDING');

      for (let run = 0; run < 48; run += 1) {
        h.clock.advance(5 * MINUTE);
        await h.sweep();
      }
      const waiting = await h.peek(orderId);
      expect(waiting.refunds[0]).toMatchObject({ state: 'PENDING' });
      expect(waiting).toMatchObject({ reservedRefundCents: 300, refundedCents: 0 });
      expect(waiting.nextCheckAt).not.toBeNull();
      const sends = h.acquirer.callsOf('REFUND');
      expect(new Set(sends.map((c) => c.orderId))).toEqual(new Set([waiting.refunds[0].refundId]));
      // Four hours of sweeps every five minutes: the sends thin out instead of following the sweep.
      expect(sends.length).toBeGreaterThanOrEqual(4);
      expect(sends.length).toBeLessThanOrEqual(14);
      const gaps = sends.slice(1).map((c, i) => Date.parse(c.at) - Date.parse(sends[i].at));
      expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0]);

      h.acquirer.clearFaults('REFUND');
      const order = await sweepUntil(orderId, (o) => o.refunds[0].state !== 'PENDING', 30 * MINUTE, 4);
      expect(order.refunds[0]).toMatchObject({ state: 'SUCCEEDED' });
      expect(order).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedCents: 300 });
      expect(h.acquirer.refundedCents([orderId])).toBe(300);
    });

    it('a second refund while one is open answers REFUND_OPEN, naming it, without asking OTT, and after the window first settles the open one', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-busy-0001');
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: true });
      const first = expectOk(await h.call(refund, refundEvent(orderId, 500, 'refund-req-0007'), STAFF));
      expect(first.refund.state).toBe('PENDING');

      const callsBefore = h.acquirer.calls.length;
      h.clock.advance(SECOND);
      expect(await h.call(refund, refundEvent(orderId, 300, 'refund-req-0008'), STAFF)).toMatchObject({
        ok: false,
        code: 'REFUND_OPEN',
        openRefund: { refundId: first.refund.refundId, amountCents: 500, state: 'PENDING', createdAt: first.refund.createdAt },
      });
      expect(h.acquirer.calls).toHaveLength(callsBefore);

      // After the window the request first settles the open one, and shows it rather than refunding again.
      h.clock.advance(h.inFlightMs);
      expect(await h.call(refund, refundEvent(orderId, 300, 'refund-req-0008'), STAFF)).toMatchObject({
        ok: false,
        code: 'REFUND_OPEN',
        openRefund: { refundId: first.refund.refundId, state: 'SUCCEEDED' },
      });
      const second = expectOk(await h.call(refund, refundEvent(orderId, 300, 'refund-req-0008'), STAFF));
      expect(second.refund.state).toBe('SUCCEEDED');
      const order = await h.peek(orderId);
      expect(order.refunds.map((r) => [r.refundId, r.state])).toEqual([
        [first.refund.refundId, 'SUCCEEDED'],
        [second.refund.refundId, 'SUCCEEDED'],
      ]);
      expect(h.acquirer.callsOf('REFUND').map((c) => c.orderId)).toEqual([first.refund.refundId, second.refund.refundId]);
      expect(order).toMatchObject({ refundedCents: 800, reservedRefundCents: 800, state: 'PARTIALLY_REFUNDED' });
      expect(h.acquirer.refundedCents([orderId])).toBe(800);
    });

    it('50 concurrent refund requests never reserve more than was paid, send nothing unreserved, and end equal to the acquirer', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-burst-001', 1000, 0);
      const attemptsSeen: { refundId: string; amountCents: number; order: Order }[] = [];
      h.acquirer.onCall = async (call) => {
        if (call.action === 'REFUND') attemptsSeen.push({ refundId: call.orderId, amountCents: call.amountCents!, order: await h.peek(orderId) });
      };
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: true });

      // No sum of these amounts is exactly 1000, so the payment is never fully refunded: the
      // requests that do not fit are refused as too large.
      const amounts = [120, 270, 350];
      const outcomes: string[] = [];
      for (let wave = 0; wave < 8; wave += 1) {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            h.call<RefundResult>(refund, refundEvent(orderId, amounts[i % 3], `burst-${wave}-${String(i).padStart(4, '0')}`), STAFF),
          ),
        );
        for (const result of results) {
          const outcome = isFailure(result) ? result.code : result.refund.state;
          expect(['SUCCEEDED', 'PENDING', 'BUSY', 'REFUND_OPEN', 'REFUND_TOO_LARGE']).toContain(outcome);
          outcomes.push(outcome);
        }
        const order = await h.peek(orderId);
        expect(order.reservedRefundCents).toBeLessThanOrEqual(1000);
        expect(order.refunds.filter((r) => r.state === 'PENDING').length).toBeLessThanOrEqual(1);
        h.clock.advance(h.inFlightMs);
      }
      expect(outcomes.filter((o) => o === 'SUCCEEDED' || o === 'PENDING').length).toBeGreaterThan(1);
      expect(outcomes).toContain('REFUND_TOO_LARGE');

      // Every REFUND reached OTT with its refund recorded and reserved in the stored order.
      expect(attemptsSeen.length).toBe(h.acquirer.callsOf('REFUND').length);
      for (const seen of attemptsSeen) {
        const entry = seen.order.refunds.find((r) => r.refundId === seen.refundId);
        expect(entry).toMatchObject({ state: 'PENDING', amountCents: seen.amountCents });
        expect(seen.order.reservedRefundCents).toBeLessThanOrEqual(1000);
      }

      const settled = await sweepUntil(orderId, (o) => openRefund(o) === undefined, h.inFlightMs, 5);
      expect(settled.refundedCents).toBe(h.acquirer.refundedCents([orderId]));
      expect(settled.reservedRefundCents).toBe(settled.refundedCents);
      const booked = h.acquirer.transaction(orderId)!.refunds.map((r) => r.refundId).sort();
      expect(settled.refunds.filter((r) => r.state === 'SUCCEEDED').map((r) => r.refundId).sort()).toEqual(booked);
    });

    /**
     * The staff member retries the refund while the sweep looks at it: both read refund_fee 0 at
     * the same moment; the re-send of whichever writes first is still on its way to OTT Pay (held)
     * while the other decides.
     */
    async function settleConcurrently(event: { orderId: string; amountCents: number; requestId: string }): Promise<void> {
      h.acquirer.inject('STATUS_QUERY', { kind: 'hold' }, { times: 2 });
      h.acquirer.inject('REFUND', { kind: 'hold' });
      const retry = h.call(refund, event, STAFF);
      const swept = h.sweep();
      await until(() => h.acquirer.waitingCount === 2, 'both callers to ask OTT Pay');
      h.acquirer.release();
      await until(() => h.acquirer.waitingCount === 1, 'the re-send to reach OTT Pay');
      await Promise.race([retry, swept]);
      h.acquirer.release();
      await Promise.all([retry, swept]);
    }

    it('two callers settling the same unbooked refund at once send it only once more', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-race-0001');
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: false });
      const event = refundEvent(orderId, 500, 'refund-req-0009');
      const { refund: view } = expectOk(await h.call(refund, event, STAFF));

      h.clock.advance(h.inFlightMs);
      await settleConcurrently(event);

      await sweepUntil(orderId, (o) => openRefund(o) === undefined, h.inFlightMs, 3);
      // Sent at first, then re-sent once: a re-send still on its way is left alone.
      expect(h.acquirer.callsOf('REFUND').map((c) => c.orderId)).toEqual([view.refundId, view.refundId]);
    });

    it('two callers settling the same unbooked refund at once never fail a refund one of them just re-sent', async () => {
      await open(refundEnv);
      const orderId = await paidOrder('refund-race-0002');
      h.acquirer.inject('REFUND', { kind: 'unknown', processed: false }, { times: 2 });
      const event = refundEvent(orderId, 500, 'refund-req-0010');
      expectOk(await h.call(refund, event, STAFF));
      h.clock.advance(h.inFlightMs);
      await h.sweep();
      expect((await h.peek(orderId)).refunds[0]).toMatchObject({ state: 'PENDING', sends: 2 });

      h.clock.advance(h.inFlightMs);
      await settleConcurrently(event);
      for (let run = 0; run < 3; run += 1) {
        h.clock.advance(h.inFlightMs);
        await h.sweep();
      }

      const order = await h.peek(orderId);
      const booked = h.acquirer.refundedCents([orderId]);
      expect({ refundState: order.refunds[0].state, ledger: order.refundedCents, acquirer: booked }).toEqual({
        refundState: booked > 0 ? 'SUCCEEDED' : 'FAILED',
        ledger: booked,
        acquirer: booked,
      });
    });
  });

  describe('contention: a write that keeps losing its compare-and-set', () => {
    it('a refund answers BUSY and nothing reaches OTT unreserved; with one round to spare it goes through', async () => {
      await open();
      const orderId = await paidOrder('contended-refund');
      h.contention.loseCompareAndSets(8);
      expect(await h.call(refund, { orderId, amountCents: 500, requestId: 'contended-req-01' }, STAFF)).toMatchObject({ ok: false, code: 'BUSY' });
      expect(h.contention.lost).toBe(8);
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(0);
      expect(await h.peek(orderId)).toMatchObject({ refunds: [], reservedRefundCents: 0 });

      h.contention.loseCompareAndSets(7);
      expect(expectOk(await h.call(refund, { orderId, amountCents: 500, requestId: 'contended-req-01' }, STAFF)).refund.state).toBe('SUCCEEDED');
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(1);
    });

    it('a payment retry that cannot record its new attempt answers BUSY and asks OTT nothing', async () => {
      await open();
      const requestId = 'contended-create';
      h.acquirer.inject('MAPPPAY', { kind: 'unknown', processed: false });
      expect(await h.call(createPayment, paymentEvent(requestId))).toMatchObject({ code: 'PAYMENT_PENDING' });
      h.clock.advance(h.inFlightMs);
      h.contention.loseCompareAndSets(8);
      expect(await h.call(createPayment, paymentEvent(requestId))).toMatchObject({ ok: false, code: 'BUSY' });
      expect(h.acquirer.callsOf('MAPPPAY')).toHaveLength(1);
      expect((await h.peek(orderIdFor(PAYER.openid, requestId))).attempts).toHaveLength(1);

      expectOk(await h.call(createPayment, paymentEvent(requestId)));
      expect(h.acquirer.callsOf('MAPPPAY')).toHaveLength(2);
    });

    it('a call-back that cannot be applied answers 503, never a silent 200, and applies on the retry', async () => {
      await open();
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('contended-callbk')));
      h.acquirer.pay(orderId);
      h.contention.loseCompareAndSets(8);
      expect((await h.deliver(orderId)).statusCode).toBe(503);
      expect((await h.peek(orderId)).state).toBe('PAYING');
      expect((await h.deliver(orderId)).statusCode).toBe(200);
      expect((await h.peek(orderId)).state).toBe('PAID');
    });

    it('a payer checking a contended order gets BUSY without a STATUS_QUERY, and the sweep counts the order as failed', async () => {
      await open({ env: { SWEEP_PENDING_AFTER_MS: '0' } });
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('contended-query1')));
      h.clock.advance(10 * SECOND);
      h.contention.loseCompareAndSets(8);
      expect(await h.call(queryPayment, { orderId })).toMatchObject({ ok: false, code: 'BUSY' });
      expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(0);

      h.contention.loseCompareAndSets(8);
      const report = await h.sweep();
      expect(report).toMatchObject({ due: 1, failed: 1, checked: 0 });
      expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(0);
    });
  });

  describe('store outage', () => {
    it('a payment asked for while the store is down is refused as SERVICE_UNAVAILABLE and OTT is not asked', async () => {
      await open();
      h.backend.setUnavailable(true);
      expect(await h.call(createPayment, paymentEvent('outage-create-01'))).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
      expect(h.acquirer.calls).toHaveLength(0);
      h.backend.setUnavailable(false);
      expectOk(await h.call(createPayment, paymentEvent('outage-create-01')));
      expect(h.acquirer.callsOf('MAPPPAY')).toHaveLength(1);
    });

    it('a payment whose first write landed but whose reply was lost is never sent unrecorded, and is paid once after the retry', async () => {
      await open();
      const requestId = 'outage-create-02';
      const orderId = orderIdFor(PAYER.openid, requestId);
      h.backend.failNext(1, { ops: ['add'], afterWrite: true });
      const first = await h.call<CreatePaymentResult>(createPayment, paymentEvent(requestId));
      if (codeOf(first) !== 'OK') {
        // The store could not tell the write landed: nothing went to OTT, and the retry after the in-flight window asks.
        expect(['SERVICE_UNAVAILABLE', 'PAYMENT_PENDING']).toContain(codeOf(first));
        expect(h.acquirer.calls).toHaveLength(0);
        h.clock.advance(h.inFlightMs);
        expect(expectOk(await h.call<CreatePaymentResult>(createPayment, paymentEvent(requestId))).orderId).toBe(orderId);
      }
      expect(h.acquirer.callsOf('MAPPPAY')).toHaveLength(1);
      const asked = h.acquirer.callsOf('MAPPPAY')[0].orderId;
      h.acquirer.pay(asked);
      expect((await h.deliver(asked)).statusCode).toBe(200);
      h.clock.advance(10 * MINUTE);
      await h.sweep();
      const order = await h.peek(orderId);
      expect(order.state).toBe('PAID');
      expect(order.attempts.filter((a) => a.state === 'STARTED' || a.state === 'ISSUED')).toHaveLength(0);
      expect(h.acquirer.chargedCents()).toBe(TOTAL);
    });

    it('call-backs answer 503 while the store is down and settle the order exactly once when it is back', async () => {
      await open();
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('outage-callback1')));
      h.acquirer.pay(orderId);
      h.backend.setUnavailable(true);
      for (let i = 0; i < 3; i += 1) expect((await h.deliver(orderId)).statusCode).toBe(503);
      h.backend.setUnavailable(false);
      expect((await h.peek(orderId)).state).toBe('PAYING');

      expect((await h.deliver(orderId)).statusCode).toBe(200);
      expect((await h.deliver(orderId)).statusCode).toBe(200);
      const order = await h.peek(orderId);
      expect(order.state).toBe('PAID');
      expect(countEvents(order, 'attempt.paid')).toBe(1);
      expect(order.history.filter((e) => e.event === 'state' && e.to === 'PAID')).toHaveLength(1);
    });

    it.each([
      ['order write', 'update' as const],
      ['call-back record', 'add' as const],
    ])('a call-back whose %s landed but whose reply was lost answers 503, and its retry settles nothing twice', async (_what, op) => {
      await open();
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent(`outage-cb-${op}-01`)));
      h.acquirer.pay(orderId);
      h.backend.failNext(1, { ops: [op], afterWrite: true });
      expect((await h.deliver(orderId)).statusCode).toBe(503);
      expect((await h.deliver(orderId)).statusCode).toBe(200);
      const order = await h.peek(orderId);
      expect(order.state).toBe('PAID');
      expect(countEvents(order, 'attempt.paid')).toBe(1);
    });

    it('a refund whose opening write landed unseen is not sent until it is retried, and is booked once', async () => {
      await open({ env: { REFUND_CHECK_AFTER_MS: '0' } });
      const orderId = await paidOrder('outage-refund-01');
      const event = { orderId, amountCents: 600, requestId: 'outage-refund-r1' };
      h.backend.failNext(1, { ops: ['update'], afterWrite: true });
      expect(await h.call(refund, event, STAFF)).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(0);
      expect(await h.peek(orderId)).toMatchObject({ reservedRefundCents: 600, refunds: [expect.objectContaining({ state: 'PENDING' })] });

      h.clock.advance(h.inFlightMs);
      expect(expectOk(await h.call(refund, event, STAFF)).refund.state).toBe('SUCCEEDED');
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(1);
      expect((await h.peek(orderId)).refundedCents).toBe(h.acquirer.refundedCents([orderId]));
    });

    it('a refund whose confirmation cannot be written stays PENDING and reserved, and the sweep settles it without re-sending', async () => {
      await open({ env: { REFUND_CHECK_AFTER_MS: '0' } });
      const orderId = await paidOrder('outage-refund-02');
      h.acquirer.onCall = (call) => {
        if (call.action === 'REFUND') h.backend.setUnavailable(true);
      };
      expect(await h.call(refund, { orderId, amountCents: 600, requestId: 'outage-refund-r2' }, STAFF)).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
      h.acquirer.onCall = undefined;
      expect(await h.peek(orderId)).toMatchObject({ reservedRefundCents: 600, refundedCents: 0 });

      h.backend.setUnavailable(false);
      h.clock.advance(h.inFlightMs);
      await h.sweep();
      const order = await h.peek(orderId);
      expect(order.refunds[0].state).toBe('SUCCEEDED');
      expect(h.acquirer.callsOf('REFUND')).toHaveLength(1);
      expect(order.refundedCents).toBe(600);
      expect(h.acquirer.refundedCents([orderId])).toBe(600);
    });
  });

  describe('STATUS_QUERY throttle', () => {
    it('200 queryPayment calls on one pending order within the throttle period cause one STATUS_QUERY, and the sweep keeps to the same clock', async () => {
      await open({ env: { QUERY_THROTTLE_MS: '10000', SWEEP_PENDING_AFTER_MS: '0' } });
      const { orderId } = expectOk(await h.call(createPayment, paymentEvent('throttled-query1')));
      h.clock.advance(6 * SECOND);

      const burst = await Promise.all(Array.from({ length: 200 }, () => h.call(queryPayment, { orderId })));
      expect(burst.map(codeOf).every((code) => code === 'OK')).toBe(true);
      expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(1);
      for (let i = 0; i < 200; i += 1) {
        h.clock.advance(40);
        expectOk(await h.call(queryPayment, { orderId }));
      }
      expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(1);

      // 8 s after the query: due for the sweep, but still inside the throttle.
      const report = await h.sweep();
      expect(report.due).toBe(1);
      expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(1);

      h.clock.advance(2 * SECOND);
      await h.sweep();
      expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(2);
    });
  });

  describe('the sweep', () => {
    const ORDERS = 1000;
    const STALL_MS = 150;
    const BUDGET_MS = 300;

    /** Issued orders, stored directly (the acquirer knows each), all due for the sweep. */
    async function dueOrders(count: number, label: string, extraAttempts = 0): Promise<Order[]> {
      const at = h.clock.now().toISOString();
      const orders: Order[] = [];
      for (let i = 0; i < count; i += 1) {
        const requestId = `${label}-${String(i).padStart(6, '0')}`;
        const orderId = orderIdFor(PAYER.openid, requestId);
        const fields = { orderId, openid: PAYER.openid, appid: PAYER.appid, requestId, channel: 'MINIPROGRAM' as const, amountCents: AMOUNT, tipCents: 0 };
        const created = newOrder(fields, at);
        let current = created;
        // An earlier attempt's request was lost before OTT saw it: only the last one is issued.
        for (let extra = 0; extra < extraAttempts; extra += 1) current = startAttempt(current, { at, cause: 'create' })!;
        const last = current.attempts[current.attempts.length - 1].ottOrderId;
        const answer = await h.acquirer.mappPay({ orderId: last, amountCents: AMOUNT, appId: PAYER.appid, openId: PAYER.openid });
        if (answer.kind !== 'ok') throw new Error('fake acquirer refused');
        const issued = issueAttempt(current, last, { payment: answer.value.payment }, { at, cause: 'create' })!;
        orders.push(finishWrite(h.platform, created, issued));
      }
      for (let i = 0; i < orders.length; i += 50) await Promise.all(orders.slice(i, i + 50).map((o) => h.platform.store.createOrder(o)));
      return orders;
    }

    it(
      'checks every one of 1,000 due orders, each run making progress, while OTT stalls on 10% of STATUS_QUERYs: each run stops starting work at its budget and reports what it left, at most 8 queries in flight',
      async () => {
        // SWEEP_BUDGET_MS cannot go under 1000 ms; the budget is set on the settings for a fast test.
        await open({ env: { SWEEP_PENDING_AFTER_MS: '0' }, settings: { sweepBudgetMs: BUDGET_MS }, ott: { timeoutMs: STALL_MS } });
        const orders = await dueOrders(ORDERS, 'fair');
        const stalling = new Set(orders.filter((_, i) => i % 10 === 0).map((o) => o.orderId));
        h.acquirer.inject('STATUS_QUERY', { kind: 'stall', ms: STALL_MS }, { times: Infinity, match: (id) => stalling.has(id) });
        h.clock.advance(MINUTE);
        h.clock.followRealTime();

        const reports: { report: SweepReport; startedMs: number; endedMs: number }[] = [];
        const queried = () => new Set(h.acquirer.callsOf('STATUS_QUERY').map((c) => c.orderId));
        while (queried().size < ORDERS && reports.length < 20) {
          const startedMs = performance.now();
          const report = await h.sweep();
          reports.push({ report, startedMs, endedMs: performance.now() });
          h.clock.advance(SECOND);
        }

        expect(queried().size).toBe(ORDERS);
        // Every run makes progress. How many runs it takes (9 or 10 on an idle machine) is wall-clock time, not asserted.
        for (const { report } of reports) expect(report.checked).toBeGreaterThan(0);
        // Fair: nobody was asked about twice before everyone had been asked once.
        expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(ORDERS);
        expect(h.acquirer.peakInFlight('STATUS_QUERY')).toBeLessThanOrEqual(CONCURRENCY);
        for (const { report, startedMs, endedMs } of reports) {
          expect(report.failed).toBe(0);
          expect(report.checked + report.left).toBe(report.due);
          const started = h.acquirer.callsOf('STATUS_QUERY').filter((c) => c.startedMs >= startedMs && c.startedMs <= endedMs);
          expect(started).toHaveLength(report.checked);
          // Nothing new is started after the budget (a little slack for the claim write before each query).
          for (const call of started) expect(call.startedMs - startedMs).toBeLessThan(BUDGET_MS + 100);
        }
        expect(reports.some(({ report }) => report.left > 0)).toBe(true);
      },
      30_000,
    );

    it('keeps at most 8 STATUS_QUERYs in flight when the orders have more than one unsettled attempt', async () => {
      await open({ env: { SWEEP_PENDING_AFTER_MS: '0' }, ott: { timeoutMs: 50 } });
      await dueOrders(40, 'two-attempts', 1);
      h.acquirer.inject('STATUS_QUERY', { kind: 'stall', ms: 30 }, { times: Infinity });
      h.clock.advance(MINUTE);
      const report = await h.sweep();
      expect(report.checked).toBe(40);
      expect(h.acquirer.callsOf('STATUS_QUERY')).toHaveLength(80);
      expect(h.acquirer.peakInFlight('STATUS_QUERY')).toBeLessThanOrEqual(CONCURRENCY);
    });
  });
});
