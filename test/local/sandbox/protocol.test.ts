import { createDecipheriv, createHash } from 'crypto';
import { deriveAesKey, digest, javaDoubleText, seal, unseal } from '../../../server/ottpay/codec';
import { sealReply } from '../../../local/sandbox/sealing';
import {
  callOtt,
  CREDENTIALS,
  createPayment,
  envelope,
  KEY,
  mapppayData,
  newOrderId,
  opened,
  openSandbox,
  payOrder,
  request,
  TestSandbox,
  walletPay,
} from './helpers';

// No call-back is acknowledged here: nothing listens on this port.
const CALLBACK = 'http://127.0.0.1:9/ottpay/callback';

let t: TestSandbox;

beforeAll(async () => {
  t = await openSandbox({ callbackRetryScheduleMs: [] , callbackTimeoutMs: 200 });
});

afterAll(async () => {
  await t.stop();
});

function decryptRaw(md5: string, data: string): string {
  const decipher = createDecipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, KEY), 'ascii'), null);
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
}

function md5Upper(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

async function statusOf(orderId: string): Promise<Record<string, unknown>> {
  return opened(await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId })) as Record<string, unknown>;
}

describe('MAPPPAY', () => {
  it('creates a pending transaction and returns a double-encoded payInfo signed as WeChat Pay signs it', async () => {
    const orderId = newOrderId('MP');
    const reply = await callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK, { tip: '100' }));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ rsp_code: 'SUCCESS', rsp_msg: 'success' });
    const data = unseal(reply.body, KEY);
    expect(data).toMatchObject({ merchant_id: CREDENTIALS.merchantId, order_id: orderId, amount: '1234' });
    expect(data.sale_num).toMatch(/^\d{16}$/);
    expect(typeof data.payInfo).toBe('string');

    const info = JSON.parse(data.payInfo as string);
    expect(Object.keys(info)).toEqual(['appId', 'timeStamp', 'nonceStr', 'packageStr', 'signType', 'paySign']);
    expect(info.appId).toBe(CREDENTIALS.appId);
    expect(info.timeStamp).toMatch(/^20\d{8}$/);
    expect(info.nonceStr).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(info.packageStr).toMatch(/^prepay_id=wx[0-9a-f]{30,}$/);
    expect(info.signType).toBe('MD5');
    const expected = md5Upper(
      `appId=${info.appId}&nonceStr=${info.nonceStr}&package=${info.packageStr}&signType=MD5&timeStamp=${info.timeStamp}&key=${CREDENTIALS.wechatApiKey}`,
    );
    expect(info.paySign).toBe(expected);

    const state = await statusOf(orderId);
    expect(state).toMatchObject({ order_id: orderId, order_status: 'notpay', total_amount: '1334', tip: '100', refund_fee: '0' });
  });

  it('writes the reply JSON as Java does: "=" escaped; under replyNumbers number, amount a number and md5 over it as a Java double', async () => {
    const stringReply = await callOtt(t.sandbox, 'MAPPPAY', mapppayData(newOrderId('MS'), CALLBACK));
    expect(decryptRaw(stringReply.body.md5, stringReply.body.data)).toContain('"amount":"1234",');
    expect(stringReply.body.md5).toBe(digest(unseal(stringReply.body, KEY) as Record<string, string>));
    t.sandbox.readings.set({ replyNumbers: 'number' });
    const orderId = newOrderId('MJ');
    const reply = await callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK)).finally(() => t.sandbox.readings.set({ replyNumbers: 'string' }));
    const data = unseal(reply.body, KEY);
    expect(reply.body.md5).toBe(digest({ ...(data as Record<string, string>), amount: '1234.0' }));
    const plaintext = decryptRaw(reply.body.md5, reply.body.data);
    expect(plaintext).toContain('"amount":1234,');
    expect(plaintext).toContain('\\"packageStr\\":\\"prepay_id\\\\u003dwx');
    expect(plaintext).not.toContain('=');
  });

  it('digests the numbers of MAPPPAY and STATUS_QUERY replies under replyNumbers number as Java doubles by default, as JavaScript renders them under numberDigest js', async () => {
    t.sandbox.readings.set({ replyNumbers: 'number' });
    const digestedAs = async (render: (n: number) => string): Promise<boolean[]> => {
      const orderId = newOrderId('MN');
      const replies = [
        await callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK)),
        await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId }),
      ];
      return replies.map((reply) => {
        const values = Object.entries(unseal(reply.body, KEY));
        expect(values.some(([, value]) => typeof value === 'number')).toBe(true);
        return reply.body.md5 === digest(Object.fromEntries(values.map(([k, v]) => [k, typeof v === 'number' ? render(v) : String(v)])));
      });
    };
    expect(await digestedAs(javaDoubleText)).toEqual([true, true]);
    t.sandbox.faults.set({ numberDigest: 'js' });
    try {
      expect(await digestedAs(String)).toEqual([true, true]);
    } finally {
      t.sandbox.faults.reset();
      t.sandbox.readings.set({ replyNumbers: 'string' });
    }
  });

  it("accepts the tip spelled 'Tip' as the documentation's table does, but not both spellings", async () => {
    const orderId = newOrderId('TP');
    opened(await callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK, { Tip: '66' })));
    expect(await statusOf(orderId)).toMatchObject({ total_amount: '1300', tip: '66' });
    const both = await callOtt(t.sandbox, 'MAPPPAY', mapppayData(newOrderId('TB'), CALLBACK, { Tip: '1', tip: '1' }));
    expect(both.body.rsp_code).toBe('PARAM_INVALID');
  });

  it('refuses a duplicate order_id with ORDER_USED, and with ORDER_PAID once paid', async () => {
    const orderId = newOrderId('DU');
    await createPayment(t.sandbox, orderId, CALLBACK);
    const again = await callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK));
    expect(again.body.rsp_code).toBe('ORDER_USED');
    expect(again.body.data).toBeUndefined();

    const paid = newOrderId('DP');
    await payOrder(t.sandbox, paid, CALLBACK);
    expect((await callOtt(t.sandbox, 'MAPPPAY', mapppayData(paid, CALLBACK))).body.rsp_code).toBe('ORDER_PAID');
    expect((await callOtt(t.sandbox, 'ACTIVEPAY', mapppayData(paid, CALLBACK))).body.rsp_code).toBe('ORDER_PAID');
  });
});

