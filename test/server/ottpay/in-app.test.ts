import { createHash } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { inAppPay, readInAppReply, signAppPayRequest, type InAppConfig } from '../../../server/ottpay/in-app';
import { appUser, appUserId } from '../../../server/functions/app-user';

/**
 * The seed page's genAppSign, written out step by step as its Java does: name=value& for each of
 * appid, noncestr, package, partnerid, prepayid, timestamp in that order, then key=, MD5, upper case.
 */
function seedGenAppSign(params: [string, string][], apiKey: string): string {
  let text = '';
  for (const [name, value] of params) text += `${name}=${value}&`;
  text += `key=${apiKey}`;
  return createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex').toUpperCase();
}

const ISSUED = { appId: 'wxcbb0a73d2d5a8888', partnerId: '1900000109', prepayId: 'wx22014816274706c6ad56f2412344704275', nonceStr: 'hieqzx0aK8sXTdMq', timeStamp: '2018112112' };
const KEY = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6';

describe('the app’s PayReq, signed in the cloud', () => {
  it('carries the signature of the seed’s genAppSign over the same fields', () => {
    const payReq = signAppPayRequest(ISSUED, KEY);
    const expected = seedGenAppSign(
      [
        ['appid', ISSUED.appId],
        ['noncestr', ISSUED.nonceStr],
        ['package', 'Sign=WXPay'],
        ['partnerid', ISSUED.partnerId],
        ['prepayid', ISSUED.prepayId],
        ['timestamp', ISSUED.timeStamp],
      ],
      KEY,
    );
    expect(payReq).toEqual({ ...ISSUED, packageValue: 'Sign=WXPay', sign: expected });
    expect(signAppPayRequest(ISSUED, KEY.replace('A', 'B')).sign).not.toBe(expected);
    expect(signAppPayRequest({ ...ISSUED, prepayId: `${ISSUED.prepayId}0` }, KEY).sign).not.toBe(expected);
  });
});

describe('OTT Pay’s in-app reply, read defensively', () => {
  const seedExample = { appId: ISSUED.appId, bizType: 'WECHATPAY', nonceStr: ISSUED.nonceStr, package_: 'Sign=WXPay', partnerId: ISSUED.partnerId, paySign: 'DBC7B6ED46BE81E927CAA1922A83BE91', prepay_id: ISSUED.prepayId, reAmount: '100', timeStamp: ISSUED.timeStamp, tradeNo: '1542822494862703', wxapikey: KEY };

  it('reads the seed page’s example, with prepay_id, and keeps the key apart', () => {
    expect(readInAppReply(seedExample, ISSUED.appId)).toEqual({ kind: 'ok', value: { issued: { ...ISSUED, tradeNo: '1542822494862703' }, wxApiKey: KEY }, data: {} });
  });

  it('reads prepayId as the seed’s table spells it, and the fields under data', () => {
    const { prepay_id: prepayId, ...rest } = seedExample;
    expect(readInAppReply({ rsp_code: 'SUCCESS', data: { ...rest, prepayId } }, ISSUED.appId)).toMatchObject({ kind: 'ok', value: { issued: { prepayId } } });
  });

  it.each([
    ['another app', { ...seedExample, appId: 'wx00000000other' }],
    ['a package other than Sign=WXPay', { ...seedExample, package_: 'prepay_id=x' }],
    ['no partnerId', { ...seedExample, partnerId: '' }],
    ['no prepay id', { ...seedExample, prepay_id: undefined }],
  ])('does not trust a reply naming %s', (_what, reply) => {
    expect(readInAppReply(reply, ISSUED.appId)).toMatchObject({ kind: 'unknown', code: 'BAD_FIELD' });
  });

  it('classifies OTT’s codes as for every other action', () => {
    expect(readInAppReply({ rsp_code: 'SYSTEM_ERROR', rsp_msg: 'busy' }, ISSUED.appId)).toMatchObject({ kind: 'unknown' });
    expect(readInAppReply({ rsp_code: 'ORDER_USED' }, ISSUED.appId)).toMatchObject({ kind: 'exists' });
    expect(readInAppReply({ rsp_code: 'FAIL' }, ISSUED.appId)).toMatchObject({ kind: 'rejected', ourDefect: false });
  });
});

