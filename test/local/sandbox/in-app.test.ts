import { verifyCallback } from '../../../server/ottpay/callback';
import { inAppPay, readInAppReply, signAppPayRequest } from '../../../server/ottpay/in-app';
import {
  appWalletPay,
  callInApp,
  callOtt,
  createAppPayment,
  createPayment,
  CREDENTIALS,
  inAppData,
  newOrderId,
  opened,
  sandboxForFile,
  request,
  walletPay,
} from './helpers';

// Nothing listens here: used where no call-back is expected.
const NOWHERE = 'http://127.0.0.1:9/ottpay/callback';
const SEED_REPLY_KEYS = ['appId', 'bizType', 'nonceStr', 'package_', 'partnerId', 'paySign', 'prepay_id', 'reAmount', 'timeStamp', 'tradeNo', 'wxapikey'];

const t = sandboxForFile();

async function statusOf(orderId: string): Promise<Record<string, unknown>> {
  return opened(await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId })) as Record<string, unknown>;
}

describe('POST /inAppPay', () => {
  it("answers in the seed page's shape, with the sandbox's WeChat API key, and books a pending app payment", async () => {
    const orderId = newOrderId('IA');
    const reply = await callInApp(t.sandbox, inAppData(orderId, NOWHERE, { tip: '185' }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(reply.body)).toEqual(SEED_REPLY_KEYS);
    expect(Object.values(reply.body).every((value) => typeof value === 'string')).toBe(true);
    expect(reply.body).toMatchObject({
      appId: CREDENTIALS.nativeAppId,
      bizType: 'WECHATPAY',
      nonceStr: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
      package_: 'Sign=WXPay',
      partnerId: expect.stringMatching(/^\d{10}$/),
      prepay_id: expect.stringMatching(/^wx[0-9a-f]{30,}$/),
      reAmount: '1419',
      timeStamp: expect.stringMatching(/^20\d{8}$/),
      tradeNo: expect.stringMatching(/^\d{16}$/),
      wxapikey: CREDENTIALS.wechatApiKey,
    });

    const read = readInAppReply(reply.body, CREDENTIALS.nativeAppId);
    expect(read).toEqual({
      kind: 'ok',
      value: {
        issued: {
          appId: CREDENTIALS.nativeAppId,
          partnerId: reply.body.partnerId,
          prepayId: reply.body.prepay_id,
          nonceStr: reply.body.nonceStr,
          timeStamp: reply.body.timeStamp,
          tradeNo: reply.body.tradeNo,
        },
        wxApiKey: CREDENTIALS.wechatApiKey,
      },
      data: {},
    });
    if (read.kind !== 'ok') return;
    expect(reply.body.paySign).toBe(signAppPayRequest(read.value.issued, CREDENTIALS.wechatApiKey).sign);
    expect(await statusOf(orderId)).toMatchObject({ order_id: orderId, order_status: 'notpay', total_amount: '1419', tip: '185' });
  });

  it("serves the project's in-app client as configured for the local stack", async () => {
    const orderId = newOrderId('IC');
    const config = {
      apiUrl: `${t.sandbox.url}/inAppPay`,
      merchantId: CREDENTIALS.merchantId,
      operatorId: CREDENTIALS.operatorId,
      callbackUrl: NOWHERE,
      timeoutMs: 2000,
      appId: CREDENTIALS.nativeAppId,
    };
    const outcome = await inAppPay(config, { orderId, amountCents: 500, tipCents: 0 });
    expect(outcome).toMatchObject({ kind: 'ok', value: { payReq: { appId: CREDENTIALS.nativeAppId, packageValue: 'Sign=WXPay' } } });
    expect((await t.sandbox.transaction(orderId))!.transaction).toMatchObject({ action: 'INAPP', amount: 500, tip: 0, state: 'notpay' });
  });

  it.each([
    ['another app', { userId: CREDENTIALS.appId }, /userId/],
    ['another merchant', { merchant_id: 'SB99999999' }, /merchant_id/],
    ['another operator', { operator_id: '0000000099' }, /operator_id/],
    ['an amount in dollars', { amount: '12.34' }, /amount/],
    ['a zero amount', { amount: '0' }, /amount/],
    ['an amount as a number', { amount: 1234 }, /amount/],
    ['a negative tip', { tip: '-1' }, /tip/],
    ['another business type', { bizType: 'ALIPAY' }, /bizType/],
    ['a call-back URL that is not http(s)', { call_back_url: 'ftp://127.0.0.1/cb' }, /call_back_url/],
    ['a call-back URL over 255 characters', { call_back_url: `http://127.0.0.1/${'c'.repeat(240)}` }, /call_back_url/],
    ['a currency other than CAD', { currency_type: 'USD' }, /currency_type/],
    ['no userId', { userId: undefined }, /userId/],
  ])('refuses %s with PARAM_INVALID and books nothing', async (_case, change, message) => {
    const orderId = newOrderId('IR');
    const reply = await callInApp(t.sandbox, inAppData(orderId, NOWHERE, change));
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(['rsp_code', 'rsp_msg']);
    expect(reply.body.rsp_code).toBe('PARAM_INVALID');
    expect(reply.body.rsp_msg).toMatch(message);
    expect(await t.sandbox.transaction(orderId)).toBeNull();
  });

  it('refuses an order_id that is not 1-32 letters or digits', async () => {
    for (const orderId of ['has-dash', 'x'.repeat(33)]) {
      const reply = await callInApp(t.sandbox, inAppData(orderId, NOWHERE));
      expect(reply.body).toEqual({ rsp_code: 'PARAM_INVALID', rsp_msg: expect.stringMatching(/order_id/) });
    }
  });

  it('accepts currency_type CAD, refuses a used order_id with ORDER_USED and a paid one with ORDER_PAID', async () => {
    const orderId = newOrderId('IU');
    expect((await callInApp(t.sandbox, inAppData(orderId, NOWHERE, { currency_type: 'CAD' }))).body.prepay_id).toBeDefined();
    expect((await callInApp(t.sandbox, inAppData(orderId, NOWHERE))).body).toEqual({ rsp_code: 'ORDER_USED', rsp_msg: 'order number duplicated' });
    const mapppay = newOrderId('IM');
    await createPayment(t.sandbox, mapppay, NOWHERE);
    expect((await callInApp(t.sandbox, inAppData(mapppay, NOWHERE))).body.rsp_code).toBe('ORDER_USED');
    await request('POST', `${t.sandbox.url}/sandbox/transactions/${orderId}/approve`);
    expect((await callInApp(t.sandbox, inAppData(orderId, NOWHERE))).body.rsp_code).toBe('ORDER_PAID');
  });

  it('answers PARAM_ERROR to a body that is not JSON', async () => {
    expect((await callInApp(t.sandbox, 'userId=wx')).body).toEqual({ rsp_code: 'PARAM_ERROR', rsp_msg: 'request body is not JSON' });
  });
});

describe('response faults on /inAppPay (action INAPP)', () => {
  it('SYSTEM_ERROR before processing books nothing; PROCESSING after processing leaves the order booked', async () => {
    t.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['INAPP'], times: 1 } });
    const lost = newOrderId('IS');
    expect((await callInApp(t.sandbox, inAppData(lost, NOWHERE))).body).toEqual({ rsp_code: 'SYSTEM_ERROR', rsp_msg: 'system error' });
    expect(await t.sandbox.transaction(lost)).toBeNull();

    t.sandbox.faults.set({ response: { mode: 'PROCESSING', actions: ['INAPP'], times: 1, afterProcessing: true } });
    const booked = newOrderId('IP');
    expect((await callInApp(t.sandbox, inAppData(booked, NOWHERE))).body).toEqual({ rsp_code: 'PROCESSING', rsp_msg: 'transaction still processing' });
    expect(await statusOf(booked)).toMatchObject({ order_status: 'notpay' });
  });

  it('TIMEOUT holds the answer; a fault for MAPPPAY leaves /inAppPay alone', async () => {
    t.sandbox.faults.set({ response: { mode: 'TIMEOUT', actions: ['INAPP'], times: 1, afterProcessing: true, replyAfterMs: 150 } });
    const orderId = newOrderId('IT');
    const started = Date.now();
    const late = await callInApp(t.sandbox, inAppData(orderId, NOWHERE));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(late.body.prepay_id).toBe((await t.sandbox.transaction(orderId))!.transaction.prepayId);

    t.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['MAPPPAY'] } });
    expect((await callInApp(t.sandbox, inAppData(newOrderId('IN'), NOWHERE))).body.rsp_code).toBeUndefined();
  });

  it('refuses CORRUPT_DATA or WRONG_MD5 for INAPP, whose answer is not sealed', async () => {
    const reply = await request('POST', `${t.sandbox.url}/sandbox/faults`, { response: { mode: 'CORRUPT_DATA', actions: ['INAPP'] } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/INAPP/);
    expect(t.sandbox.faults.get().response).toBeNull();
  });
});

