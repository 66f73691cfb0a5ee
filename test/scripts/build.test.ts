import { spawnSync } from 'child_process';
import { join } from 'path';
import { buildFunction, FUNCTIONS_DIR, functionNames, sdkPinProblem } from '../../scripts/build-functions';

jest.setTimeout(60_000);

describe('npm run build', () => {
  const names = functionNames();
  let built: Array<{ name: string; bytes: number; inputs: string[] }>;

  beforeAll(async () => {
    built = [];
    for (const name of names) built.push(await buildFunction(name));
  });

  it('bundles every function', () => {
    expect(names).toEqual(['collectByQr', 'counterFeed', 'createAppPayment', 'createPayment', 'exchangeRate', 'listPayments', 'merchantStaff', 'merchantSummary', 'paymentCallback', 'queryPayment', 'refund', 'sweep']);
    for (const { bytes } of built) expect(bytes).toBeGreaterThan(1000);
  });

  it('refuses a function whose package.json does not pin exactly the wx-server-sdk the tests ran', () => {
    expect(sdkPinProblem('refund', { dependencies: { 'wx-server-sdk': '4.0.2' } }, '4.0.2')).toBeUndefined();
    expect(sdkPinProblem('refund', { dependencies: { 'wx-server-sdk': '~4.0.2' } }, '4.0.2')).toMatch(/asks for wx-server-sdk ~4.0.2, but the tests run 4.0.2: pin exactly "4.0.2"/);
    expect(sdkPinProblem('refund', {}, '4.0.2')).toMatch(/wx-server-sdk \(none\)/);
    expect(require('wx-server-sdk/package.json').version).toBe(require('../../package.json').dependencies['wx-server-sdk']);
    expect(sdkPinProblem('refund', { dependencies: { '@cloudbase/node-sdk': '3.17.2' } }, '3.18.3', '@cloudbase/node-sdk')).toMatch(/asks for @cloudbase\/node-sdk 3.17.2, but the tests run 3.18.3/);
    expect(require('@cloudbase/node-sdk/package.json').version).toBe(require('../../package.json').dependencies['@cloudbase/node-sdk']);
  });

  it('never bundles the local development tools or the embedded store', () => {
    for (const { name, inputs } of built) {
      const foreign = inputs.filter((input) => input.startsWith('local/') || input.includes('nedb') || input.startsWith('miniprogram/'));
      expect({ name, foreign }).toEqual({ name, foreign: [] });
    }
  });

  it('loads under plain node with wx-server-sdk installed, and answers without a caller', () => {
    const script = `
      const results = {};
      (async () => {
        for (const name of ${JSON.stringify(names)}) {
          const fn = require(${JSON.stringify(FUNCTIONS_DIR)} + '/' + name + '/index.js');
          results[name] = typeof fn.main;
        }
        results.createPayment = await require(${JSON.stringify(join(FUNCTIONS_DIR, 'createPayment', 'index.js'))}).main({ amountCents: 100 }, {});
        results.paymentCallback = await require(${JSON.stringify(join(FUNCTIONS_DIR, 'paymentCallback', 'index.js'))}).main({ httpMethod: 'POST', headers: {}, body: '{}' }, {});
        console.log(JSON.stringify(results));
      })();`;
    const env = { PATH: process.env.PATH, OTT_SIGN_KEY: 'ABCDEF0123456789' };
    const run = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const results = lastLine(run.stdout);
    const output = run.stdout + run.stderr;
    for (const name of names.filter((n) => n !== 'createPayment' && n !== 'paymentCallback')) expect(results[name]).toBe('function');
    expect(results.createPayment).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(results.paymentCallback).toMatchObject({ statusCode: 500, body: 'FAIL' });
    expect(output).toContain('OTT_API_URL is missing');
    expect(output).not.toContain('ABCDEF0123456789');
  });

  it('logs one configuration error per function at its cold start, naming each problem, and answers a payer without a stack trace', () => {
    const script = `
      (async () => {
        for (const name of ${JSON.stringify(names)}) require(${JSON.stringify(FUNCTIONS_DIR)} + '/' + name + '/index.js');
        const result = await require(${JSON.stringify(join(FUNCTIONS_DIR, 'createPayment', 'index.js'))}).main({ amountCents: 100 }, {});
        console.log(JSON.stringify(result));
      })();`;
    const env = { PATH: process.env.PATH, OTT_SIGN_KEY: 'short', MAX_AMOUNT_CENTS: 'lots', WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: 'o-payer', ...V1_GIVES };
    const run = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const logged = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as { event: string; function: string; problems: string });
    expect(logged.map((l) => l.function).sort()).toEqual(['collectByQr', 'counterFeed', 'createAppPayment', 'createPayment', 'exchangeRate', 'listPayments', 'merchantStaff', 'merchantSummary', 'paymentCallback', 'queryPayment', 'refund', 'sweep']);
    expect(logged.every((l) => l.event === 'config.invalid')).toBe(true);
    const listPayments = logged.find((l) => l.function === 'listPayments')!;
    expect(listPayments.problems).toBe('MAX_AMOUNT_CENTS must be a whole number from 1 to 100000000');
    expect(logged.find((l) => l.function === 'createPayment')!.problems).toContain('OTT_SIGN_KEY must be exactly 16 characters');
    expect(lastLine(run.stdout)).toEqual({ ok: false, code: 'CONFIGURATION_ERROR', message: 'The payment service is not set up correctly yet. Please tell the merchant.' });
    expect(run.stdout + run.stderr).not.toContain('short');
  });

  it('answers CONFIGURATION_ERROR where the platform gives neither temporary keys nor an environment id and no API key is set (functions V2)', () => {
    const script = `
      (async () => {
        const fn = require(${JSON.stringify(join(FUNCTIONS_DIR, 'listPayments', 'index.js'))});
        const result = await fn.main({}, { extendedContext: { wechatContext: { openId: 'o-payer', appId: 'wx1' } } });
        console.log(JSON.stringify(result));
      })();`;
    const run = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(lastLine(run.stdout)).toMatchObject({ ok: false, code: 'CONFIGURATION_ERROR' });
    const logged = JSON.parse(run.stderr.trim().split('\n')[0]) as { problems: string };
    expect(logged.problems).toContain('CLOUDBASE_ENV_ID must be set');
    expect(logged.problems).toContain('CLOUDBASE_APIKEY must be set');
  });

  it('logs a promise rejected with nobody waiting, and goes on serving', () => {
    const script = `
      (async () => {
        const fn = require(${JSON.stringify(join(FUNCTIONS_DIR, 'listPayments', 'index.js'))});
        Promise.reject(new Error('a background request failed'));
        await new Promise((resolve) => setTimeout(resolve, 50));
        console.log(JSON.stringify(await fn.main({}, {})));
      })();`;
    const run = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...V1_GIVES }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('"event":"unhandled_rejection","message":"a background request failed"');
    expect(lastLine(run.stdout)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

/** What CloudBase V1 gives every function: its environment id and temporary keys. */
const V1_GIVES = { TCB_ENV: 'env-1', SCF_NAMESPACE: 'env-1', TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' };

/** The last line a script printed: its result, after the functions' own log lines. */
function lastLine(stdout: string): any {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}
