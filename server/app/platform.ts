/**
 * Everything a payment function needs from its surroundings. In CloudBase it is built from
 * wx-server-sdk and the functions' environment variables; the local runtime provides its own
 * (embedded store, sandbox credentials) before any function runs.
 */
import type { OrderStore } from '../orders/store';
import type { OttConfig } from '../ottpay/config';
import type { OttApi } from '../ottpay/client';
import type { InAppApi } from '../ottpay/in-app';
import type { Logger } from './log';
import type { PaymentSettings } from './settings';

export interface Platform {
  settings: PaymentSettings;
  ottConfig: OttConfig;
  ott: OttApi;
  /** OTT Pay's in-app payment request, for the functions that serve the merchant's native app. */
  inApp?: InAppApi;
  store: OrderStore;
  now(): Date;
  log: Logger;
}

export type PlatformFactory = () => Promise<Platform>;

let factory: PlatformFactory | undefined;
let instance: Promise<Platform> | undefined;

/** Replaces how the platform is built (the local runtime and tests call this first). */
export function providePlatform(next: PlatformFactory): void {
  factory = next;
  instance = undefined;
}

/** True once the local runtime or a test has said how the platform is built. */
export function platformProvided(): boolean {
  return factory !== undefined;
}

/** The platform, built once per function instance; a failed build is retried on the next call. */
export function getPlatform(fallback: PlatformFactory): Promise<Platform> {
  if (!instance) {
    instance = (factory ?? fallback)().catch((error: unknown) => {
      instance = undefined;
      throw error;
    });
  }
  return instance;
}