describe('wallet: an app payment (WeChat OpenSDK PayReq)', () => {
  it('accepts the PayReq signed with the sandbox key, delivers a call-back the project verifies; STATUS_QUERY and REFUND follow', async () => {
    const orderId = newOrderId('AW');
    const payReq = await createAppPayment(t.sandbox, orderId, t.receiver.url, { amount: '2500', tip: '300' });
    const paid = await appWalletPay(t.sandbox, payReq, 'success');
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ errCode: 0, errMsg: 'PayReq:ok' });

    const [delivery] = await t.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
    const received = t.receiver.received.find((r) => r.text === JSON.stringify(delivery.envelope))!;
    const verified = verifyCallback(received.body, { signKey: CREDENTIALS.signKey, merchantId: CREDENTIALS.merchantId });
    expect(verified).toMatchObject({ orderId, amountCents: 2500, tipCents: 300, merchantId: CREDENTIALS.merchantId });

    expect(await statusOf(orderId)).toMatchObject({ order_status: 'success', total_amount: '2800', refund_fee: '0', bizpay_order_id: verified.bizpayOrderId });
    const refundId = newOrderId('AR');
    const refund = opened(await callOtt(t.sandbox, 'REFUND', { order_id: refundId, ori_order_id: orderId, refund_amt: '800' }));
    expect(refund).toMatchObject({ order_id: refundId, ori_order_id: orderId, refund_amt: '800', refund_status: 'success' });
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'partial_refunded', refund_fee: '800' });
  });

  it('refuses a wrong key or any field changed, as WeChat does, and leaves the payment pending', async () => {
    const orderId = newOrderId('AF');
    const payReq = await createAppPayment(t.sandbox, orderId, NOWHERE);
    const wrongKey = signAppPayRequest(payReq, 'WRONGKEY' + CREDENTIALS.wechatApiKey.slice(8));
    const otherApp = signAppPayRequest({ ...payReq, appId: CREDENTIALS.appId }, CREDENTIALS.wechatApiKey);
    const otherPartner = signAppPayRequest({ ...payReq, partnerId: '1900000999' }, CREDENTIALS.wechatApiKey);
    const refusals: [object, number, RegExp][] = [
      [wrongKey, 400, /sign does not match/],
      [{ ...payReq, sign: payReq.sign.toLowerCase() }, 400, /sign does not match/],
      // a different first character (a nonce may already start with X)
      [{ ...payReq, nonceStr: (payReq.nonceStr.startsWith('X') ? 'Y' : 'X') + payReq.nonceStr.slice(1) }, 400, /sign does not match/],
      [{ ...payReq, timeStamp: String(Number(payReq.timeStamp) + 1) }, 400, /sign does not match/],
      [otherApp, 400, /appId/],
      [otherPartner, 400, /partnerId/],
      [{ ...payReq, packageValue: `prepay_id=${payReq.prepayId}` }, 400, /packageValue/],
      [{ ...payReq, prepayId: 'wx00000000000000000000000000000000' }, 404, /prepayId .* not found/],
      [{ ...payReq, sign: undefined }, 400, /sign is missing/],
    ];
    for (const [changed, status, reason] of refusals) {
      const reply = await request('POST', `${t.sandbox.url}/sandbox/wallet/app-pay`, { ...changed, outcome: 'success' });
      expect([reply.status, reply.body.errCode]).toEqual([status, -1]);
      expect(reply.body.errMsg).toMatch(/^PayReq:fail /);
      expect(reply.body.errMsg).toMatch(reason);
    }
    expect((await t.sandbox.transaction(orderId))!.transaction.state).toBe('notpay');
    expect((await appWalletPay(t.sandbox, payReq, 'success')).body.errCode).toBe(0);
  });

  it('answers a cancel with errCode -2 (still payable) and a failure with -1', async () => {
    const orderId = newOrderId('AC');
    const payReq = await createAppPayment(t.sandbox, orderId, NOWHERE);
    expect((await appWalletPay(t.sandbox, payReq, 'cancel')).body).toEqual({ errCode: -2, errMsg: 'PayReq:fail cancel' });
    expect((await t.sandbox.transaction(orderId))!.transaction.state).toBe('notpay');
    expect((await appWalletPay(t.sandbox, payReq, 'fail')).body).toMatchObject({ errCode: -1 });
    expect((await t.sandbox.transaction(orderId))!.transaction.state).toBe('failure');
    const again = await appWalletPay(t.sandbox, payReq, 'success');
    expect([again.status, again.body.errCode]).toEqual([409, -1]);
  });

  it('keeps app and mini-program payments apart: neither wallet pays the other kind', async () => {
    const app = newOrderId('AX');
    const payReq = await createAppPayment(t.sandbox, app, NOWHERE);
    const mini = newOrderId('MX');
    const wx = await createPayment(t.sandbox, mini, NOWHERE);
    const viaApp = await request('POST', `${t.sandbox.url}/sandbox/wallet/app-pay`, {
      ...signAppPayRequest({ ...payReq, prepayId: wx.package.slice('prepay_id='.length) }, CREDENTIALS.wechatApiKey),
      outcome: 'success',
    });
    expect(viaApp.status).toBe(400);
    expect(viaApp.body.errMsg).toMatch(/not an app payment/);
    const viaMini = await walletPay(t.sandbox, { ...wx, package: `prepay_id=${payReq.prepayId}` }, 'success');
    expect(viaMini.status).toBe(400);
    expect(viaMini.body.errMsg).toMatch(/not a mini-program payment/);
    for (const id of [app, mini]) expect((await t.sandbox.transaction(id))!.transaction.state).toBe('notpay');
  });
});