describe('inAppPay', () => {
  let server: http.Server;
  let received: Record<string, unknown>[] = [];
  let answer: object = {};
  let config: InAppConfig;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inAppPay`;
    config = { apiUrl: url, merchantId: 'QC00005496', operatorId: '0000000005', callbackUrl: 'https://pay.example.com/ottpay/callback', timeoutMs: 2000, appId: ISSUED.appId };
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received = [];
  });

  it('sends the seed’s plain JSON fields, and signs with the merchant’s own key over OTT’s', async () => {
    answer = { ...ISSUED, package_: 'Sign=WXPay', wxapikey: 'OTTSKEYOTTSKEYOTTSKEYOTTSKEY0000' };
    const outcome = await inAppPay({ ...config, apiKey: KEY }, { orderId: 'ORDER1', amountCents: 1234, tipCents: 100 });
    expect(received).toEqual([{ userId: ISSUED.appId, amount: '1234', bizType: 'WECHATPAY', merchant_id: 'QC00005496', operator_id: '0000000005', order_id: 'ORDER1', call_back_url: 'https://pay.example.com/ottpay/callback', tip: '100' }]);
    expect(outcome).toMatchObject({ kind: 'ok', value: { payReq: signAppPayRequest(ISSUED, KEY) } });
    expect(JSON.stringify(outcome)).not.toContain('OTTSKEY');
  });

  it('signs with OTT’s key when the merchant configured none, and never hands the key on', async () => {
    answer = { ...ISSUED, package_: 'Sign=WXPay', wxapikey: KEY };
    const outcome = await inAppPay(config, { orderId: 'ORDER2', amountCents: 500, tipCents: 0 });
    expect(received[0]).not.toHaveProperty('tip');
    expect(outcome).toMatchObject({ kind: 'ok', value: { payReq: { sign: signAppPayRequest(ISSUED, KEY).sign } } });
    expect(JSON.stringify(outcome)).not.toContain(KEY);
  });

  it('refuses to sign without any key', async () => {
    answer = { ...ISSUED, package_: 'Sign=WXPay' };
    expect(await inAppPay(config, { orderId: 'ORDER3', amountCents: 500, tipCents: 0 })).toMatchObject({ kind: 'rejected', code: 'NO_APP_KEY', ourDefect: true });
  });
});

describe('the app caller', () => {
  it.each([
    ['a signed-in user', { TCB_CONTEXT_KEYS: 'TCB_UUID,TCB_CUSTOM_USER_ID,TCB_ISANONYMOUS_USER', TCB_UUID: 'u-1', TCB_CUSTOM_USER_ID: '', TCB_ISANONYMOUS_USER: 'false' }],
    ['a custom login', { TCB_CONTEXT_KEYS: 'TCB_UUID,TCB_CUSTOM_USER_ID', TCB_UUID: 'u-2', TCB_CUSTOM_USER_ID: 'member-42' }],
    ['variables not listed in TCB_CONTEXT_KEYS', { TCB_CONTEXT_KEYS: 'TCB_CUSTOM_USER_ID', TCB_UUID: 'u-3' }],
    ['nobody', {}],
  ])('is read as @cloudbase/node-sdk’s auth().getUserInfo() reads it: %s', (_who, variables: Record<string, string>) => {
    const saved = { ...process.env };
    for (const name of ['TCB_CONTEXT_KEYS', 'TCB_UUID', 'TCB_CUSTOM_USER_ID', 'TCB_ISANONYMOUS_USER']) delete process.env[name];
    Object.assign(process.env, variables);
    try {
      const tcb = require('@cloudbase/node-sdk') as { init(o: object): { auth(): { getUserInfo(): { uid: string; customUserId: string; isAnonymous: boolean } } } };
      const sdk = tcb.init({ env: 'test-env' }).auth().getUserInfo();
      expect(appUser(process.env)).toEqual({ uid: sdk.uid, customUserId: sdk.customUserId, isAnonymous: sdk.isAnonymous });
    } finally {
      process.env = saved;
    }
  });

  it('is known by the merchant’s own user id when there is one, else by CloudBase’s', () => {
    expect(appUserId({ uid: 'u-1', customUserId: '', isAnonymous: false })).toBe('u-1');
    expect(appUserId({ uid: 'u-1', customUserId: 'member-42', isAnonymous: false })).toBe('member-42');
    expect(appUserId({ uid: '', customUserId: '', isAnonymous: false })).toBe('');
  });
});
