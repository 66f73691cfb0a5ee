/** The platform inside CloudBase: the CloudBase database through wx-server-sdk, settings from the environment. */
import * as cloud from 'wx-server-sdk';
import { createCloudBaseStore } from '../orders/cloudbase-store';
import { OttClient } from '../ottpay/client';
import { loadOttConfig } from '../ottpay/config';
import { inAppPay } from '../ottpay/in-app';
import { loadInAppConfig } from './in-app-settings';
import { CALLS_OTT, type Needs } from './configuration';
import { jsonLineLogger } from './log';
import type { Platform } from './platform';
import { loadPaymentSettings } from './settings';

/** A function that never calls OTT Pay is given no OTT settings: reaching for them is a defect. */
function withoutOtt(base: Omit<Platform, 'ottConfig' | 'ott'>): Platform {
  const refuse = (): never => {
    throw new Error('this function does not call OTT Pay and has no OTT_* settings');
  };
  return Object.defineProperties(base, { ottConfig: { get: refuse }, ott: { get: refuse } }) as Platform;
}

export async function cloudBasePlatform(needs: Needs = CALLS_OTT): Promise<Platform> {
  const settings = loadPaymentSettings();
  // DYNAMIC_CURRENT_ENV: the environment the function runs in; `timeout` is handed on to node-sdk's
  // requests. The SDK's init type lists neither.
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, timeout: settings.databaseTimeoutMs } as unknown as Parameters<typeof cloud.init>[0]);
  const base = { settings, store: createCloudBaseStore(cloud.database(), { wrapWrites: true }), now: () => new Date(), log: jsonLineLogger() };
  if (!needs.ott) return withoutOtt(base);
  const ottConfig = loadOttConfig();
  const platform: Platform = { ...base, ottConfig, ott: new OttClient(ottConfig) };
  if (needs.app) {
    const inApp = loadInAppConfig(process.env, ottConfig);
    platform.inApp = { pay: (request) => inAppPay(inApp, request) };
  }
  return platform;
}
