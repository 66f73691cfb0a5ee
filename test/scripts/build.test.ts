import { spawnSync } from 'child_process';
import { join } from 'path';
import { buildFunction, FUNCTIONS_DIR, functionNames } from '../../scripts/build-functions';

jest.setTimeout(60_000);

describe('npm run build', () => {
  const names = functionNames();
  let built: Array<{ name: string; bytes: number; inputs: string[] }>;

  beforeAll(async () => {
    built = [];
    for (const name of names) built.push(await buildFunction(name));
  });

  it('bundles every function', () => {
    expect(names).toEqual(['collectByQr', 'createPayment', 'exchangeRate', 'listPayments', 'merchantSummary', 'paymentCallback', 'queryPayment', 'refund', 'sweep']);
    for (const { bytes } of built) expect(bytes).toBeGreaterThan(1000);
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
        results.paymentCallback = await require(${JSON.stringify(join(FUNCTIONS_DIR, 'paymentCallback', 'index.js'))}).main({ httpMethod: 'POST', body: '{}' }, {});
        console.log(JSON.stringify(results));
      })();`;
    const env = { PATH: process.env.PATH, OTT_SIGN_KEY: 'ABCDEF0123456789' };
    const run = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const results = JSON.parse(run.stdout.trim());
    const output = run.stdout + run.stderr;
    for (const name of names.filter((n) => n !== 'createPayment' && n !== 'paymentCallback')) expect(results[name]).toBe('function');
    expect(results.createPayment).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(results.paymentCallback).toMatchObject({ statusCode: 500, body: 'FAIL' });
    expect(output).toContain('OTT_API_URL is missing');
    expect(output).not.toContain('ABCDEF0123456789');
  });
});
