/**
 * Everything a payment function needs from its surroundings, built from wx-server-sdk and the
 * functions' environment variables (in CloudBase, and in the local runtime alike). Tests hand the
 * payment services a platform of their own.
 */
import type { OrderStore } from '../orders/store';
import type { OttConfig } from '../ottpay/config';
import type { OttApi } from '../ottpay/client';
import type { InAppApi } from '../ottpay/in-app';
import type { ShippingApi } from '../wechat/shipping-api';
import type { MessageApi } from '../wechat/cloud-call';
import type { Logger } from './log';
import type { PaymentSettings } from './settings';

export interface Platform {
  settings: PaymentSettings;
  ottConfig: OttConfig;
  ott: OttApi;
  /** OTT Pay's in-app payment request, for the functions that serve the merchant's native app. */
  inApp?: InAppApi;
  /** WeChat's order-shipping management, where WECHAT_SHIPPING_UPLOAD is on (the sweep uploads). */
  shipping?: ShippingApi;
  /** WeChat's subscription messages, where RECEIPT_TEMPLATE_ID is set (the payment notice). */
  messages?: MessageApi;
  store: OrderStore;
  now(): Date;
  log: Logger;
}

export type PlatformFactory = () => Promise<Platform>;

let instance: Promise<Platform> | undefined;

/** The platform, built once per function instance; a failed build is retried on the next call. */
export function getPlatform(build: PlatformFactory): Promise<Platform> {
  if (!instance) {
    instance = build().catch((error: unknown) => {
      instance = undefined;
      throw error;
    });
  }
  return instance;
}
