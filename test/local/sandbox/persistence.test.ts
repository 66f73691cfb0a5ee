import { readdir } from 'fs/promises';
import { callOtt, createPayment, mapppayData, newOrderId, opened, openSandbox, payOrder, Receiver, removeDir, request, tempDir, walletPay } from './helpers';

describe('persistence across restarts', () => {
  let dataDir: string;
  let receiver: Receiver;

  beforeEach(async () => {
    dataDir = await tempDir();
    receiver = await new Receiver().start();
  });

  afterEach(async () => {
    await receiver.close();
    await removeDir(dataDir);
  });

  it('keeps transactions, refunds, call-backs and the request log in nedb files under dataDir', async () => {
    const pending = newOrderId('PP');
    const paid = newOrderId('PD');
    const first = await openSandbox({ dataDir });
    const params = await createPayment(first.sandbox, pending, receiver.url, { tip: '50' });
    await payOrder(first.sandbox, paid, receiver.url);
    await first.sandbox.waitForDeliveries(paid, (d) => d[0]?.state === 'delivered');
    opened(await callOtt(first.sandbox, 'REFUND', { order_id: newOrderId('PR'), ori_order_id: paid, refund_amt: '34' }));
    await first.stop();
    expect((await readdir(dataDir)).sort()).toEqual(['callbacks.db', 'requests.db', 'transactions.db']);

    const second = await openSandbox({ dataDir });
    try {
      expect((await second.sandbox.requests({ orderId: paid })).requests.map((r) => r.action)).toEqual(['REFUND', 'MAPPPAY']);
      expect(opened(await callOtt(second.sandbox, 'STATUS_QUERY', { order_id: pending }))).toMatchObject({
        order_status: 'notpay',
        total_amount: '1284',
      });
      expect(opened(await callOtt(second.sandbox, 'STATUS_QUERY', { order_id: paid }))).toMatchObject({
        order_status: 'partial_refunded',
        refund_fee: '34',
      });
      const listed = (await request('GET', `${second.sandbox.url}/sandbox/transactions`)).body.transactions;
      expect(listed.map((tx: { orderId: string }) => tx.orderId)).toEqual([paid, pending]);
      const details = (await second.sandbox.transaction(paid))!;
      expect(details.refunds).toHaveLength(1);
      expect(details.deliveries[0]).toMatchObject({ state: 'delivered', attempts: [expect.objectContaining({ ok: true })] });
      expect((await callOtt(second.sandbox, 'MAPPPAY', mapppayData(pending, receiver.url))).body.rsp_code).toBe('ORDER_USED');
      // the payInfo issued before the restart still pays
      expect((await walletPay(second.sandbox, params, 'success')).body).toEqual({ errMsg: 'requestPayment:ok' });
    } finally {
      await second.stop();
    }
  });

  it('resumes a pending retry after a restart', async () => {
    const orderId = newOrderId('PX');
    let calls = 0;
    receiver.setAnswer(() => (calls++ === 0 ? { status: 503, body: 'busy' } : { status: 200, body: 'SUCCESS' }));
    const first = await openSandbox({ dataDir, callbackRetryScheduleMs: [250] });
    await payOrder(first.sandbox, orderId, receiver.url);
    const [waiting] = await first.sandbox.waitForDeliveries(orderId, (d) => d[0]?.attempts.length === 1 && d[0].nextAttemptAt !== null);
    expect(waiting).toMatchObject({ state: 'pending', rounds: 1 });
    await first.stop();
    expect(receiver.received).toHaveLength(1);

    const second = await openSandbox({ dataDir, callbackRetryScheduleMs: [250] });
    try {
      const [done] = await second.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
      expect(done.attempts.map((a) => a.httpStatus)).toEqual([503, 200]);
      expect(Date.parse(done.attempts[1].at)).toBeGreaterThanOrEqual(waiting.nextAttemptAt! - 5);
      expect(receiver.received).toHaveLength(2);
    } finally {
      await second.stop();
    }
  });

  it('sends call-backs held for reordering after a restart', async () => {
    const orderId = newOrderId('PH');
    const first = await openSandbox({ dataDir, faults: { reorder: 3, reorderTimeoutMs: 60_000 } });
    await payOrder(first.sandbox, orderId, receiver.url);
    expect((await first.sandbox.transaction(orderId))!.deliveries[0].state).toBe('held');
    await first.stop();

    const second = await openSandbox({ dataDir });
    try {
      const [done] = await second.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
      expect(done.attempts).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});
