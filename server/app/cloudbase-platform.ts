/** The platform inside CloudBase: the CloudBase database through wx-server-sdk, settings from the environment. */
import * as cloud from 'wx-server-sdk';
import { createCloudBaseStore } from '../orders/cloudbase-store';
import { OttClient } from '../ottpay/client';
import { loadOttConfig } from '../ottpay/config';
import { jsonLineLogger } from './log';
import type { Platform } from './platform';
import { loadPaymentSettings } from './settings';

export async function cloudBasePlatform(): Promise<Platform> {
  const ottConfig = loadOttConfig();
  const settings = loadPaymentSettings();
  // DYNAMIC_CURRENT_ENV: the environment the function runs in; the SDK types it as a symbol its init type does not list.
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  return {
    settings,
    ottConfig,
    ott: new OttClient(ottConfig),
    store: createCloudBaseStore(cloud.database(), { wrapWrites: true }),
    now: () => new Date(),
    log: jsonLineLogger(),
  };
}
