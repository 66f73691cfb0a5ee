/**
 * Credentials the local stack uses when the OTT_* variables are unset. They are made up, known
 * to everyone, and accepted only by the local OTT Pay sandbox.
 */
export const SANDBOX_CREDENTIALS = {
  merchantId: 'SB00000001',
  operatorId: '0000000001',
  signKey: '0123456789ABCDEF',
  /** The mini-program AppID the local runtime reports in getWXContext(). */
  appId: 'wx00000000sandbox',
  /** The merchant's native app at the WeChat Open Platform, for in-app payments. */
  nativeAppId: 'wx00000000sandboxapp',
  /** Key the simulated WeChat Pay signs payInfo with (D15), and the in-app reply's `wxapikey`; WeChat's real key never leaves WeChat. */
  wechatApiKey: 'SANDBOXWECHATPAYAPIKEY0000000000',
  /** What the local scheduler sends to the sweep's HTTP route (SWEEP_SECRET). */
  sweepSecret: 'local-sweep-secret-known-to-everyone-0000',
} as const;

export const DEFAULT_SANDBOX_PORT = 8700;
export const DEFAULT_LOCAL_CLOUD_PORT = 8701;