describe('ACTIVEPAY', () => {
  it('returns a QR code URL and the wallet order id', async () => {
    const orderId = newOrderId('QR');
    const data = opened(
      await callOtt(t.sandbox, 'ACTIVEPAY', {
        order_id: orderId,
        operator_id: CREDENTIALS.operatorId,
        amount: '500',
        biz_type: 'WECHATPAY',
        call_back_url: CALLBACK,
      }),
    );
    expect(data).toEqual({ bizpay_order_id: expect.stringMatching(/^WX\d{17}$/), code_url: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=[A-Za-z0-9]{9}$/), order_id: orderId });
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'init', total_amount: '500', bizpay_order_id: data.bizpay_order_id });
  });
});

describe('STATUS_QUERY', () => {
  it('answers with strings of digits, the Java trade_time and the exchange rate', async () => {
    const orderId = newOrderId('SQ');
    await createPayment(t.sandbox, orderId, CALLBACK);
    const reply = await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId });
    const data = unseal(reply.body, KEY);
    expect(data).toEqual({
      order_id: orderId,
      total_amount: '1234',
      refund_fee: '0',
      order_status: 'notpay',
      trade_time: expect.stringMatching(/^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/),
      tip: '0',
      exchange_rate: '5.20000000',
    });
  });

  it('follows the order through success, failure and closing (D10 vocabulary)', async () => {
    const paid = newOrderId('SP');
    await payOrder(t.sandbox, paid, CALLBACK);
    expect(await statusOf(paid)).toMatchObject({ order_status: 'success', bizpay_order_id: expect.stringMatching(/^WX/) });

    const failed = newOrderId('SF');
    await walletPay(t.sandbox, await createPayment(t.sandbox, failed, CALLBACK), 'fail');
    expect((await statusOf(failed)).order_status).toBe('failure');

    const closed = newOrderId('SC');
    await createPayment(t.sandbox, closed, CALLBACK);
    expect((await request('POST', `${t.sandbox.url}/sandbox/transactions/${closed}/close`)).status).toBe(200);
    expect((await statusOf(closed)).order_status).toBe('orderclosed');
  });

  it('answers FAIL for an unknown order', async () => {
    const reply = await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: 'NOSUCHORDER1' });
    expect(reply.body).toEqual({ rsp_code: 'FAIL', rsp_msg: expect.stringContaining('order not found') });
  });
});

