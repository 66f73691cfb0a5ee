/**
 * The settings of the native app's payments (OTT Pay's in-app request), for createAppPayment:
 * OTT_APP_API_URL (default OTT's documented endpoint), WECHAT_APP_ID (the app's AppID at the
 * WeChat Open Platform) and WECHAT_APP_API_KEY (the merchant's own WeChat API key for the app,
 * secret, optional: without it OTT's key is used for the one signature and forgotten).
 */
import type { InAppConfig } from '../ottpay/in-app';
import type { OttConfig } from '../ottpay/config';
import { SettingsError, type SettingProblem } from './settings';

export const DEFAULT_APP_API_URL = 'https://mppay.ottpay.com/inAppPay';

export function loadInAppConfig(env: NodeJS.ProcessEnv, ott: Pick<OttConfig, 'merchantId' | 'operatorId' | 'callbackUrl' | 'timeoutMs'>): InAppConfig {
  const problems: SettingProblem[] = [];
  const value = (name: string) => env[name]?.trim() || undefined;
  const apiUrl = value('OTT_APP_API_URL') ?? DEFAULT_APP_API_URL;
  if (!/^https?:\/\/\S+$/.test(apiUrl)) problems.push({ variable: 'OTT_APP_API_URL', problem: 'must be an http or https URL' });
  const appId = value('WECHAT_APP_ID');
  if (appId === undefined) problems.push({ variable: 'WECHAT_APP_ID', problem: 'is missing' });
  else if (!/^wx[0-9A-Za-z]{8,30}$/.test(appId)) problems.push({ variable: 'WECHAT_APP_ID', problem: 'must be an AppID such as wx0123456789abcdef' });
  const apiKey = value('WECHAT_APP_API_KEY');
  if (apiKey !== undefined && !/^[0-9A-Za-z]{32}$/.test(apiKey)) problems.push({ variable: 'WECHAT_APP_API_KEY', problem: 'must be 32 letters and digits' });
  if (problems.length > 0) throw new SettingsError(problems);
  const config: InAppConfig = { apiUrl, merchantId: ott.merchantId, operatorId: ott.operatorId, callbackUrl: ott.callbackUrl, timeoutMs: ott.timeoutMs, appId: appId! };
  if (apiKey !== undefined) config.apiKey = apiKey;
  return config;
}
