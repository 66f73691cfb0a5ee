import { javaDoubleText, seal } from '../../../server/ottpay/codec';
import { OttClient } from '../../../server/ottpay/client';
import { TransportError } from '../../../server/ottpay/transport';
import { failure, FakeOtt, sealPlaintext, success, successWithNumbers, TEST_MERCHANT, testConfig } from './fake-ott';

// Example D of the protocol reference (OTT's Java SDK), as OTT Pay would send it.
const EXAMPLE_D_PAY_INFO =
  '{"appId":"wx5f89682208cf8e88","timeStamp":"2018091015","nonceStr":"fGzn4apm4g33UnYU","packageStr":"prepay_id\\u003dwx11030407018895349c421ab82302468473","signType":"MD5","paySign":"0961D43010DF42EA6021D76915F36F7A"}';

const MAPP = { orderId: 'A20240101x0001', amountCents: 1250, tipCents: 0, appId: 'wx5f89682208cf8e88', openId: 'oTESTOPENID000000000000000000' };

let ott: FakeOtt;
let client: OttClient;

beforeAll(async () => {
  ott = await FakeOtt.start();
});
afterAll(() => ott.stop());
beforeEach(() => {
  ott.requests.length = 0;
  client = new OttClient(testConfig(ott.url));
});

function mappPayReply(orderId: string, extra: Record<string, string> = {}): object {
  return success({ payInfo: EXAMPLE_D_PAY_INFO, merchant_id: TEST_MERCHANT, order_id: orderId, sale_num: '1536606245849717', ...extra });
}

describe('MAPPPAY request', () => {
  it('posts the envelope as JSON with exactly the documented data, every value a string', async () => {
    ott.answer(() => ({ body: mappPayReply(MAPP.orderId) }));
    await client.mappPay(MAPP);

    expect(ott.requests).toHaveLength(1);
    const [request] = ott.requests;
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(request.envelope).sort()).toEqual(['action', 'data', 'md5', 'merchant_id', 'version']);
    expect(request.envelope).toMatchObject({ action: 'MAPPPAY', version: '1.0', merchant_id: TEST_MERCHANT });
    expect(request.data).toEqual({
      order_id: 'A20240101x0001',
      operator_id: '0000020156',
      amount: '1250',
      biz_type: 'WECHATPAY',
      app_id: 'wx5f89682208cf8e88',
      open_id: 'oTESTOPENID000000000000000000',
      call_back_url: 'https://merchant.example.com/ottpay/callback',
    });
    expect(Object.values(request.data).every((value) => typeof value === 'string')).toBe(true);
  });

  it('sends a non-zero tip as lowercase "tip", and leaves it out when absent', async () => {
    ott.answer((r) => ({ body: mappPayReply(r.data.order_id as string) }));
    await client.mappPay({ ...MAPP, tipCents: 150 });
    await client.mappPay({ ...MAPP, tipCents: undefined });

    expect(ott.requests[0].data).toMatchObject({ amount: '1250', tip: '150' });
    expect(ott.requests[0].data).not.toHaveProperty('Tip');
    expect(ott.requests[1].data).not.toHaveProperty('tip');
  });

  it('uses the configured MAPPPAY version', async () => {
    client = new OttClient(testConfig(ott.url, { versions: { ...testConfig('').versions, mappPay: '1.1' } }));
    ott.answer(() => ({ body: mappPayReply(MAPP.orderId) }));
    await client.mappPay(MAPP);
    expect(ott.requests[0].envelope.version).toBe('1.1');
  });

  it('refuses, before sending, arguments that cannot be sent', () => {
    const bad = [
      { ...MAPP, orderId: '' },
      { ...MAPP, orderId: 'A'.repeat(33) },
      { ...MAPP, orderId: 'order-1' },
      { ...MAPP, orderId: 'ordér1' },
      { ...MAPP, amountCents: 0 },
      { ...MAPP, amountCents: 12.5 },
      { ...MAPP, amountCents: '1250' as unknown as number },
      { ...MAPP, tipCents: -1 },
      { ...MAPP, appId: '' },
      { ...MAPP, openId: ' oTEST ' },
    ];
    for (const request of bad) {
      expect(() => client.mappPay(request)).toThrow(TypeError);
    }
    expect(ott.requests).toHaveLength(0);
  });
});

