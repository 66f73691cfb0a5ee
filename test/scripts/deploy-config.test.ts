import { readFileSync } from 'fs';
import { join } from 'path';
import { FUNCTIONS_DIR, functionNames } from '../../scripts/build-functions';
import { loadFunctions } from '../../local/cloud-runtime/function-registry';
import { loadPaymentSettings } from '../../server/app/settings';

const root = join(FUNCTIONS_DIR, '..');
const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Deployed {
  name: string;
  runtime: string;
  handler: string;
  timeout: number;
  installDependency: boolean;
  ignore: string[];
  triggers?: unknown[];
  envVariables: Record<string, string>;
}

/** The functions that talk to OTT Pay need its settings; the others must not be given the sign key. */
const CALLS_OTT = ['collectByQr', 'createAppPayment', 'createPayment', 'exchangeRate', 'paymentCallback', 'queryPayment', 'refund', 'sweep'];

describe('cloudbaserc.json, as `tcb fn deploy` reads it', () => {
  const rc = read('cloudbaserc.json') as { envId: string; functionRoot: string; functions: Deployed[] };

  it('deploys every function from its bundle, with a timeout from 1 to 60 s', () => {
    expect(rc.functionRoot).toBe('./cloudfunctions');
    expect(rc.functions.map((f) => f.name).sort()).toEqual(functionNames());
    for (const fn of rc.functions) {
      expect({ name: fn.name, handler: fn.handler, installDependency: fn.installDependency, ignore: fn.ignore }).toEqual({ name: fn.name, handler: 'index.main', installDependency: true, ignore: ['src', 'src/**'] });
      expect(fn.timeout).toBeGreaterThanOrEqual(1);
      expect(fn.timeout).toBeLessThanOrEqual(60);
    }
  });

  it('gives functions that call OTT Pay time for two exchanges, and the sweep and refunds a full minute', () => {
    for (const fn of rc.functions.filter((f) => CALLS_OTT.includes(f.name))) expect(fn.timeout).toBeGreaterThanOrEqual(20);
    expect(rc.functions.filter((f) => f.timeout === 60).map((f) => f.name).sort()).toEqual(['refund', 'sweep']);
  });

  it('has the triggers of each function’s config.json, which keeps only what WeChat documents for it', () => {
    for (const fn of rc.functions) {
      const config = read(`cloudfunctions/${fn.name}/config.json`);
      expect(Object.keys(config).sort()).toEqual(['permissions', 'triggers']);
      expect(fn.triggers ?? []).toEqual(config.triggers);
    }
  });

  it('passes OTT Pay’s settings only to the functions that call it, every variable from .env, and each one documented', () => {
    for (const fn of rc.functions) {
      expect('OTT_SIGN_KEY' in fn.envVariables).toBe(CALLS_OTT.includes(fn.name));
      for (const [name, value] of Object.entries(fn.envVariables)) {
        expect(value).toBe(`{{env.${name}}}`);
        expect(readme).toContain(`| \`${name}\` |`);
      }
    }
  });

  it('gives every function longer than a database request may take, so a slow database ends it with an answer', () => {
    const { databaseTimeoutMs } = loadPaymentSettings({});
    expect(Math.min(...rc.functions.map((fn) => fn.timeout * 1000))).toBeGreaterThan(databaseTimeoutMs);
  });

  it('is where the local runtime takes each function’s timeout from', () => {
    const loaded = loadFunctions(FUNCTIONS_DIR);
    for (const fn of rc.functions) expect(loaded.find((f) => f.name === fn.name)?.timeoutSeconds).toBe(fn.timeout);
  });
});

describe('cloudbaserc.v2.json, for an environment on functions V2', () => {
  const v1 = read('cloudbaserc.json') as { functions: Deployed[] };
  const v2 = read('cloudbaserc.v2.json') as { functions: Deployed[] };

  it('deploys the same functions on Node 24, the one runtime V2 runs and the one chosen on V1', () => {
    for (const rc of [v1, v2]) expect(new Set(rc.functions.map((f) => f.runtime))).toEqual(new Set(['Nodejs24.11']));
    expect(v2.functions.map((f) => f.name)).toEqual(v1.functions.map((f) => f.name));
  });

  it('differs only in what V2 lacks: no timer, and the API key and environment id given to every function', () => {
    for (const fn of v2.functions) {
      const { triggers, ...same } = v1.functions.find((f) => f.name === fn.name)!;
      expect(fn).toEqual({ ...same, envVariables: { ...same.envVariables, CLOUDBASE_APIKEY: '{{env.CLOUDBASE_APIKEY}}', CLOUDBASE_ENV_ID: '{{env.CLOUDBASE_ENV_ID}}' } });
      expect(triggers === undefined || fn.name === 'sweep').toBe(true);
    }
  });

  it('gives the sweep its secret on both, for the HTTP route an outside scheduler calls', () => {
    for (const rc of [v1, v2]) expect(rc.functions.find((f) => f.name === 'sweep')!.envVariables.SWEEP_SECRET).toBe('{{env.SWEEP_SECRET}}');
  });
});

describe('function packages', () => {
  it('every function package pins exactly the SDKs the tests ran, which the bundles leave out', () => {
    for (const name of functionNames()) {
      expect(read(`cloudfunctions/${name}/package.json`).dependencies).toEqual({ '@cloudbase/node-sdk': '3.18.3', 'wx-server-sdk': '4.0.2' });
    }
  });
});
