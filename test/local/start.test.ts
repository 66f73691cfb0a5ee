import { spawn } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const root = resolve(__dirname, '..', '..');

describe('npm start', () => {
  it('starts the sandbox and the cloud runtime, prints their URLs, serves a payment and stops cleanly', async () => {
    const env = { ...process.env, LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'ottpay-start-')), OTT_SANDBOX_PORT: '0', LOCAL_CLOUD_PORT: '0' };
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(root, 'local', 'start.ts')], { cwd: root, env });
    let output = '';
    const urls = await new Promise<Record<string, string>>((resolveUrls, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs printed:\n${output}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const sandbox = /OTT Pay sandbox\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        const cloud = /Local cloud runtime\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        const callback = /Payment call-backs\s+(\S+)/.exec(output);
        if (sandbox && cloud && callback) {
          clearTimeout(timer);
          resolveUrls({ sandbox: sandbox[1], cloud: cloud[1], callback: callback[1] });
        }
      });
    });
    expect(urls.callback).toBe(`${urls.cloud}/http/ottpay/callback`);
    const reply = await fetch(`${urls.cloud}/functions/createPayment`, {
      method: 'POST',
      headers: { 'x-wx-openid': 'o-start-test' },
      body: JSON.stringify({ amountCents: 100, requestId: 'start-test-0001' }),
    });
    expect((await reply.json()).result).toMatchObject({ ok: true });
    expect((await fetch(`${urls.sandbox}/`)).status).toBe(200);

    const exit = new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 30_000);

  it('refuses settings it could not run with, one line per problem, before it starts anything', async () => {
    const env = { ...process.env, LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'ottpay-start-')), OTT_SANDBOX_PORT: '0', LOCAL_CLOUD_PORT: '0', OTT_SIGN_KEY: 'short', MAX_AMOUNT_CENTS: '12.5' };
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(root, 'local', 'start.ts')], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
    expect(status).toBe(1);
    expect(stdout).not.toContain('OTT Pay sandbox');
    expect(stderr).toContain('npm start: the configuration cannot be used:\n');
    expect(stderr).toContain('  MAX_AMOUNT_CENTS must be a whole number from 1 to 100000000\n');
    expect(stderr).toContain('  OTT_SIGN_KEY must be exactly 16 characters of 0-9, A-Z, a-z');
    expect(stderr).not.toContain('short');
    expect(stderr).not.toContain('    at ');
  }, 30_000);
});
