import { unseal } from '../../../server/ottpay/codec';
import type { CallbackRecord } from '../../../local/sandbox';
import type { CallbackAckPolicy, CallbackRecord as Delivery } from '../../../local/sandbox';
import { KEY, newOrderId, openSandbox, payOrder, Receiver, ReceiverAnswer, removeDir, request, sandboxForFile, tempDir } from './helpers';

const t = sandboxForFile({ callbackRetryScheduleMs: [40, 40], callbackTimeoutMs: 300 });

const settled = (d: CallbackRecord[]): boolean => d.length > 0 && d.every((c) => ['delivered', 'failed', 'dropped'].includes(c.state));

function receivedFor(orderId: string) {
  return t.receiver.received.filter((r) => unseal(r.body, KEY).order_id === orderId);
}

describe('call-back retries', () => {
  it('retries after HTTP 500 until the merchant answers SUCCESS', async () => {
    const orderId = newOrderId('RE');
    let calls = 0;
    t.receiver.setAnswer(() => (calls++ === 0 ? { status: 500, body: 'database down' } : { status: 200, body: 'SUCCESS\n' }));
    await payOrder(t.sandbox, orderId, t.receiver.url);
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
    t.receiver.setAnswer(() => ({ status: 200, body: '{"ok":true}' }));
    await payOrder(t.sandbox, orderId, t.receiver.url);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts.every((a) => a.httpStatus === 200 && !a.ok)).toBe(true);
    expect(delivery.nextAttemptAt).toBeNull();
  });

  it('records a merchant that does not answer in time, then retries', async () => {
    const orderId = newOrderId('TO');
    let calls = 0;
    t.receiver.setAnswer(() => (calls++ === 0 ? 'hang' : { status: 200, body: 'SUCCESS' }));
    await payOrder(t.sandbox, orderId, t.receiver.url);
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
    await payOrder(t.sandbox, orderId, t.receiver.url);
    const paidAt = Date.parse((await t.sandbox.transaction(orderId))!.transaction.paidAt!);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(Date.parse(delivery.attempts[0].at) - paidAt).toBeGreaterThanOrEqual(240);
  });

  it('sends duplicate copies at once and records each', async () => {
    t.sandbox.faults.set({ duplicate: 3 });
    const orderId = newOrderId('DC');
    await payOrder(t.sandbox, orderId, t.receiver.url);
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
    await payOrder(t.sandbox, dropped, t.receiver.url);
    await payOrder(t.sandbox, next, t.receiver.url);
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
    for (const orderId of orders) await payOrder(t.sandbox, orderId, t.receiver.url);
    for (const orderId of orders) {
      expect((await t.sandbox.transaction(orderId))!.deliveries.map((d) => d.state)).toEqual(['dropped']);
    }
    expect(t.sandbox.faults.get().drop).toBe('all');
  });

  it('holds call-backs and releases them newest first', async () => {
    t.sandbox.faults.set({ reorder: 2, reorderTimeoutMs: 60_000 });
    const first = newOrderId('RA');
    const second = newOrderId('RB');
    await payOrder(t.sandbox, first, t.receiver.url);
    expect((await t.sandbox.transaction(first))!.deliveries[0].state).toBe('held');
    await payOrder(t.sandbox, second, t.receiver.url);
    await t.sandbox.waitForDeliveries(first, settled);
    await t.sandbox.waitForDeliveries(second, settled);
    const order = t.receiver.orderIds().filter((id) => id === first || id === second);
    expect(order).toEqual([second, first]);
  });

  it('releases held call-backs after reorderTimeoutMs when too few arrive', async () => {
    t.sandbox.faults.set({ reorder: 5, reorderTimeoutMs: 150 });
    const orderId = newOrderId('RT');
    await payOrder(t.sandbox, orderId, t.receiver.url);
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.state).toBe('delivered');
    expect(Date.parse(delivery.attempts[0].at) - Date.parse(delivery.createdAt)).toBeGreaterThanOrEqual(140);
  });

  it('applies the start-up faults option and reports it on the control endpoint', async () => {
    const other = await openSandbox({ faults: { duplicate: 2, drop: 3 } });
    try {
      const reply = await request('GET', `${other.sandbox.url}/sandbox/faults`);
      expect(reply.body).toMatchObject({ duplicate: 2, drop: 3, delayMs: 0, reorder: 0, response: null, numberDigest: 'java', callbackAck: 'success-body' });
    } finally {
      await other.stop();
    }
  });
});