describe('MAPPPAY reply', () => {
  it('turns payInfo into the wx.requestPayment arguments OTT Pay signed', async () => {
    ott.answer(() => ({ body: mappPayReply(MAPP.orderId, { amount: '1250' }) }));
    const outcome = await client.mappPay(MAPP);

    expect(outcome).toMatchObject({
      kind: 'ok',
      value: {
        orderId: MAPP.orderId,
        amountCents: 1250,
        saleNum: '1536606245849717',
        appId: 'wx5f89682208cf8e88',
        payment: {
          timeStamp: '2018091015',
          nonceStr: 'fGzn4apm4g33UnYU',
          package: 'prepay_id=wx11030407018895349c421ab82302468473',
          signType: 'MD5',
          paySign: '0961D43010DF42EA6021D76915F36F7A',
        },
      },
    });
  });

  it.each([
    ['as JavaScript renders it', '1'],
    ['in the Java "1.0" form', '1.0'],
  ])('accepts amount sent as a JSON number and digested %s', async (_how, rendered) => {
    const values = { payInfo: EXAMPLE_D_PAY_INFO, merchant_id: TEST_MERCHANT, order_id: MAPP.orderId, amount: 1, sale_num: '1536606245849717' };
    ott.answer(() => ({ body: successWithNumbers(values, { ...values, amount: rendered } as Record<string, string>) }));
    const outcome = await client.mappPay(MAPP);
    expect(outcome.kind).toBe('ok');
    expect(outcome.kind === 'ok' && outcome.value.amountCents).toBe(1);
  });

  it('reports a payInfo it cannot use as unknown, so the order stays pending', async () => {
    const broken = JSON.stringify({ ...JSON.parse(EXAMPLE_D_PAY_INFO), paySign: undefined });
    ott.answer(() => ({ body: success({ payInfo: broken, merchant_id: TEST_MERCHANT, order_id: MAPP.orderId }) }));
    const outcome = await client.mappPay(MAPP);
    expect(outcome).toMatchObject({ kind: 'unknown', code: 'BAD_PAY_INFO' });
    expect(outcome.kind === 'unknown' && outcome.message).toContain('paySign');
  });

  it('refuses a verified reply about another order', async () => {
    ott.answer(() => ({ body: mappPayReply('SOMEONEELSE1') }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'unknown', code: 'ORDER_MISMATCH' });
  });
});

