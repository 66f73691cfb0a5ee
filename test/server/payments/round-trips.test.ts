/**
 * In production a payment's time is network round trips to the database and to OTT Pay. These
 * tests count them per path against the CloudBase adapter through wx-server-sdk (each database request is one round trip),
 * so a change that adds one fails here.
 */
import type { CreatePaymentResult } from '../../../typings/payments';
import { createPayment } from '../../../server/payments/create-payment';
import { queryPayment } from '../../../server/payments/query-payment';
import { refund } from '../../../server/payments/refund';
import { openHarness, PAYER, SECOND, STAFF, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await openHarness('wx-server-sdk', { env: { QUERY_PENDING_AFTER_MS: '0', QUERY_THROTTLE_MS: '0' } });
});
afterEach(() => h.dispose());

/** The database calls and OTT Pay calls `run` makes. */
async function countCalls(run: () => Promise<unknown>): Promise<{ store: string[]; ott: number }> {
  const storeBefore = h.storeCalls.length;
  const ottBefore = h.acquirer.calls.length;
  await run();
  return { store: h.storeCalls.slice(storeBefore), ott: h.acquirer.calls.length - ottBefore };
}

async function created(requestId: string): Promise<string> {
  const result = (await h.call(createPayment, { amountCents: 1500, tipCents: 100, requestId })) as CreatePaymentResult;
  if (!result.ok) throw new Error(result.code);
  return result.orderId;
}

describe('round trips per path', () => {
  it('createPayment: two database calls and one OTT exchange', async () => {
    const calls = await countCalls(() => created('round-trip-create'));
    expect(calls).toEqual({ store: ['add orders', 'update orders'], ott: 1 });
  });

  it('a payment call-back: record, read, write', async () => {
    const orderId = await created('round-trip-callback');
    h.acquirer.pay(orderId);
    const calls = await countCalls(() => h.deliver(orderId));
    expect(calls).toEqual({ store: ['add ott_callbacks', 'get orders', 'update orders'], ott: 0 });
  });

  it('queryPayment of a pending order: read, claim, one STATUS_QUERY, write; a settled order: one read', async () => {
    const orderId = await created('round-trip-query');
    h.acquirer.pay(orderId);
    h.clock.advance(SECOND);
    const pending = await countCalls(() => h.call(queryPayment, { orderId }, PAYER));
    expect(pending).toEqual({ store: ['get orders', 'update orders', 'update orders'], ott: 1 });
    const settled = await countCalls(() => h.call(queryPayment, { orderId }, PAYER));
    expect(settled).toEqual({ store: ['get orders'], ott: 0 });
  });

  it('a refund: read the staff list and the order side by side, reserve, REFUND and STATUS_QUERY, write', async () => {
    const orderId = await created('round-trip-refund');
    h.acquirer.pay(orderId);
    await h.deliver(orderId);
    const calls = await countCalls(() => h.call(refund, { orderId, amountCents: 500, requestId: 'round-trip-refund-1' }, STAFF));
    expect(calls).toEqual({ store: ['get merchant_staff', 'get orders', 'update orders', 'update orders'], ott: 2 });
  });
});
