import { unseal } from '../../../server/ottpay/codec';
import type { CallbackRecord } from '../../../local/sandbox';
import { KEY, newOrderId, openSandbox, payOrder, Receiver, request, TestSandbox } from './helpers';

let t: TestSandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await new Receiver().start();
  t = await openSandbox({ callbackRetryScheduleMs: [40, 40], callbackTimeoutMs: 300 });
});

afterEach(() => {
  t.sandbox.faults.reset();
  receiver.setAnswer(() => ({ status: 200, body: 'SUCCESS' }));
});

afterAll(async () => {
  await t.stop();
  await receiver.close();
});

const settled = (d: CallbackRecord[]): boolean => d.length > 0 && d.every((c) => ['delivered', 'failed', 'dropped'].includes(c.state));

function receivedFor(orderId: string) {
  return receiver.received.filter((r) => unseal(r.body, KEY).order_id === orderId);
}

describe('call-back retries', () => {
  it('retries after HTTP 500 until the merchant answers SUCCESS', async () => {
    const orderId = newOrderId('RE');
    let calls = 0;
    receiver.setAnswer(() => (calls++ === 0 ? { status: 500, body: 'database down' } : { status: 200, body: 'SUCCESS\n' }));
    await payOrder(t.sandbox, orderId, receiver.url);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.state).toBe('delivered');
    expect(delivery.rounds).toBe(2);
    expect(delivery.attempts.map((a) => [a.httpStatus, a.reply, a.ok])).toEqual([
      [500, 'database down', false],
      [200, 'SUCCESS\n', true],
    ]);
    expect(Date.parse(delivery.attempts[1].at) - Date.parse(delivery.attempts[0].at)).toBeGreaterThanOrEqual(40);
  });

  it('treats HTTP 200 without the body SUCCESS as unanswered and gives up when the schedule runs out', async () => {
    const orderId = newOrderId('GU');
    receiver.setAnswer(() => ({ status: 200, body: '{"ok":true}' }));
    await payOrder(t.sandbox, orderId, receiver.url);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts.every((a) => a.httpStatus === 200 && !a.ok)).toBe(true);
    expect(delivery.nextAttemptAt).toBeNull();
  });

  it('records a merchant that does not answer in time, then retries', async () => {
    const orderId = newOrderId('TO');
    let calls = 0;
    receiver.setAnswer(() => (calls++ === 0 ? 'hang' : { status: 200, body: 'SUCCESS' }));
    await payOrder(t.sandbox, orderId, receiver.url);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts[0]).toMatchObject({ httpStatus: null, ok: false, error: expect.stringContaining('300 ms') });
    expect(delivery.attempts[1]).toMatchObject({ httpStatus: 200, ok: true });
  });

  it('records a refused connection', async () => {
    const orderId = newOrderId('RC');
    await payOrder(t.sandbox, orderId, 'http://127.0.0.1:9/nobody');
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts[0].error).toMatch(/ECONNREFUSED/);
  });
});

describe('call-back faults', () => {
  it('delays the first attempt by delayMs', async () => {
    t.sandbox.faults.set({ delayMs: 250 });
    const orderId = newOrderId('DL');
    await payOrder(t.sandbox, orderId, receiver.url);
    const paidAt = Date.parse((await t.sandbox.transaction(orderId))!.transaction.paidAt!);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(Date.parse(delivery.attempts[0].at) - paidAt).toBeGreaterThanOrEqual(240);
  });

  it('sends duplicate copies at once and records each', async () => {
    t.sandbox.faults.set({ duplicate: 3 });
    const orderId = newOrderId('DC');
    await payOrder(t.sandbox, orderId, receiver.url);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.copies).toBe(3);
    expect(delivery.attempts.map((a) => a.copy).sort()).toEqual([1, 2, 3]);
    expect(receivedFor(orderId)).toHaveLength(3);
    expect(new Set(receivedFor(orderId).map((r) => r.text)).size).toBe(1);
  });

  it('drops the next N call-backs, records them and lets the console re-send them', async () => {
    t.sandbox.faults.set({ drop: 1 });
    const dropped = newOrderId('DR');
    const next = newOrderId('DN');
    await payOrder(t.sandbox, dropped, receiver.url);
    await payOrder(t.sandbox, next, receiver.url);
    await t.sandbox.waitForDeliveries(next, settled);
    const [record] = (await t.sandbox.transaction(dropped))!.deliveries;
    expect(record).toMatchObject({ state: 'dropped', attempts: [] });
    expect(receivedFor(dropped)).toHaveLength(0);
    expect(t.sandbox.faults.get().drop).toBe(0);

    const resend = await request('POST', `${t.sandbox.url}/sandbox/transactions/${dropped}/resend-callback`);
    expect(resend.status).toBe(200);
    expect(resend.body.delivery).toMatchObject({ trigger: 'resend', orderId: dropped });
    const deliveries = await t.sandbox.waitForDeliveries(dropped, (d) => d.length === 2 && d[1].state === 'delivered');
    expect(deliveries[1].envelope).toEqual(deliveries[0].envelope);
    expect(receivedFor(dropped)).toHaveLength(1);
  });

  it("drops every call-back with drop 'all'", async () => {
    t.sandbox.faults.set({ drop: 'all' });
    const orders = [newOrderId('DA'), newOrderId('DA')];
    for (const orderId of orders) await payOrder(t.sandbox, orderId, receiver.url);
    for (const orderId of orders) {
      expect((await t.sandbox.transaction(orderId))!.deliveries.map((d) => d.state)).toEqual(['dropped']);
    }
    expect(t.sandbox.faults.get().drop).toBe('all');
  });

  it('holds call-backs and releases them newest first', async () => {
    t.sandbox.faults.set({ reorder: 2, reorderTimeoutMs: 60_000 });
    const first = newOrderId('RA');
    const second = newOrderId('RB');
    await payOrder(t.sandbox, first, receiver.url);
    expect((await t.sandbox.transaction(first))!.deliveries[0].state).toBe('held');
    await payOrder(t.sandbox, second, receiver.url);
    await t.sandbox.waitForDeliveries(first, settled);
    await t.sandbox.waitForDeliveries(second, settled);
    const order = receiver.orderIds().filter((id) => id === first || id === second);
    expect(order).toEqual([second, first]);
  });

  it('releases held call-backs after reorderTimeoutMs when too few arrive', async () => {
    t.sandbox.faults.set({ reorder: 5, reorderTimeoutMs: 150 });
    const orderId = newOrderId('RT');
    await payOrder(t.sandbox, orderId, receiver.url);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.state).toBe('delivered');
    expect(Date.parse(delivery.attempts[0].at) - Date.parse(delivery.createdAt)).toBeGreaterThanOrEqual(140);
  });

  it('applies the start-up faults option and reports it on the control endpoint', async () => {
    const other = await openSandbox({ faults: { duplicate: 2, drop: 3 } });
    try {
      const reply = await request('GET', `${other.sandbox.url}/sandbox/faults`);
      expect(reply.body).toMatchObject({ duplicate: 2, drop: 3, delayMs: 0, reorder: 0, response: null, numberDigest: 'js' });
    } finally {
      await other.stop();
    }
  });
});