describe('faults: the outcome is unknown, never thrown, never retried', () => {
  it('gives up on a server that never answers within the configured timeout', async () => {
    client = new OttClient(testConfig(ott.url, { timeoutMs: 300 }));
    ott.answer(() => ({ hang: true }));
    const started = Date.now();
    const outcome = await client.mappPay(MAPP);
    const elapsed = Date.now() - started;

    expect(outcome).toMatchObject({ kind: 'unknown', code: 'TRANSPORT_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    expect(ott.requests).toHaveLength(1);
  });

  it('reports a refused connection as a network error', async () => {
    const gone = await FakeOtt.start();
    const url = gone.url;
    await gone.stop();
    client = new OttClient(testConfig(url));
    expect(await client.statusQuery('A1')).toMatchObject({ kind: 'unknown', code: 'NETWORK_ERROR' });
  });

  it.each([500, 502, 404])('reports HTTP %i as unknown', async (status) => {
    ott.answer(() => ({ status, body: failure('SUCCESS') }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'unknown', code: `HTTP_${status}` });
    expect(ott.requests).toHaveLength(1);
  });

  it.each([
    ['a body that is not JSON', '<html>Bad gateway</html>'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['an envelope without rsp_code', '{"rsp_msg":"success"}'],
  ])('reports %s as BAD_RESPONSE', async (_what, body) => {
    ott.answer(() => ({ body }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'unknown', code: 'BAD_RESPONSE' });
  });

  it('reports corrupted data as unknown', async () => {
    const reply = mappPayReply(MAPP.orderId) as { data: string };
    const middle = Math.floor(reply.data.length / 2);
    const corrupted = { ...reply, data: reply.data.slice(0, middle) + (reply.data[middle] === 'A' ? 'B' : 'A') + reply.data.slice(middle + 1) };
    ott.answer(() => ({ body: corrupted }));
    const outcome = await client.mappPay(MAPP);
    expect(outcome.kind).toBe('unknown');
    expect(['BAD_BASE64', 'DECRYPT_FAILED', 'BAD_JSON', 'MD5_MISMATCH']).toContain(outcome.kind === 'unknown' && outcome.code);
  });

  it('reports a wrong md5 as unknown', async () => {
    const reply = mappPayReply(MAPP.orderId) as { md5: string };
    const other = seal({ order_id: 'X' }, 'Te5tSignKey0000A').md5;
    ott.answer(() => ({ body: { ...reply, md5: other } }));
    const outcome = await client.mappPay(MAPP);
    expect(outcome.kind).toBe('unknown');
    expect(['DECRYPT_FAILED', 'BAD_JSON', 'MD5_MISMATCH']).toContain(outcome.kind === 'unknown' && outcome.code);
  });

  it('reports data whose md5 does not match its content as MD5_MISMATCH', async () => {
    const plaintext = JSON.stringify({ order_id: MAPP.orderId, payInfo: EXAMPLE_D_PAY_INFO, merchant_id: TEST_MERCHANT });
    const md5 = seal({ order_id: MAPP.orderId, payInfo: EXAMPLE_D_PAY_INFO, merchant_id: TEST_MERCHANT, amount: '1' }, 'x').md5;
    ott.answer(() => ({ body: { rsp_code: 'SUCCESS', rsp_msg: 'success', ...sealPlaintext(plaintext, md5) } }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'unknown', code: 'MD5_MISMATCH' });
  });

  it('refuses a reply sealed with another sign key', async () => {
    ott.answer(() => ({ body: success({ order_id: MAPP.orderId, merchant_id: TEST_MERCHANT, payInfo: EXAMPLE_D_PAY_INFO }, '0000000000000000') }));
    expect((await client.mappPay(MAPP)).kind).toBe('unknown');
  });

  it('refuses a verified reply that names another merchant, whatever the envelope says', async () => {
    const foreign = success({ payInfo: EXAMPLE_D_PAY_INFO, merchant_id: 'ON00009999', order_id: MAPP.orderId });
    ott.answer(() => ({ body: { ...foreign, merchant_id: TEST_MERCHANT } }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'unknown', code: 'FOREIGN_MERCHANT' });
  });

  it('ignores the plaintext merchant_id of the envelope when the verified data is ours', async () => {
    ott.answer(() => ({ body: { ...(mappPayReply(MAPP.orderId) as object), merchant_id: 'ON00009999' } }));
    expect((await client.mappPay(MAPP)).kind).toBe('ok');
  });

  it('reports SUCCESS without data as unknown', async () => {
    ott.answer(() => ({ body: failure('SUCCESS') }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'unknown', code: 'MISSING_FIELD' });
  });

  it('never throws when an injected transport fails in its own way', async () => {
    const throwing = new OttClient(testConfig('http://unused.invalid/'), async () => {
      throw new Error('socket hang up');
    });
    expect(await throwing.statusQuery('A1')).toMatchObject({ kind: 'unknown', code: 'NETWORK_ERROR' });
    const timingOut = new OttClient(testConfig('http://unused.invalid/'), async () => {
      throw new TransportError('timeout', 'no reply');
    });
    expect(await timingOut.statusQuery('A1')).toMatchObject({ kind: 'unknown', code: 'TRANSPORT_TIMEOUT' });
  });
});

describe('Appendix B codes (D11)', () => {
  it.each(['PROCESSING', 'TIMEOUT', 'SYSTEM_ERROR', 'DB_ERROR'])('%s: outcome unknown, OTT code and message kept, no retry', async (code) => {
    ott.answer(() => ({ body: failure(code, 'please wait') }));
    expect(await client.mappPay(MAPP)).toEqual({ kind: 'unknown', code, message: 'please wait' });
    expect(ott.requests).toHaveLength(1);
  });

  it.each(['ORDER_USED', 'ORDER_PAID'])('%s: the order exists at OTT Pay', async (code) => {
    ott.answer(() => ({ body: failure(code) }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'exists', code });
  });

  it.each(['PARAM_ERROR', 'PARAM_INVALID'])('%s: rejected as our own defect', async (code) => {
    ott.answer(() => ({ body: failure(code, 'amount format error') }));
    expect(await client.mappPay(MAPP)).toEqual({ kind: 'rejected', code, message: 'amount format error', ourDefect: true });
  });

  it.each(['FAIL', 'PWD_INCORRECT', 'ORDER_TYPE_ERROR', 'SOMETHING_NEW'])('%s: rejected, not our defect', async (code) => {
    ott.answer(() => ({ body: failure(code) }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'rejected', code, ourDefect: false });
  });

  it('decides nothing on data sealed into a non-SUCCESS reply', async () => {
    ott.answer(() => ({ body: { ...(mappPayReply(MAPP.orderId) as object), rsp_code: 'FAIL' } }));
    expect(await client.mappPay(MAPP)).toMatchObject({ kind: 'rejected', code: 'FAIL' });
  });
});

describe('ACTIVEPAY', () => {
  it('sends the QR-code order without app_id or open_id and returns the code URL', async () => {
    ott.answer(() => ({
      body: success({ bizpay_order_id: 'WX8436538037893612', code_url: 'weixin://wxpay/bizpayurl?pr=8QQeScQhz', order_id: 'QR42' }),
    }));
    const outcome = await client.activePay({ orderId: 'QR42', amountCents: 500, tipCents: 25 });

    expect(ott.requests[0].envelope).toMatchObject({ action: 'ACTIVEPAY', version: '1.0' });
    expect(ott.requests[0].data).toEqual({
      order_id: 'QR42',
      operator_id: '0000020156',
      amount: '500',
      tip: '25',
      biz_type: 'WECHATPAY',
      call_back_url: 'https://merchant.example.com/ottpay/callback',
    });
    expect(outcome).toMatchObject({
      kind: 'ok',
      value: { orderId: 'QR42', codeUrl: 'weixin://wxpay/bizpayurl?pr=8QQeScQhz', bizpayOrderId: 'WX8436538037893612' },
    });
  });

  it('reports a reply without code_url as unknown', async () => {
    ott.answer(() => ({ body: success({ order_id: 'QR42' }) }));
    expect(await client.activePay({ orderId: 'QR42', amountCents: 500 })).toMatchObject({ kind: 'unknown', code: 'BAD_FIELD' });
  });
});

describe('STATUS_QUERY', () => {
  it('sends only the order id and reads the SDK example with Java-digested numbers', async () => {
    const values = { order_id: 'Q1', total_amount: 1, refund_fee: 0, order_status: 'init', trade_time: 'Apr 14, 2020 12:08:58 AM', tip: 0 };
    const digested = { ...values, total_amount: javaDoubleText(1), refund_fee: javaDoubleText(0), tip: javaDoubleText(0) };
    ott.answer(() => ({ body: successWithNumbers(values, digested as Record<string, string>) }));
    const outcome = await client.statusQuery('Q1');

    expect(ott.requests[0].envelope).toMatchObject({ action: 'STATUS_QUERY', version: '1.0' });
    expect(ott.requests[0].data).toEqual({ order_id: 'Q1' });
    expect(outcome).toMatchObject({
      kind: 'ok',
      value: { orderId: 'Q1', status: 'pending', rawStatus: 'init', totalAmountCents: 1, refundedCents: 0, tipCents: 0, tradeTime: 'Apr 14, 2020 12:08:58 AM' },
    });
  });

  it('reads a paid order with its channel id and exchange rate verbatim', async () => {
    ott.answer(() => ({
      body: success({
        bizpay_order_id: 'WX12243195213632230',
        order_id: 'Q2',
        total_amount: '275900',
        refund_fee: '0',
        order_status: 'success',
        trade_time: 'Aug 21, 2020 11:44:18 AM',
        exchange_rate: '5.24740000',
        payInfo: '',
        return_code: 'SUCCESS',
      }),
    }));
    expect(await client.statusQuery('Q2')).toMatchObject({
      kind: 'ok',
      value: { status: 'paid', totalAmountCents: 275900, refundedCents: 0, bizpayOrderId: 'WX12243195213632230', exchangeRate: '5.24740000' },
    });
  });

  it('reads a status OTT does not document as unknown, and a refund visible', async () => {
    ott.answer((r) => ({
      body: success({ order_id: r.data.order_id as string, order_status: r.data.order_id === 'Q3' ? 'authfinish' : 'partial_refunded', total_amount: '1000', refund_fee: '400' }),
    }));
    expect(await client.statusQuery('Q3')).toMatchObject({ kind: 'ok', value: { status: 'unknown', rawStatus: 'authfinish' } });
    expect(await client.statusQuery('Q4')).toMatchObject({ kind: 'ok', value: { status: 'partially_refunded', refundedCents: 400 } });
  });

  it.each([
    ['a fractional amount', { total_amount: '1.5' }],
    ['a negative refund', { refund_fee: '-1' }],
    ['an exponent', { total_amount: '1e3' }],
  ])('reports %s as unknown rather than guessing', async (_what, fields) => {
    ott.answer(() => ({ body: success({ order_id: 'Q5', order_status: 'success', ...fields }) }));
    const outcome = await client.statusQuery('Q5');
    expect(outcome).toMatchObject({ kind: 'unknown', code: 'BAD_FIELD' });
    expect(outcome.kind === 'unknown' && outcome.message).toContain(Object.keys(fields)[0]);
  });

  it('reports a reply without order_status as unknown', async () => {
    ott.answer(() => ({ body: success({ order_id: 'Q6' }) }));
    expect(await client.statusQuery('Q6')).toMatchObject({ kind: 'unknown', code: 'BAD_FIELD' });
  });
});

describe('REFUND', () => {
  it('sends a new refund order id, the original order and the amount', async () => {
    ott.answer(() => ({ body: success({ order_id: 'R1', ori_order_id: 'P1', refund_amt: '300', merchant_id: TEST_MERCHANT }) }));
    const outcome = await client.refund({ refundId: 'R1', originalOrderId: 'P1', amountCents: 300 });

    expect(ott.requests[0].envelope).toMatchObject({ action: 'REFUND', version: '1.0' });
    expect(ott.requests[0].data).toEqual({ order_id: 'R1', ori_order_id: 'P1', refund_amt: '300' });
    expect(outcome).toMatchObject({ kind: 'ok', value: { refundId: 'R1', originalOrderId: 'P1', amountCents: 300 } });
  });

  it('refuses a reply about another original order', async () => {
    ott.answer(() => ({ body: success({ order_id: 'R1', ori_order_id: 'P2' }) }));
    expect(await client.refund({ refundId: 'R1', originalOrderId: 'P1', amountCents: 300 })).toMatchObject({ kind: 'unknown', code: 'ORDER_MISMATCH' });
  });

  it('refuses a zero refund before sending', () => {
    expect(() => client.refund({ refundId: 'R1', originalOrderId: 'P1', amountCents: 0 })).toThrow(TypeError);
  });
});

describe('EX_RATE_QUERY', () => {
  it('asks for the configured currency and reads the rate scaled by 10^8 (TV7)', async () => {
    ott.answer(() => ({ body: success({ feeType: 'CAD', rate: '650000000' }) }));
    const outcome = await client.exchangeRate();

    expect(ott.requests[0].envelope).toMatchObject({ action: 'EX_RATE_QUERY', version: '1.0' });
    expect(ott.requests[0].data).toEqual({ fee_type: 'CAD' });
    expect(outcome).toMatchObject({ kind: 'ok', value: { feeType: 'CAD', rateE8: 650000000 } });
    expect(outcome.kind === 'ok' && outcome.value.rateE8 / 1e8).toBe(6.5);
  });

  it('accepts the rate as a JSON number, digested in the Java form', async () => {
    ott.answer(() => ({ body: successWithNumbers({ feeType: 'USD', rate: 650000000 }, { feeType: 'USD', rate: javaDoubleText(650000000) }) }));
    expect(await client.exchangeRate('USD')).toMatchObject({ kind: 'ok', value: { feeType: 'USD', rateE8: 650000000 } });
    expect(ott.requests[0].data).toEqual({ fee_type: 'USD' });
  });

  it.each([['6.5'], ['0'], ['-650000000']])('refuses rate %s', async (rate) => {
    ott.answer(() => ({ body: success({ feeType: 'CAD', rate }) }));
    expect(await client.exchangeRate()).toMatchObject({ kind: 'unknown', code: 'BAD_FIELD' });
  });

  it('refuses a rate for another currency', async () => {
    ott.answer(() => ({ body: success({ feeType: 'USD', rate: '500000000' }) }));
    expect(await client.exchangeRate('CAD')).toMatchObject({ kind: 'unknown', code: 'ORDER_MISMATCH' });
  });

  it('refuses a malformed currency before sending', () => {
    expect(() => client.exchangeRate('cad')).toThrow(TypeError);
  });
});
