/**
 * CloudBase hands a function its caller through environment variables, which is all
 * wx-server-sdk's getWXContext() reads. The local runtime sets them around the synchronous start
 * of each invocation; a function must therefore read its context before its first await, which
 * every function here does through server/functions.
 */
export interface Caller {
  openid?: string;
  appid?: string;
  unionid?: string;
}

const CONTEXT_VARIABLES = ['WX_OPENID', 'WX_APPID', 'WX_UNIONID'] as const;

export function runWithCaller<T>(caller: Caller, envId: string, start: () => T): T {
  const saved: Record<string, string | undefined> = {};
  const names = ['WX_CONTEXT_KEYS', 'TCB_ENV', ...CONTEXT_VARIABLES];
  for (const name of names) saved[name] = process.env[name];
  const values: Record<(typeof CONTEXT_VARIABLES)[number], string | undefined> = {
    WX_OPENID: caller.openid,
    WX_APPID: caller.appid,
    WX_UNIONID: caller.unionid,
  };
  const present = CONTEXT_VARIABLES.filter((name) => values[name] !== undefined);
  process.env.WX_CONTEXT_KEYS = present.join(',');
  process.env.TCB_ENV = envId;
  for (const name of CONTEXT_VARIABLES) {
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
