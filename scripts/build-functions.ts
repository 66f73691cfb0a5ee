/**
 * `npm run build`: bundles each cloudfunctions/<name>/src/index.ts into the index.js WeChat
 * DevTools uploads. Shared server code is inlined; the CloudBase SDKs stay external (CloudBase
 * installs them from the function's package.json).
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { config as miniprogramConfig } from '../miniprogram/config';
import { isEntryPoint } from '../server/app/entry-point';
import { sampleValueProblems } from '../miniprogram/utils/sample-config';

export const FUNCTIONS_DIR = resolve(__dirname, '..', 'cloudfunctions');

/** The oldest runtime the functions are tested on (CI runs Node 20 and 24; cloudbaserc.json deploys Nodejs24.11). */
export const RUNTIME_TARGET = 'node20';

/** The SDKs each function's package.json pins exactly, external to the bundle. */
export const PINNED_SDKS = ['wx-server-sdk', '@cloudbase/node-sdk'] as const;

export function functionNames(): string[] {
  return readdirSync(FUNCTIONS_DIR)
    .filter((name) => existsSync(join(FUNCTIONS_DIR, name, 'src', 'index.ts')))
    .sort();
}

/** The version of a package installed here. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(resolve(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * CloudBase installs each function's dependencies from its package.json, with no lock file: each
 * SDK pinned there must be exactly the one the tests here ran against.
 */
export function sdkPinProblem(name: string, manifest: { dependencies?: Record<string, string> }, installed: string, sdk: string = 'wx-server-sdk'): string | undefined {
  const pinned = manifest.dependencies?.[sdk];
  if (pinned === installed) return undefined;
  return `cloudfunctions/${name}/package.json asks for ${sdk} ${pinned ?? '(none)'}, but the tests run ${installed}: pin exactly "${installed}" (or install and test the other)`;
}

function checkSdkPins(name: string): void {
  const manifest = JSON.parse(readFileSync(join(FUNCTIONS_DIR, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const sdk of PINNED_SDKS) {
    const problem = sdkPinProblem(name, manifest, installedVersion(sdk), sdk);
    if (problem) throw new Error(problem);
  }
}

/** Writes cloudfunctions/<name>/index.js in one step (a temporary file renamed over it), so a reader never sees half a bundle. */
export async function buildFunction(name: string): Promise<{ name: string; bytes: number; inputs: string[] }> {
  checkSdkPins(name);
  const outfile = join(FUNCTIONS_DIR, name, 'index.js');
  const result = await build({
    entryPoints: [join(FUNCTIONS_DIR, name, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: RUNTIME_TARGET,
    external: [...PINNED_SDKS],
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    write: false,
  });
  const [output] = result.outputFiles;
  const temporary = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temporary, output.contents);
  renameSync(temporary, outfile);
  return { name, bytes: output.contents.length, inputs: Object.keys(result.metafile.inputs) };
}

/** The newest modification time of the files under `dir`, 0 when there are none. */
function newestUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const SOURCE_DIRS = ['server', 'typings'].map((dir) => resolve(__dirname, '..', dir));

/** Builds each function whose bundle is missing or older than the sources it is built from; returns the names built. */
export async function buildStaleFunctions(): Promise<string[]> {
  const shared = Math.max(...SOURCE_DIRS.map(newestUnder));
  const built: string[] = [];
  for (const name of functionNames()) {
    const bundle = join(FUNCTIONS_DIR, name, 'index.js');
    const builtAt = existsSync(bundle) ? statSync(bundle).mtimeMs : -1;
    if (builtAt >= Math.max(shared, newestUnder(join(FUNCTIONS_DIR, name, 'src')))) continue;
    await buildFunction(name);
    built.push(name);
  }
  return built;
}

async function main(): Promise<void> {
  // --stale: only the bundles older than their sources (what the local stack and the tests do first)
  if (process.argv.includes('--stale')) {
    const built = await buildStaleFunctions();
    if (built.length > 0) console.log(`built ${built.join(', ')}`);
    return;
  }
  for (const name of functionNames()) {
    const { bytes } = await buildFunction(name);
    console.log(`${name.padEnd(16)} cloudfunctions/${name}/index.js  ${(bytes / 1024).toFixed(1)} KiB`);
  }
  // the functions deploy without the mini-program; its upload is refused by check:miniprogram
  const samples = sampleValueProblems(miniprogramConfig);
  if (samples.length > 0) console.warn(`\nnote: miniprogram/config.ts still holds ${samples.length} sample value(s); WeChat DevTools will refuse to upload it (npm run --silent check:miniprogram)`);
}

if (isEntryPoint(__filename)) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
