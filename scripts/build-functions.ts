/**
 * `npm run build`: bundles each cloudfunctions/<name>/src/index.ts into the index.js WeChat
 * DevTools uploads. Shared server code is inlined; wx-server-sdk stays external (CloudBase
 * installs it from the function's package.json).
 */
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'fs';
import { join, resolve } from 'path';
import { isEntryPoint } from '../server/app/entry-point';

export const FUNCTIONS_DIR = resolve(__dirname, '..', 'cloudfunctions');

/** Node 16 is the oldest runtime CloudBase offers for functions. */
export const RUNTIME_TARGET = 'node16';

export function functionNames(): string[] {
  return readdirSync(FUNCTIONS_DIR)
    .filter((name) => existsSync(join(FUNCTIONS_DIR, name, 'src', 'index.ts')))
    .sort();
}

export async function buildFunction(name: string): Promise<{ name: string; bytes: number; inputs: string[] }> {
  const result = await build({
    entryPoints: [join(FUNCTIONS_DIR, name, 'src', 'index.ts')],
    outfile: join(FUNCTIONS_DIR, name, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: RUNTIME_TARGET,
    external: ['wx-server-sdk'],
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { name, bytes: output.bytes, inputs: Object.keys(result.metafile.inputs) };
}

async function main(): Promise<void> {
  for (const name of functionNames()) {
    const { bytes } = await buildFunction(name);
    console.log(`${name.padEnd(16)} cloudfunctions/${name}/index.js  ${(bytes / 1024).toFixed(1)} KiB`);
  }
}

if (isEntryPoint(__filename)) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
