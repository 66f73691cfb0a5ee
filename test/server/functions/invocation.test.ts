/**
 * What a function reads of its platform, on V1 (environment variables, the integrated HTTP event,
 * the timer event) and V2 (the functions framework's context).
 */
import { holdsSecret } from '../../../server/functions/triggered';
import { callerOf, httpRequestOf, isTimerEvent } from '../../../server/functions/invocation';
import { databaseAccess, databaseAccessProblems } from '../../../server/app/database-access';
import { loadPaymentSettings } from '../../../server/app/settings';

const V1_CALLER = { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: 'o-env', WX_APPID: 'wx-env' };

function withEnvironment<T>(values: Record<string, string>, read: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  try {
    return read();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('the caller', () => {
  it('comes from the context when the platform puts it there (V2), ahead of the environment', () => {
    const context = { extendedContext: { envId: 'env-1', wechatContext: { openId: 'o-ctx', appId: 'wx-ctx' } } };
    expect(withEnvironment(V1_CALLER, () => callerOf(context))).toEqual({ caller: { openid: 'o-ctx', appid: 'wx-ctx', kind: 'miniprogram' }, source: 'context' });
    expect(callerOf({ extendedContext: { userId: 'u-7' } })).toEqual({ caller: { openid: 'app:u-7', appid: '', kind: 'app' }, source: 'context' });
  });

  it('comes from the environment otherwise (V1), and is nobody when neither says', () => {
    expect(withEnvironment(V1_CALLER, () => callerOf({ request_id: 'r' }))).toEqual({ caller: { openid: 'o-env', appid: 'wx-env', kind: 'miniprogram' }, source: 'environment' });
    expect(callerOf(undefined)).toEqual({ caller: null, source: 'none' });
    expect(callerOf({ extendedContext: { envId: 'env-1', wechatContext: { openId: '' } } })).toEqual({ caller: null, source: 'none' });
  });

  it('is never read from the event', () => {
    expect(callerOf({ openid: 'o-forged', userInfo: { openId: 'o-forged' } })).toEqual({ caller: null, source: 'none' });
  });
});

describe('an HTTP request', () => {
  it('is V1’s integrated request as it came', () => {
    const event = { httpMethod: 'POST', path: '/ottpay/callback', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'bWQ1PXg=', isBase64Encoded: true };
    expect(httpRequestOf(event, { request_id: 'r' })).toEqual({ httpMethod: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'bWQ1PXg=', isBase64Encoded: true });
  });

  it('is V2’s httpContext with the body the framework parsed, as JSON again', () => {
    const context = { httpContext: { url: 'https://x/ottpay/callback', httpMethod: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'ott' } } };
    expect(httpRequestOf({ md5: 'ab', data: 'cd' }, context)).toEqual({ httpMethod: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'ott' }, body: '{"md5":"ab","data":"cd"}', isBase64Encoded: false });
    expect(httpRequestOf('md5=ab', context)?.body).toBe('md5=ab');
    expect(httpRequestOf(Buffer.from('md5=ab'), context)?.body).toBe('md5=ab');
  });

  it('is not a callable call or a timer, nor an event that only names a method', () => {
    expect(httpRequestOf({ amountCents: 100 }, { request_id: 'r' })).toBeNull();
    expect(httpRequestOf({ httpMethod: 'POST', body: '{}' }, undefined)).toBeNull();
    expect(httpRequestOf({ Type: 'Timer', TriggerName: 't' }, undefined)).toBeNull();
    expect(isTimerEvent({ Type: 'Timer', TriggerName: 'sweepEveryFiveMinutes', Time: '2026-12-03T00:00:00Z' })).toBe(true);
    expect(isTimerEvent({ Type: 'Timer' })).toBe(false);
  });
});

describe('the sweep’s secret', () => {
  const secret = 'a'.repeat(40);
  const request = (headers: Record<string, string>) => ({ httpMethod: 'POST', headers, body: '' });

  it('is taken from Authorization: Bearer or X-Sweep-Secret, and nothing else', () => {
    expect(holdsSecret(request({ authorization: `Bearer ${secret}` }), secret)).toBe(true);
    expect(holdsSecret(request({ 'x-sweep-secret': secret }), secret)).toBe(true);
    expect(holdsSecret(request({ authorization: `Bearer ${secret}x` }), secret)).toBe(false);
    expect(holdsSecret(request({}), secret)).toBe(false);
    expect(holdsSecret(request({ authorization: 'Bearer ' }), secret)).toBe(false);
  });

  it('opens nothing when none is configured', () => {
    expect(holdsSecret(request({ authorization: 'Bearer ' }), null)).toBe(false);
    expect(holdsSecret(request({ authorization: `Bearer ${secret}` }), null)).toBe(false);
  });
});

describe('database access', () => {
  it('uses the API key and the explicit environment id where V2 gives neither keys nor an id', () => {
    expect(databaseAccess({ CLOUDBASE_APIKEY: 'Bearer k', CLOUDBASE_ENV_ID: 'env-2' })).toEqual({ kind: 'apiKey', apiKey: 'k', envId: 'env-2' });
    expect(databaseAccessProblems({ CLOUDBASE_APIKEY: 'k', CLOUDBASE_ENV_ID: 'env-2' })).toEqual([]);
    expect(databaseAccessProblems({ CLOUDBASE_APIKEY: 'k' }).map((p) => p.variable)).toEqual(['CLOUDBASE_ENV_ID']);
  });

  it('uses V1’s temporary keys and environment otherwise, and names what is missing', () => {
    expect(databaseAccess({ TCB_ENV: 'env-1', TENCENTCLOUD_SECRETID: 'id' })).toEqual({ kind: 'temporaryKeys', envId: 'env-1' });
    expect(databaseAccessProblems({ SCF_NAMESPACE: 'env-1', TENCENTCLOUD_SECRETID: 'id' })).toEqual([]);
    expect(databaseAccessProblems({}).map((p) => p.variable)).toEqual(['CLOUDBASE_ENV_ID', 'CLOUDBASE_APIKEY']);
  });
});

describe('SWEEP_SECRET', () => {
  it('is a long random word or nothing: a short or odd one is refused by name, never echoed', () => {
    expect(loadPaymentSettings({}).sweepSecret).toBeNull();
    expect(loadPaymentSettings({ SWEEP_SECRET: 'a1'.repeat(20) }).sweepSecret).toBe('a1'.repeat(20));
    for (const bad of ['short-secret', `${'a'.repeat(40)} b`, `${'a'.repeat(40)}!`]) {
      expect(() => loadPaymentSettings({ SWEEP_SECRET: bad })).toThrow(/^SWEEP_SECRET must be at least 32 letters, digits/);
      try {
        loadPaymentSettings({ SWEEP_SECRET: bad });
      } catch (error) {
        expect((error as Error).message).not.toContain(bad);
      }
    }
  });
});
