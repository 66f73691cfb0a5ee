/** The simulated WeChat Pay side: prepay ids and the v2 MD5 paySign of a mini-program payment (D15). */
import { createHash, timingSafeEqual } from 'crypto';
import { beijingHour, prepayId, randomAlnum } from './formats';
import type { PayInfo } from './store';

export interface SignedPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
}

/** Uppercase MD5 of `appId=…&nonceStr=…&package=…&signType=…&timeStamp=…&key=<API key>` (keys in ASCII order). */
export function paySign(params: SignedPaymentParams, wechatApiKey: string): string {
  const text =
    `appId=${params.appId}&nonceStr=${params.nonceStr}&package=${params.package}` +
    `&signType=${params.signType}&timeStamp=${params.timeStamp}&key=${wechatApiKey}`;
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

export function paySignMatches(params: SignedPaymentParams, received: string, wechatApiKey: string): boolean {
  const expected = Buffer.from(paySign(params, wechatApiKey), 'utf8');
  const given = Buffer.from(received, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
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

/** The prepay id a `package` value names, e.g. "prepay_id=wx…" → "wx…". */
export function prepayIdOf(packageValue: string): string | null {
  const match = /^prepay_id=(\S+)$/.exec(packageValue);
  return match ? match[1] : null;
}
