/**
 * CloudBase hands a function its caller through environment variables: a mini-program user's
 * through WX_CONTEXT_KEYS (all wx-server-sdk's getWXContext() reads), an app user signed in to
 * CloudBase through TCB_CONTEXT_KEYS (what @cloudbase/node-sdk's auth().getUserInfo() reads). The
 * local runtime sets them around the synchronous start of each invocation; a function must
 * therefore read its caller before its first await, which every function here does through
 * server/functions.
 */
export interface Caller {
  openid?: string;
  appid?: string;
  unionid?: string;
  /** A CloudBase user of the merchant's app. */
  uid?: string;
  customUserId?: string;
}

const WX_VARIABLES = ['WX_OPENID', 'WX_APPID', 'WX_UNIONID'] as const;
const TCB_VARIABLES = ['TCB_UUID', 'TCB_CUSTOM_USER_ID', 'TCB_ISANONYMOUS_USER'] as const;
type Variable = (typeof WX_VARIABLES)[number] | (typeof TCB_VARIABLES)[number];

export function runWithCaller<T>(caller: Caller, envId: string, start: () => T): T {
  const values: Record<Variable, string | undefined> = {
    WX_OPENID: caller.openid,
    WX_APPID: caller.openid === undefined ? undefined : caller.appid,
    WX_UNIONID: caller.unionid,
    TCB_UUID: caller.uid,
    TCB_CUSTOM_USER_ID: caller.customUserId,
    TCB_ISANONYMOUS_USER: caller.uid === undefined ? undefined : 'false',
  };
  const names = ['WX_CONTEXT_KEYS', 'TCB_CONTEXT_KEYS', 'TCB_ENV', ...WX_VARIABLES, ...TCB_VARIABLES];
  const saved: Record<string, string | undefined> = {};
  for (const name of names) saved[name] = process.env[name];
  process.env.WX_CONTEXT_KEYS = WX_VARIABLES.filter((name) => values[name] !== undefined).join(',');
  process.env.TCB_CONTEXT_KEYS = TCB_VARIABLES.filter((name) => values[name] !== undefined).join(',');
  process.env.TCB_ENV = envId;
  for (const name of [...WX_VARIABLES, ...TCB_VARIABLES]) {
    if (values[name] === undefined) delete process.env[name];
    else process.env[name] = values[name];
  }
  try {
    return start();
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}
