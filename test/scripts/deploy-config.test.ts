import { readFileSync } from 'fs';
import { join } from 'path';
import { FUNCTIONS_DIR, functionNames } from '../../scripts/build-functions';

const root = join(FUNCTIONS_DIR, '..');
const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));

describe('deployment configuration', () => {
  const rc = read('cloudbaserc.json') as { functions: Array<{ name: string; timeout: number; triggers?: unknown[]; envVariables: Record<string, string> }> };

  it('cloudbaserc.json deploys every function with the timeout and triggers of its config.json', () => {
    expect(rc.functions.map((f) => f.name).sort()).toEqual(functionNames());
    for (const fn of rc.functions) {
      const config = read(`cloudfunctions/${fn.name}/config.json`);
      expect({ name: fn.name, timeout: fn.timeout, triggers: fn.triggers ?? [] }).toEqual({ name: fn.name, timeout: config.timeout, triggers: config.triggers });
    }
  });

  it('gives functions that call OTT Pay time for its timeout, and never a literal secret', () => {
    for (const fn of rc.functions) {
      expect(fn.timeout).toBeGreaterThanOrEqual(10);
      expect(fn.envVariables.OTT_SIGN_KEY).toBe('{{env.OTT_SIGN_KEY}}');
    }
  });

  it('every function package names wx-server-sdk, which the bundles leave out', () => {
    for (const name of functionNames()) {
      expect(read(`cloudfunctions/${name}/package.json`).dependencies).toEqual({ 'wx-server-sdk': '~4.0.2' });
    }
  });
});
