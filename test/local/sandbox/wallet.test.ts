import { unseal } from '../../../server/ottpay/codec';
import {
  callOtt,
  CREDENTIALS,
  createPayment,
  KEY,
  newOrderId,
  opened,
  sandboxForFile,
  request,
  walletPay,
} from './helpers';

const t = sandboxForFile();

async function stateOf(orderId: string): Promise<string> {
  return (await t.sandbox.transaction(orderId))!.transaction.state;
}

describe('wallet: wx.requestPayment', () => {
  it('pays, answers requestPayment:ok and delivers the documented call-back', async () => {
    const orderId = newOrderId('WS');
    const params = await createPayment(t.sandbox, orderId, t.receiver.url, { amount: '2500', tip: '300' });
    const reply = await walletPay(t.sandbox, params, 'success');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ errMsg: 'requestPayment:ok' });
    expect(await stateOf(orderId)).toBe('success');

    const [delivery] = await t.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
    const received = t.receiver.received.find((r) => r.text === JSON.stringify(delivery.envelope))!;
    expect(received.contentType).toMatch(/^application\/json/);
    expect(received.body).toMatchObject({ rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: CREDENTIALS.merchantId });
    const data = unseal(received.body, KEY);
    expect(data).toEqual({
      amount: '2500',
      tip: '300',
      order_id: orderId,
      merchant_id: CREDENTIALS.merchantId,
      bizpay_order_id: expect.stringMatching(/^WX\d{17}$/),
      finish_time: expect.stringMatching(/^20\d{12}$/),
      exchange_rate: '5.200000',
    });
    expect(Object.values(data).every((v) => typeof v === 'string')).toBe(true);
    const details = (await t.sandbox.transaction(orderId))!;
    expect(details.transaction.finishTime).toBe(data.finish_time);
    expect(details.deliveries).toHaveLength(1);
    expect(details.deliveries[0].attempts).toEqual([
      expect.objectContaining({ httpStatus: 200, reply: 'SUCCESS', error: null, ok: true, copy: 1 }),
    ]);
  });

  it('leaves tip out of the call-back when there is none', async () => {
    const orderId = newOrderId('WN');
    await walletPay(t.sandbox, await createPayment(t.sandbox, orderId, t.receiver.url), 'success');
    const [delivery] = await t.sandbox.waitForDeliveries(orderId);
    const data = unseal(delivery.envelope, KEY);
    expect(data.tip).toBeUndefined();
    expect(data.amount).toBe('1234');
  });

  it('keeps the order payable after a cancel', async () => {
    const orderId = newOrderId('WC');
    const params = await createPayment(t.sandbox, orderId, t.receiver.url);
    expect((await walletPay(t.sandbox, params, 'cancel')).body).toEqual({ errMsg: 'requestPayment:fail cancel' });
    expect(await stateOf(orderId)).toBe('notpay');
    expect((await t.sandbox.transaction(orderId))!.deliveries).toEqual([]);
    expect((await walletPay(t.sandbox, params, 'success')).body).toEqual({ errMsg: 'requestPayment:ok' });
    expect(await stateOf(orderId)).toBe('success');
  });

  it('fails the order on a wallet failure and refuses to pay it afterwards', async () => {
    const orderId = newOrderId('WF');
    const params = await createPayment(t.sandbox, orderId, t.receiver.url);
    const failed = await walletPay(t.sandbox, params, 'fail');
    expect(failed.status).toBe(200);
    expect(failed.body.errMsg).toMatch(/^requestPayment:fail /);
    expect(await stateOf(orderId)).toBe('failure');
    const again = await walletPay(t.sandbox, params, 'success');
    expect(again.status).toBe(409);
    expect(again.body.errMsg).toMatch(/^requestPayment:fail .*failed/);
  });

  it('refuses to pay an order twice', async () => {
    const orderId = newOrderId('WT');
    const params = await createPayment(t.sandbox, orderId, t.receiver.url);
    await walletPay(t.sandbox, params, 'success');
    const second = await walletPay(t.sandbox, params, 'success');
    expect(second.status).toBe(409);
    expect(second.body.errMsg).toBe('requestPayment:fail the order is already paid');
    await t.sandbox.waitForDeliveries(orderId);
    expect((await t.sandbox.transaction(orderId))!.deliveries).toHaveLength(1);
  });

  it('refuses a wrong paySign or any signed value changed, as WeChat does', async () => {
    const orderId = newOrderId('WP');
    const params = await createPayment(t.sandbox, orderId, t.receiver.url);
    const changes = [
      { paySign: '0'.repeat(32) },
      { paySign: params.paySign.toLowerCase() },
      { nonceStr: 'X' + params.nonceStr.slice(1) },
      { timeStamp: String(Number(params.timeStamp) + 1) },
    ];
    for (const change of changes) {
      const reply = await walletPay(t.sandbox, { ...params, ...change }, 'success');
      expect(reply.status).toBe(400);
      expect(reply.body.errMsg).toMatch(/^requestPayment:fail .*paySign/);
    }
    expect((await walletPay(t.sandbox, { ...params, signType: 'HMAC-SHA256' }, 'success')).status).toBe(400);
    expect(await stateOf(orderId)).toBe('notpay');
  });

  it('answers 404 for an unknown prepay id and 400 for a malformed request', async () => {
    const params = await createPayment(t.sandbox, newOrderId('WU'), t.receiver.url);
    const unknown = await walletPay(t.sandbox, { ...params, package: 'prepay_id=wx00000000000000000000000000000000' }, 'success');
    expect(unknown.status).toBe(404);
    expect(unknown.body.errMsg).toMatch(/^requestPayment:fail /);
    expect((await walletPay(t.sandbox, params, 'maybe')).status).toBe(400);
    expect((await request('POST', `${t.sandbox.url}/sandbox/wallet/pay`, { outcome: 'success' })).status).toBe(400);
  });
});

