import { createHash } from 'crypto';
import { CallbackRejected, readCallbackEnvelope, verifyCallback } from '../../../server/ottpay/callback';
import { digest, seal } from '../../../server/ottpay/codec';
import { sealPlaintext } from './fake-ott';

// TV2 of the protocol reference: OTT Pay's documented call-back and its sign key.
const TV2_ENVELOPE = {
  data: 'vg8LJmi7ryeVxUTVfPC6N1l5ebL9cgn4MdlyLFEL6eqZQN+XvkvNhZevFmRitDLTUTcAcRnKYs407K3ePY2pslEgZYDoa9x80PBh95s7aqAYCwUlY5j9IUtklLlzqNT0mFPS7Fn5p6cr1EkBRVh82QHueCdkWVoFhvVHVYYrwQqF5cmPO+JNuDOei6goomz1QTfvv7M8zc4TT+r/EwKIDm4eoV9EeTk98gSiUy4+2ThLRrtZOFHqVP7OAjJ318X2EIKoZRA5lp42kdRVmd/mXi8aZpTVEiAT2GK7p3TNXFNXuPLcl6DhEUK9FLMrHcl4',
  rsp_code: 'SUCCESS',
  rsp_msg: 'success',
  merchant_id: 'ON00004652',
  md5: '5A917182659DE14DCB3022CA6518F34F',
};
const TV2_CONFIG = { signKey: 'A8B5FE540E38A5A9', merchantId: 'ON00004652' };

const EXPECTED_TV2 = {
  orderId: '16795056216014900',
  amountCents: 3,
  tipCents: 1,
  merchantId: 'ON00004652',
  finishTime: '2023-03-23 01:21:53',
  bizpayOrderId: 'AL5909918566288061',
  exchangeRate: '5.057030',
};

function rejectionOf(run: () => unknown): CallbackRejected {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackRejected);
    return error as CallbackRejected;
  }
  throw new Error('expected a CallbackRejected');
}

function ourCallback(values: Record<string, string>): string {
  return JSON.stringify({ rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: TV2_CONFIG.merchantId, ...seal(values, TV2_CONFIG.signKey) });
}

describe('readCallbackEnvelope', () => {
  it('reads a JSON body', () => {
    expect(readCallbackEnvelope(JSON.stringify(TV2_ENVELOPE), 'application/json; charset=utf-8')).toEqual(TV2_ENVELOPE);
  });

  it('reads a form-urlencoded body', () => {
    const body = new URLSearchParams(TV2_ENVELOPE).toString();
    expect(readCallbackEnvelope(body, 'application/x-www-form-urlencoded')).toEqual(TV2_ENVELOPE);
  });

  it('tells JSON from a form by the body when the Content-Type says nothing useful', () => {
    expect(readCallbackEnvelope(`  ${JSON.stringify(TV2_ENVELOPE)}`, undefined)).toEqual(TV2_ENVELOPE);
    expect(readCallbackEnvelope(new URLSearchParams(TV2_ENVELOPE).toString(), 'text/plain')).toEqual(TV2_ENVELOPE);
  });

  it('keeps only the envelope fields that are strings', () => {
    expect(readCallbackEnvelope('{"md5":5,"data":"x","extra":"y"}', 'application/json')).toEqual({ data: 'x' });
  });

  it.each([['{"md5":'], ['[1]'], ['null']])('refuses the JSON body %s', (body) => {
    expect(rejectionOf(() => readCallbackEnvelope(body, 'application/json')).reason).toBe('MALFORMED_BODY');
  });
});