describe('REFUND', () => {
  async function refund(refundId: string, ori: string, amount: string) {
    return callOtt(t.sandbox, 'REFUND', { order_id: refundId, ori_order_id: ori, refund_amt: amount });
  }

  it('refunds up to the paid total (amount + tip), partially then fully', async () => {
    const orderId = newOrderId('RF');
    await payOrder(t.sandbox, orderId, CALLBACK, { amount: '1000', tip: '200' });

    const first = newOrderId('R');
    expect(opened(await refund(first, orderId, '700'))).toEqual({
      order_id: first,
      ori_order_id: orderId,
      refund_amt: '700',
      refund_status: 'success',
    });
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'partial_refunded', refund_fee: '700', total_amount: '1200' });

    const tooMuch = await refund(newOrderId('R'), orderId, '501');
    expect(tooMuch.body).toEqual({ rsp_code: 'FAIL', rsp_msg: expect.stringContaining('exceeds the refundable amount 500') });
    expect((await refund(first, orderId, '1')).body.rsp_code).toBe('ORDER_USED');

    opened(await refund(newOrderId('R'), orderId, '500'));
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'fully_refunded', refund_fee: '1200' });
    const more = await refund(newOrderId('R'), orderId, '1');
    expect(more.body).toEqual({ rsp_code: 'FAIL', rsp_msg: expect.stringContaining('fully refunded') });
  });

  it('refuses unpaid or unknown orders and out-of-range amounts', async () => {
    const unpaid = newOrderId('RU');
    await createPayment(t.sandbox, unpaid, CALLBACK);
    expect((await refund(newOrderId('R'), unpaid, '1')).body).toEqual({ rsp_code: 'FAIL', rsp_msg: expect.stringContaining('not paid') });
    expect((await refund(newOrderId('R'), 'NOSUCHORDER2', '1')).body).toEqual({ rsp_code: 'FAIL', rsp_msg: expect.stringContaining('not found') });

    const paid = newOrderId('RP');
    await payOrder(t.sandbox, paid, CALLBACK);
    expect((await refund(newOrderId('R'), paid, '0')).body.rsp_code).toBe('PARAM_INVALID');
    expect((await refund(newOrderId('R'), paid, '-5')).body.rsp_code).toBe('PARAM_INVALID');
    expect((await refund(newOrderId('R'), paid, '1235')).body.rsp_code).toBe('FAIL');
    expect((await refund(paid, paid, '1')).body.rsp_code).toBe('ORDER_USED');
    expect(await statusOf(paid)).toMatchObject({ order_status: 'success', refund_fee: '0' });
  });
});

describe('EX_RATE_QUERY', () => {
  it('returns the CAD rate scaled by 10^8 and refuses other currencies', async () => {
    expect(opened(await callOtt(t.sandbox, 'EX_RATE_QUERY', { fee_type: 'CAD' }))).toEqual({ feeType: 'CAD', rate: '520000000' });
    const usd = await callOtt(t.sandbox, 'EX_RATE_QUERY', { fee_type: 'XYZ' });
    expect(usd.body.rsp_code).toBe('PARAM_INVALID');
  });
});

