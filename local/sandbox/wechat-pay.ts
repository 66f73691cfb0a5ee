/**
 * The simulated WeChat Pay side (D15): prepay ids, the v2 MD5 paySign of a mini-program payment
 * and the v2 MD5 sign of an app's PayReq.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { beijingHour, prepayId, randomAlnum } from './formats';
import type { AppPayInfo, PayInfo } from './store';

/** The WeChat Pay merchant number (mch_id) OTT Pay's payments run under, as the app's PayReq names it. */
export const SANDBOX_PARTNER_ID = '1900000001';

export const APP_PACKAGE_VALUE = 'Sign=WXPay';

export interface SignedPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
}

/** The fields of an app's PayReq that its `sign` covers. */
export type SignedAppParams = Omit<AppPayInfo, 'sign'>;

/** WeChat Pay v2: `name=value` joined by `&` in ASCII order of the names, then `&key=<API key>`; MD5 in upper case. */
function v2Sign(fields: Readonly<Record<string, string>>, wechatApiKey: string): string {
  const text = `${Object.keys(fields).sort().map((name) => `${name}=${fields[name]}`).join('&')}&key=${wechatApiKey}`;
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

function sameSign(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The mini-program's paySign over appId, nonceStr, package, signType and timeStamp. */
export function paySign(params: SignedPaymentParams, wechatApiKey: string): string {
  const { appId, nonceStr, package: packageValue, signType, timeStamp } = params;
  return v2Sign({ appId, nonceStr, package: packageValue, signType, timeStamp }, wechatApiKey);
}

export function paySignMatches(params: SignedPaymentParams, received: string, wechatApiKey: string): boolean {
  return sameSign(paySign(params, wechatApiKey), received);
}

/** The app's sign over appid, noncestr, package, partnerid, prepayid and timestamp (the seed's genAppSign). */
export function appSign(params: SignedAppParams, wechatApiKey: string): string {
  return v2Sign(
    {
      appid: params.appId,
      noncestr: params.nonceStr,
      package: params.packageValue,
      partnerid: params.partnerId,
      prepayid: params.prepayId,
      timestamp: params.timeStamp,
    },
    wechatApiKey,
  );
}

export function appSignMatches(params: SignedAppParams, received: string, wechatApiKey: string): boolean {
  return sameSign(appSign(params, wechatApiKey), received);
}

/** What WeChat Pay returns for a new mini-program payment, signed. */
export function issuePayInfo(appId: string, wechatApiKey: string, now: Date): { prepayId: string; payInfo: PayInfo } {
  const id = prepayId(now);
  const unsigned = {
    appId,
    timeStamp: beijingHour(now),
    nonceStr: randomAlnum(16),
    packageStr: `prepay_id=${id}`,
    signType: 'MD5' as const,
  };
  const sign = paySign({ ...unsigned, package: unsigned.packageStr }, wechatApiKey);
  return { prepayId: id, payInfo: { ...unsigned, paySign: sign } };
}

/** What WeChat Pay returns for a new payment in the merchant's native app, signed. */
export function issueAppPayInfo(appId: string, wechatApiKey: string, now: Date): AppPayInfo {
  const unsigned: SignedAppParams = {
    appId,
    partnerId: SANDBOX_PARTNER_ID,
    prepayId: prepayId(now),
    packageValue: APP_PACKAGE_VALUE,
    nonceStr: randomAlnum(16),
    timeStamp: beijingHour(now),
  };
  return { ...unsigned, sign: appSign(unsigned, wechatApiKey) };
}

/** The prepay id a `package` value names, e.g. "prepay_id=wx…" → "wx…". */
export function prepayIdOf(packageValue: string): string | null {
  const match = /^prepay_id=(\S+)$/.exec(packageValue);
  return match ? match[1] : null;
}