describe('verifyCallback', () => {
  it('TV2: verifies with its sign key and merchant ON00004652', () => {
    const callback = verifyCallback(readCallbackEnvelope(JSON.stringify(TV2_ENVELOPE), 'application/json'), TV2_CONFIG);
    expect(callback).toMatchObject(EXPECTED_TV2);
    expect(callback.data).toMatchObject({ remarks: '可以', sub_openId: '2088032832386722' });
  });

  it('TV2 as a form body, where an unescaped "+" of the data arrived as a space', () => {
    const body = `rsp_code=SUCCESS&rsp_msg=success&merchant_id=ON00004652&data=${TV2_ENVELOPE.data}&md5=${TV2_ENVELOPE.md5}`;
    const envelope = readCallbackEnvelope(body, 'application/x-www-form-urlencoded');
    expect(envelope.data).toContain(' ');
    expect(verifyCallback(envelope, TV2_CONFIG)).toMatchObject(EXPECTED_TV2);
  });

  it('decides nothing on the plaintext envelope fields', () => {
    const envelope = { ...TV2_ENVELOPE, rsp_code: 'FAIL', merchant_id: 'QC00005496' };
    expect(verifyCallback(envelope, TV2_CONFIG)).toMatchObject(EXPECTED_TV2);
  });

  it('refuses a genuine call-back for another merchant', () => {
    const rejection = rejectionOf(() => verifyCallback(TV2_ENVELOPE, { ...TV2_CONFIG, merchantId: 'QC00005496' }));
    expect(rejection.reason).toBe('FOREIGN_MERCHANT');
  });

  it('refuses verified data naming another merchant, even when the envelope names ours', () => {
    const body = ourCallback({ order_id: 'A1', amount: '100', merchant_id: 'ON00009999' });
    expect(rejectionOf(() => verifyCallback(readCallbackEnvelope(body, 'application/json'), TV2_CONFIG)).reason).toBe('FOREIGN_MERCHANT');
  });

  it('refuses verified data naming no merchant', () => {
    const body = ourCallback({ order_id: 'A1', amount: '100' });
    expect(rejectionOf(() => verifyCallback(JSON.parse(body), TV2_CONFIG)).reason).toBe('FOREIGN_MERCHANT');
  });

  it('refuses tampered data and a tampered md5, without showing the key', () => {
    const data = TV2_ENVELOPE.data.replace('vg8L', 'vg8M');
    const md5 = `${TV2_ENVELOPE.md5.slice(0, -1)}E`;
    for (const envelope of [{ ...TV2_ENVELOPE, data }, { ...TV2_ENVELOPE, md5 }]) {
      const rejection = rejectionOf(() => verifyCallback(envelope, TV2_CONFIG));
      expect(['BAD_BASE64', 'DECRYPT_FAILED', 'BAD_JSON', 'MD5_MISMATCH']).toContain(rejection.reason);
      expect(rejection.message).not.toContain(TV2_CONFIG.signKey);
    }
  });

  it('refuses the right call-back under the wrong sign key', () => {
    expect(rejectionOf(() => verifyCallback(TV2_ENVELOPE, { ...TV2_CONFIG, signKey: '0000000000000000' })).reason).not.toBe('FOREIGN_MERCHANT');
  });

  it('refuses an envelope without data or md5', () => {
    expect(rejectionOf(() => verifyCallback({ rsp_code: 'SUCCESS' }, TV2_CONFIG)).reason).toBe('MISSING_FIELD');
  });

  it.each([
    ['a fractional amount', { amount: '1.5' }, 'amount'],
    ['a negative tip', { amount: '100', tip: '-1' }, 'tip'],
    ['no amount', {}, 'amount'],
  ])('refuses %s and names the field', (_what, money, field) => {
    const body = ourCallback({ order_id: 'A1', merchant_id: TV2_CONFIG.merchantId, finish_time: '20200416050429', ...money });
    const rejection = rejectionOf(() => verifyCallback(JSON.parse(body), TV2_CONFIG));
    expect(rejection.reason).toBe('BAD_FIELD');
    expect(rejection.message).toContain(field);
  });

  it('refuses a call-back without order_id', () => {
    const body = ourCallback({ amount: '100', merchant_id: TV2_CONFIG.merchantId, finish_time: '20200416050429' });
    expect(rejectionOf(() => verifyCallback(JSON.parse(body), TV2_CONFIG)).message).toContain('order_id');
  });

  it('reads amounts sent as JSON numbers and digested in the Java "1.0" form', () => {
    const values = { order_id: 'A1', amount: 250, tip: 0, merchant_id: TV2_CONFIG.merchantId, finish_time: '20200416050429' };
    const md5 = digest({ ...values, amount: '250.0', tip: '0.0' });
    const envelope = { rsp_code: 'SUCCESS', ...sealPlaintext(JSON.stringify(values), md5, TV2_CONFIG.signKey) };
    expect(verifyCallback(envelope, TV2_CONFIG)).toMatchObject({ orderId: 'A1', amountCents: 250, tipCents: 0, finishTime: '20200416050429' });
  });

  it('leaves optional fields out when OTT Pay does not send them', () => {
    const body = ourCallback({ order_id: 'A1', amount: '100', merchant_id: TV2_CONFIG.merchantId, finish_time: '20200416050429', order_status: 'success' });
    const callback = verifyCallback(JSON.parse(body), TV2_CONFIG);
    expect(callback).toMatchObject({ orderId: 'A1', amountCents: 100, orderStatus: 'success', finishTime: '20200416050429' });
    expect(callback).not.toHaveProperty('tipCents');
    expect(callback).not.toHaveProperty('bizpayOrderId');
  });

  it('reports an empty order_status as sent, so that it cannot pass for an absent one', () => {
    const body = ourCallback({ order_id: 'A1', amount: '100', merchant_id: TV2_CONFIG.merchantId, finish_time: '20200416050429', order_status: '' });
    const callback = verifyCallback(JSON.parse(body), TV2_CONFIG);
    expect(callback).toHaveProperty('orderStatus', '');
    expect(verifyCallback(JSON.parse(ourCallback({ order_id: 'A1', amount: '100', merchant_id: TV2_CONFIG.merchantId, finish_time: '1' })), TV2_CONFIG)).not.toHaveProperty('orderStatus');
  });

  it('verifies a call-back whose keys lie outside the Basic Multilingual Plane, digested as OTT\'s SDK orders them (TV8)', () => {
    const values = { order_id: 'A1', amount: '100', merchant_id: TV2_CONFIG.merchantId, finish_time: '1', '\uFF01k': 'fullwidth', '\uD83D\uDE00k': 'emoji' };
    const sdkOrder = ['amount', 'finish_time', 'merchant_id', 'order_id', '\uD83D\uDE00k', '\uFF01k'] as const;
    const md5 = createHash('md5').update(sdkOrder.map((key) => values[key]).join(''), 'utf8').digest('hex').toUpperCase();
    const envelope = { rsp_code: 'SUCCESS', ...sealPlaintext(JSON.stringify(values), md5, TV2_CONFIG.signKey) };
    expect(verifyCallback(envelope, TV2_CONFIG)).toMatchObject({ orderId: 'A1', amountCents: 100 });
  });

  it.each([
    ['a MAPPPAY reply', { payInfo: '{"appId":"wx1"}', merchant_id: TV2_CONFIG.merchantId, order_id: 'A1', amount: '100', sale_num: '1536606245849717' }],
    ['an ACTIVEPAY reply', { bizpay_order_id: 'WX1', code_url: 'weixin://wxpay/bizpayurl?pr=x', order_id: 'A1', merchant_id: TV2_CONFIG.merchantId, amount: '100', finish_time: '1' }],
    ['a STATUS_QUERY reply', { order_id: 'A1', total_amount: '100', refund_fee: '0', order_status: 'success', trade_time: 'Apr 14, 2020', merchant_id: TV2_CONFIG.merchantId, amount: '100' }],
    ['a REFUND reply', { order_id: 'R1', ori_order_id: 'A1', refund_amt: '100', refund_status: 'success', merchant_id: TV2_CONFIG.merchantId, amount: '100', finish_time: '1' }],
    ['data without finish_time', { order_id: 'A1', amount: '100', merchant_id: TV2_CONFIG.merchantId }],
  ])('takes %s sealed with the right key as no payment call-back: it names an order to ask OTT about, and carries no money', (_what, values) => {
    const callback = verifyCallback(JSON.parse(ourCallback(values)), TV2_CONFIG);
    expect(callback).toMatchObject({ orderId: values.order_id, paymentCallback: false, reason: expect.any(String) });
    expect(callback.amountCents).toBeUndefined();
  });

  it('takes a payment call-back with fields OTT may add as a payment call-back', () => {
    const values = { order_id: 'A1', amount: '100', merchant_id: TV2_CONFIG.merchantId, finish_time: '1', currency_type: 'CAD', trade_type: 'JSAPI', order_status: 'SUCCESS' };
    expect(verifyCallback(JSON.parse(ourCallback(values)), TV2_CONFIG)).toMatchObject({ orderId: 'A1', paymentCallback: true, amountCents: 100, orderStatus: 'SUCCESS' });
  });

  it('refuses sealed data that names no order', () => {
    expect(rejectionOf(() => verifyCallback(JSON.parse(ourCallback({ amount: '100', merchant_id: TV2_CONFIG.merchantId })), TV2_CONFIG)).reason).toBe('BAD_FIELD');
  });
});