describe('wallet: paying by the order id a function returned', () => {
  const payById = (orderId: unknown, extra: Record<string, unknown> = {}) =>
    request('POST', `${t.sandbox.url}/sandbox/wallet/pay`, { orderId, outcome: 'success', ...extra });

  it("pays the order's newest payable attempt (order id, then order id + P + n) and delivers its call-back", async () => {
    const orderId = newOrderId('WO');
    await createPayment(t.sandbox, orderId, t.receiver.url);
    await createPayment(t.sandbox, `${orderId}P2`, t.receiver.url);
    await createPayment(t.sandbox, `${orderId}X`, t.receiver.url);
    const reply = await payById(orderId);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ errMsg: 'requestPayment:ok', orderId: `${orderId}P2` });
    expect(await stateOf(`${orderId}P2`)).toBe('success');
    expect(await stateOf(orderId)).toBe('notpay');
    expect(await stateOf(`${orderId}X`)).toBe('notpay');
    const [delivery] = await t.sandbox.waitForDeliveries(`${orderId}P2`);
    expect(unseal(delivery.envelope, KEY)).toMatchObject({ order_id: `${orderId}P2`, amount: '1234' });
  });

  it('refuses an order with nothing left to pay, an unknown order and a mixed or malformed request', async () => {
    const orderId = newOrderId('WQ');
    const params = await createPayment(t.sandbox, orderId, t.receiver.url);
    expect((await payById(orderId, { outcome: 'cancel' })).body).toEqual({ errMsg: 'requestPayment:fail cancel', orderId });
    await walletPay(t.sandbox, params, 'success');
    const twice = await payById(orderId);
    expect(twice.status).toBe(409);
    expect(twice.body.errMsg).toBe('requestPayment:fail the order is already paid');
    expect((await payById(newOrderId('WZ'))).status).toBe(404);
    expect((await payById(orderId, { paySign: params.paySign })).status).toBe(400);
    expect((await payById('not-an-id')).status).toBe(400);
    expect((await payById(orderId, { outcome: 'maybe' })).status).toBe(400);
  });
});

describe('wallet: scanning an ACTIVEPAY QR code', () => {
  async function qrOrder(orderId: string): Promise<string> {
    const data = opened(
      await callOtt(t.sandbox, 'ACTIVEPAY', {
        order_id: orderId,
        operator_id: CREDENTIALS.operatorId,
        amount: '800',
        biz_type: 'WECHATPAY',
        call_back_url: t.receiver.url,
      }),
    );
    return data.code_url as string;
  }

  it('pays by scan and delivers the call-back with the QR order id', async () => {
    const orderId = newOrderId('QS');
    const codeUrl = await qrOrder(orderId);
    const reply = await request('POST', `${t.sandbox.url}/sandbox/wallet/scan`, { codeUrl, outcome: 'success', openid: 'oPAYER1' });
    expect(reply.body).toEqual({ errMsg: 'scanPay:ok', orderId });
    const details = (await t.sandbox.transaction(orderId))!;
    expect(details.transaction).toMatchObject({ state: 'success', payerOpenId: 'oPAYER1', total: 800 });
    const [delivery] = await t.sandbox.waitForDeliveries(orderId);
    expect(unseal(delivery.envelope, KEY)).toMatchObject({ order_id: orderId, amount: '800', bizpay_order_id: details.transaction.bizpayOrderId });
  });

  it('handles cancel, unknown codes and paid codes', async () => {
    const orderId = newOrderId('QC');
    const codeUrl = await qrOrder(orderId);
    const cancel = await request('POST', `${t.sandbox.url}/sandbox/wallet/scan`, { codeUrl, outcome: 'cancel' });
    expect(cancel.body).toEqual({ errMsg: 'scanPay:fail cancel', orderId });
    expect(await stateOf(orderId)).toBe('notpay');
    const unknown = await request('POST', `${t.sandbox.url}/sandbox/wallet/scan`, { codeUrl: 'weixin://wxpay/bizpayurl?pr=zzzzzzzzz', outcome: 'success' });
    expect(unknown.status).toBe(404);
    await request('POST', `${t.sandbox.url}/sandbox/wallet/scan`, { codeUrl, outcome: 'success' });
    const twice = await request('POST', `${t.sandbox.url}/sandbox/wallet/scan`, { codeUrl, outcome: 'success' });
    expect(twice.status).toBe(409);
  });
});
