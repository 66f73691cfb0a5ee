import { readdir } from 'fs/promises';
import type { Sandbox } from '../../../local/sandbox';
import { CallbackDelivery } from '../../../local/sandbox/callbacks';
import { SandboxStore } from '../../../local/sandbox/store';
import { callOtt, createPayment, mapppayData, newOrderId, opened, openSandbox, payOrder, Receiver, removeDir, tempDir, walletPay } from './helpers';

describe('durability across a crash', () => {
  let dataDir: string;
  let receiver: Receiver;

  beforeEach(async () => {
    dataDir = await tempDir();
    receiver = await new Receiver().start();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await receiver.close();
    await removeDir(dataDir);
  });

  it('queues the call-back of an order paid just before the crash when the sandbox starts again', async () => {
    const orderId = newOrderId('DP');
    const first = await openSandbox({ dataDir });
    const params = await createPayment(first.sandbox, orderId, receiver.url);
    jest.spyOn(CallbackDelivery.prototype, 'enqueue').mockRejectedValueOnce(new Error('killed before the call-back was queued'));
    expect((await walletPay(first.sandbox, params, 'success')).status).toBe(500);
    const crashed = (await first.sandbox.transaction(orderId))!;
    expect(crashed.transaction).toMatchObject({ state: 'success', callbackDue: true });
    expect(crashed.deliveries).toEqual([]);
    await first.stop();

    const second = await openSandbox({ dataDir });
    try {
      const [delivery] = await second.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
      expect(delivery.trigger).toBe('payment');
      expect(receiver.orderIds()).toEqual([orderId]);
      expect((await second.sandbox.transaction(orderId))!.transaction.callbackDue).toBeUndefined();
    } finally {
      await second.stop();
    }
  });

  it('sends no second call-back when the crash came after queuing it but before clearing the mark', async () => {
    const orderId = newOrderId('DQ');
    const first = await openSandbox({ dataDir });
    const params = await createPayment(first.sandbox, orderId, receiver.url);
    jest.spyOn(SandboxStore.prototype, 'clearCallbackDue').mockRejectedValueOnce(new Error('killed before the mark was cleared'));
    expect((await walletPay(first.sandbox, params, 'success')).status).toBe(500);
    await first.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
    expect((await first.sandbox.transaction(orderId))!.transaction.callbackDue).toBe(true);
    await first.stop();

    const second = await openSandbox({ dataDir });
    try {
      const details = (await second.sandbox.transaction(orderId))!;
      expect(details.transaction.callbackDue).toBeUndefined();
      expect(details.deliveries.map((d) => d.state)).toEqual(['delivered']);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('books a refund in one write of its transaction and keeps refund order ids unique across a restart', async () => {
    const paid = newOrderId('DR');
    const other = newOrderId('DO');
    const [first34, then100] = [newOrderId('R'), newOrderId('R')];
    const refund = (sandbox: Sandbox, refundId: string, ori: string, amount: string) =>
      callOtt(sandbox, 'REFUND', { order_id: refundId, ori_order_id: ori, refund_amt: amount });
    const refundFee = async (sandbox: Sandbox) =>
      opened(await callOtt(sandbox, 'STATUS_QUERY', { order_id: paid })).refund_fee;

    const first = await openSandbox({ dataDir });
    await payOrder(first.sandbox, paid, receiver.url);
    await payOrder(first.sandbox, other, receiver.url);
    opened(await refund(first.sandbox, first34, paid, '34'));
    opened(await refund(first.sandbox, then100, paid, '100'));
    expect((await refund(first.sandbox, first34, other, '1')).body.rsp_code).toBe('ORDER_USED');
    expect((await refund(first.sandbox, other, paid, '1')).body.rsp_code).toBe('ORDER_USED');
    expect(await refundFee(first.sandbox)).toBe('134');
    await first.stop();
    expect(await readdir(dataDir)).not.toContain('refunds.db');

    const store = await SandboxStore.open(dataDir);
    const transaction = (await store.findTransaction({ orderId: paid }))!;
    await store.close();
    expect(transaction).toMatchObject({ state: 'partial_refunded', refunded: 134, refundIds: [first34, then100] });
    expect(transaction.refunds!.map((r) => [r.refundOrderId, r.oriOrderId, r.amount])).toEqual([
      [first34, paid, 34],
      [then100, paid, 100],
    ]);

    const second = await openSandbox({ dataDir });
    try {
      expect(await refundFee(second.sandbox)).toBe('134');
      expect((await refund(second.sandbox, then100, other, '1')).body.rsp_code).toBe('ORDER_USED');
      expect((await callOtt(second.sandbox, 'MAPPPAY', mapppayData(first34, receiver.url))).body.rsp_code).toBe('ORDER_USED');
      const { refunds } = (await second.sandbox.transaction(paid))!;
      expect(refunds).toEqual([
        { refundOrderId: first34, oriOrderId: paid, amount: 34, seq: expect.any(Number), createdAt: expect.any(String) },
        { refundOrderId: then100, oriOrderId: paid, amount: 100, seq: expect.any(Number), createdAt: expect.any(String) },
      ]);
      expect(refunds[0].seq).toBeLessThan(refunds[1].seq);
      expect((await second.sandbox.transaction(other))!.refunds).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