describe('what acknowledges a call-back', () => {
  // Replies real receivers give; OTT's documents specify none of them.
  const REPLIES: Record<string, ReceiverAnswer> = {
    'SUCCESS': { status: 200, body: 'SUCCESS' },
    'JSON rsp_code SUCCESS': { status: 200, body: '{"rsp_code":"SUCCESS","rsp_msg":"ok"}' },
    'OK': { status: 200, body: 'OK' },
    'lowercase success': { status: 200, body: 'success' },
    'an empty 200': { status: 200, body: '' },
    'an empty 204': { status: 204, body: '' },
    'JSON rsp_code FAIL': { status: 200, body: '{"rsp_code":"FAIL"}' },
    'SUCCESS with HTTP 500': { status: 500, body: 'SUCCESS' },
  };

  const EXPECTED: Record<CallbackAckPolicy, Record<string, [boolean, string]>> = {
    'success-body': {
      'SUCCESS': [true, 'HTTP 200 with the body SUCCESS'],
      'JSON rsp_code SUCCESS': [false, 'HTTP 200 but the body is not SUCCESS'],
      'OK': [false, 'HTTP 200 but the body is not SUCCESS'],
      'lowercase success': [false, 'HTTP 200 but the body is not SUCCESS'],
      'an empty 200': [false, 'HTTP 200 but the body is not SUCCESS'],
      'an empty 204': [false, 'HTTP 204, not 200'],
      'JSON rsp_code FAIL': [false, 'HTTP 200 but the body is not SUCCESS'],
      'SUCCESS with HTTP 500': [false, 'HTTP 500, not 200'],
    },
    'any-2xx': {
      'SUCCESS': [true, 'HTTP 200, a 2xx'],
      'JSON rsp_code SUCCESS': [true, 'HTTP 200, a 2xx'],
      'OK': [true, 'HTTP 200, a 2xx'],
      'lowercase success': [true, 'HTTP 200, a 2xx'],
      'an empty 200': [true, 'HTTP 200, a 2xx'],
      'an empty 204': [true, 'HTTP 204, a 2xx'],
      'JSON rsp_code FAIL': [true, 'HTTP 200, a 2xx'],
      'SUCCESS with HTTP 500': [false, 'HTTP 500, not 2xx'],
    },
    'json-rsp-code': {
      'SUCCESS': [false, 'HTTP 200, the body is not JSON'],
      'JSON rsp_code SUCCESS': [true, 'HTTP 200, JSON rsp_code SUCCESS'],
      'OK': [false, 'HTTP 200, the body is not JSON'],
      'lowercase success': [false, 'HTTP 200, the body is not JSON'],
      'an empty 200': [false, 'HTTP 200, the body is not JSON'],
      'an empty 204': [false, 'HTTP 204, the body is not JSON'],
      'JSON rsp_code FAIL': [false, 'HTTP 200, JSON rsp_code "FAIL" is not SUCCESS'],
      'SUCCESS with HTTP 500': [false, 'HTTP 500, not 2xx'],
    },
  };

  async function deliverEach(): Promise<Record<string, [boolean, string]>> {
    const answers = new Map<string, ReceiverAnswer>();
    t.receiver.setAnswer((_n, received) => answers.get(String(unseal(received.body, KEY).order_id)) ?? 'hang');
    const verdicts: Record<string, [boolean, string]> = {};
    for (const [name, answer] of Object.entries(REPLIES)) {
      const orderId = newOrderId('AK');
      answers.set(orderId, answer);
      await payOrder(t.sandbox, orderId, t.receiver.url);
      const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
      expect(delivery.state).toBe(delivery.attempts[0].ok ? 'delivered' : 'failed');
      verdicts[name] = [delivery.attempts[0].ok, delivery.attempts[0].ackReason];
    }
    return verdicts;
  }

  it.each(Object.keys(EXPECTED) as CallbackAckPolicy[])(
    'under the policy %s set on the control endpoint, records for each reply whether and why it acknowledged',
    async (policy) => {
      const set = await request('POST', `${t.sandbox.url}/sandbox/faults`, { callbackAck: policy });
      expect(set.body.callbackAck).toBe(policy);
      expect(await deliverEach()).toEqual(EXPECTED[policy]);
    },
  );

  it('records a reply that never came as not acknowledged, with the error', async () => {
    const orderId = newOrderId('AN');
    await payOrder(t.sandbox, orderId, 'http://127.0.0.1:9/nobody');
    const [delivery] = await t.sandbox.waitForDeliveries(orderId, settled);
    expect(delivery.attempts[0]).toMatchObject({ ok: false, ackPolicy: 'success-body', ackReason: expect.stringMatching(/^no complete reply: .*ECONNREFUSED/) });
  });

  it('takes the policy from the callbackAck option at start and keeps it through a reset of the faults', async () => {
    const other = await openSandbox({ callbackAck: 'any-2xx', faults: { duplicate: 2 } });
    const empty = await new Receiver(() => ({ status: 200, body: '' })).start();
    try {
      expect((await request('GET', `${other.sandbox.url}/sandbox/faults`)).body).toMatchObject({ callbackAck: 'any-2xx', duplicate: 2 });
      expect((await request('POST', `${other.sandbox.url}/sandbox/faults/reset`)).body).toMatchObject({ callbackAck: 'any-2xx', duplicate: 1 });
      const orderId = newOrderId('AS');
      await payOrder(other.sandbox, orderId, empty.url);
      const [delivery]: Delivery[] = await other.sandbox.waitForDeliveries(orderId, settled);
      expect(delivery).toMatchObject({ state: 'delivered', attempts: [{ ok: true, ackPolicy: 'any-2xx', ackReason: 'HTTP 200, a 2xx' }] });
      const dataDir = await tempDir();
      const refused = await openSandbox({ dataDir, callbackAck: 'whatever' as CallbackAckPolicy }).then(
        async (started) => {
          await started.stop();
          return 'started';
        },
        (error: Error) => error.message,
      );
      expect(refused).toContain('callbackAck');
      await removeDir(dataDir);
    } finally {
      await other.stop();
      await empty.close();
    }
  });
});
