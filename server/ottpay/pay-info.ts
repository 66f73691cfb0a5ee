/**
 * Decision D7: MAPPPAY's `payInfo` into the arguments of wx.requestPayment. OTT Pay signed
 * these exact values, so nothing is trimmed, re-typed or re-encoded; only `packageStr` is
 * renamed to `package`.
 */
import type { WxPaymentParams } from '../../typings/payments';

export class PayInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayInfoError';
  }
}

export interface ParsedPayInfo {
  /** The AppID OTT Pay signed for; it should be the mini-program's own. */
  appId?: string;
  payment: WxPaymentParams;
}

const SIGN_TYPES: ReadonlyArray<WxPaymentParams['signType']> = ['MD5', 'HMAC-SHA256', 'RSA'];

function asObject(payInfo: unknown): Record<string, unknown> {
  let value = payInfo;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new PayInfoError('payInfo is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PayInfoError('payInfo is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function text(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value === '') {
    throw new PayInfoError(`payInfo.${name} is ${value === undefined ? 'missing' : 'not a non-empty string'}`);
  }
  return value;
}

/** Accepts the double-encoded JSON string OTT Pay sends, or an already parsed object. */
export function parsePayInfo(payInfo: unknown): ParsedPayInfo {
  const fields = asObject(payInfo);
  const signType = text(fields, 'signType');
  if (!(SIGN_TYPES as readonly string[]).includes(signType)) {
    throw new PayInfoError(`payInfo.signType must be one of ${SIGN_TYPES.join(', ')}`);
  }
  const payment: WxPaymentParams = {
    timeStamp: text(fields, 'timeStamp'),
    nonceStr: text(fields, 'nonceStr'),
    package: text(fields, 'packageStr'),
    signType: signType as WxPaymentParams['signType'],
    paySign: text(fields, 'paySign'),
  };
  const appId = fields.appId;
  if (appId !== undefined && typeof appId !== 'string') {
    throw new PayInfoError('payInfo.appId is not a string');
  }
  return appId === undefined ? { payment } : { appId, payment };
}