describe('envelope and field checks', () => {
  it('answers PARAM_ERROR when the md5 does not match or the data does not decrypt', async () => {
    const good = envelope('STATUS_QUERY', { order_id: 'ABC123' });
    const wrongMd5 = await request('POST', `${t.sandbox.url}/processV2`, { ...good, md5: digest({ order_id: 'OTHER' }) });
    expect(wrongMd5.body).toEqual({ rsp_code: 'PARAM_ERROR', rsp_msg: expect.stringContaining('md5 check failed') });

    const otherKey = { ...good, ...seal({ order_id: 'ABC123' }, 'FEDCBA9876543210') };
    expect((await request('POST', `${t.sandbox.url}/processV2`, otherKey)).body.rsp_code).toBe('PARAM_ERROR');
    expect((await request('POST', `${t.sandbox.url}/processV2`, { ...good, data: 'not base64!' })).body.rsp_code).toBe('PARAM_ERROR');
    expect((await request('POST', `${t.sandbox.url}/processV2`, 'not json')).body.rsp_code).toBe('PARAM_ERROR');
  });

  it('answers PARAM_INVALID for another merchant, an unknown action or a missing envelope field', async () => {
    const other = await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: 'ABC123' }, { merchant_id: 'ON00009999' });
    expect(other.body).toEqual({ rsp_code: 'PARAM_INVALID', rsp_msg: expect.stringContaining('merchant_id') });
    expect((await callOtt(t.sandbox, 'PAY_ALL', { order_id: 'ABC123' })).body).toEqual({
      rsp_code: 'PARAM_INVALID',
      rsp_msg: 'unknown action PAY_ALL',
    });
    expect((await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: 'ABC123' }, { version: undefined })).body.rsp_code).toBe(
      'PARAM_INVALID',
    );
  });

  it.each([
    ['amount with decimals', { amount: '12.34' }],
    ['amount not digits', { amount: 'abc' }],
    ['zero amount', { amount: '0' }],
    ['order_id too long', { order_id: 'A'.repeat(33) }],
    ['order_id with punctuation', { order_id: 'ORDER-1' }],
    ['tip not digits', { tip: '1.5' }],
    ['wrong biz_type', { biz_type: 'WECHATAY' }],
    ['another app_id', { app_id: 'wx0000000000000000' }],
    ['another operator', { operator_id: '0000009999' }],
    ['missing open_id', { open_id: '' }],
    ['call_back_url not a URL', { call_back_url: 'callback' }],
  ])('answers PARAM_INVALID for %s', async (_, change) => {
    const reply = await callOtt(t.sandbox, 'MAPPPAY', mapppayData(newOrderId('IV'), CALLBACK, change));
    expect(reply.body.rsp_code).toBe('PARAM_INVALID');
    expect(reply.body.rsp_msg).toEqual(expect.any(String));
  });

  it("refuses a currency_type other than the merchant's CAD with PARAM_INVALID, creating nothing, and accepts CAD", async () => {
    for (const [action, currency] of [['MAPPPAY', 'JPY'], ['MAPPPAY', ''], ['ACTIVEPAY', 'USD']]) {
      const orderId = newOrderId('CY');
      const reply = await callOtt(t.sandbox, action, mapppayData(orderId, CALLBACK, { currency_type: currency }));
      expect(reply.body).toEqual({ rsp_code: 'PARAM_INVALID', rsp_msg: expect.stringContaining('currency_type') });
      expect(await t.sandbox.transaction(orderId)).toBeNull();
    }
    const orderId = newOrderId('CC');
    opened(await callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK, { currency_type: 'CAD' })));
    expect(await statusOf(orderId)).toMatchObject({ order_id: orderId, total_amount: '1234' });
  });

  it('answers PARAM_INVALID for a value that is not a string', async () => {
    const data = { ...mapppayData(newOrderId('NS'), CALLBACK), amount: 1234 };
    const body = { action: 'MAPPPAY', version: '1.0', merchant_id: CREDENTIALS.merchantId, ...sealReply(data, KEY, 'js') };
    const reply = await request('POST', `${t.sandbox.url}/processV2`, body);
    expect(reply.body).toEqual({ rsp_code: 'PARAM_INVALID', rsp_msg: 'amount must be a string' });
  });

  it('never logs the sign key', () => {
    expect(t.lines.length).toBeGreaterThan(10);
    expect(t.lines.some((line) => line.includes('/processV2 MAPPPAY'))).toBe(true);
    expect(t.lines.join('\n')).not.toContain(KEY);
  });
});
