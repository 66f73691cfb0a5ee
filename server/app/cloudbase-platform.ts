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
import { databaseAccess, environmentId } from './database-access';
import { cloudCallShippingApi } from '../wechat/shipping-api';
import { cloudCallMessageApi, type CloudCallOpenApi } from '../wechat/cloud-call';
import { loadPaymentSettings, type PaymentSettings } from './settings';
import type { OrderStore } from '../orders/store';

/** A function that never calls OTT Pay is given no OTT settings: reaching for them is a defect. */
function withoutOtt(base: Omit<Platform, 'ottConfig' | 'ott'>): Platform {
  const refuse = (): never => {
    throw new Error('this function does not call OTT Pay and has no OTT_* settings');
  };
  return Object.defineProperties(base, { ottConfig: { get: refuse }, ott: { get: refuse } }) as Platform;
}

/**
 * The database: with CLOUDBASE_APIKEY (functions V2, which hands a function no temporary keys)
 * through @cloudbase/node-sdk, which sends the key as a bearer token from 3.18.0 on (the node-sdk
 * wx-server-sdk 4.0.2 brings, 3.17.2, ignores it); otherwise through wx-server-sdk and the keys
 * CloudBase gives the function (V1). The environment id is passed explicitly either way.
 */
function openStore(settings: PaymentSettings, env: NodeJS.ProcessEnv = process.env): OrderStore {
  const access = databaseAccess(env);
  if (access.kind === 'apiKey') {
    // loaded only here: V1 never needs the newer SDK
    const tcb = require('@cloudbase/node-sdk') as typeof import('@cloudbase/node-sdk');
    const app = tcb.init({ env: access.envId, accessKey: access.apiKey, timeout: settings.databaseTimeoutMs });
    return createCloudBaseStore(app.database(), { wrapWrites: false });
  }
  // `timeout` is handed on to node-sdk's requests; the SDK's init type does not list it
  cloud.init({ env: access.envId, timeout: settings.databaseTimeoutMs } as unknown as Parameters<typeof cloud.init>[0]);
  return createCloudBaseStore(cloud.database(), { wrapWrites: true });
}

export async function cloudBasePlatform(needs: Needs = CALLS_OTT): Promise<Platform> {
  const settings = loadPaymentSettings();
  const base = { settings, store: openStore(settings), now: () => new Date(), log: jsonLineLogger() };
  if (!needs.ott) return withoutOtt(base);
  const ottConfig = loadOttConfig();
  const platform: Platform = { ...base, ottConfig, ott: new OttClient(ottConfig) };
  // the cloud call needs wx-server-sdk initialised, also where the database goes through node-sdk
  if (settings.shipping || settings.receipt) {
    if (databaseAccess(process.env).kind === 'apiKey') cloud.init({ env: environmentId(process.env) });
    const openapi = cloud.openapi as unknown as CloudCallOpenApi;
    if (settings.shipping) platform.shipping = cloudCallShippingApi(openapi);
    if (settings.receipt) platform.messages = cloudCallMessageApi(openapi);
  }
  if (needs.app) {
    const inApp = loadInAppConfig(process.env, ottConfig);
    platform.inApp = { pay: (request) => inAppPay(inApp, request) };
  }
  return platform;
}
