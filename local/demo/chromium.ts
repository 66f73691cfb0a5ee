/**
 * Headless Chromium driven over the DevTools protocol on a pipe (no network port, no extra
 * package): load an HTML document at a phone's size and colour scheme, run a script in it, take
 * a PNG. Debian's package is `chromium`; CHROMIUM names another binary.
 */
import { Buffer } from 'buffer';
import { spawn, type ChildProcess } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Readable, Writable } from 'stream';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export interface Viewport {
  width: number;
  height: number;
  dark?: boolean;
}

export interface Tab {
  /** Shows `html` at the viewport's size; resolves once fonts and images are in. */
  load(html: string, viewport: Viewport): Promise<void>;
  /** The value of a JavaScript expression (a promise is awaited), as JSON. */
  evaluate<T>(expression: string): Promise<T>;
  screenshot(): Promise<Buffer>;
}

export interface Browser {
  open(): Promise<Tab>;
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium fonts-noto-cjk", or set CHROMIUM`;
}

export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const profile = mkdtempSync(join(tmpdir(), 'ottpay-chromium-'));
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      '--headless',
      '--remote-debugging-pipe',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--hide-scrollbars',
      '--mute-audio',
      '--font-render-hinting=none',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  (child.stdio[2] as Readable).on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));

  let nextId = 1;
  const pending = new Map<number, { resolve(value: Record<string, unknown>): void; reject(error: Error): void }>();
  let buffered = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end: number;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end)) as Reply;
      buffered = buffered.slice(end + 1);
      if (message.id === undefined) continue;
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`Chromium exited (${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    pending.clear();
  });

  function send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      toBrowser.write(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }) + '\0');
    });
  }

  async function open(): Promise<Tab> {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const call = (method: string, params: Record<string, unknown> = {}) => send(method, params, sessionId);
    await call('Page.enable');
    const { frameTree } = (await call('Page.getFrameTree')) as { frameTree: { frame: { id: string } } };

    const tab: Tab = {
      async load(html, viewport) {
        await call('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 2, mobile: false });
        await call('Emulation.setEmulatedMedia', { media: 'screen', features: [{ name: 'prefers-color-scheme', value: viewport.dark ? 'dark' : 'light' }] });
        await call('Page.setDocumentContent', { frameId: frameTree.frame.id, html });
        await tab.evaluate(
          'document.fonts.ready.then(() => Promise.all([...document.images].map((image) => image.decode().catch(() => null))))' +
            '.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))))',
        );
      },
      async evaluate<T>(expression: string): Promise<T> {
        const reply = (await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
          result: { value?: T };
          exceptionDetails?: { exception?: { description?: string }; text?: string };
        };
        if (reply.exceptionDetails) throw new Error(reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text ?? 'script failed');
        return reply.result.value as T;
      },
      async screenshot() {
        const { data } = (await call('Page.captureScreenshot', { format: 'png' })) as { data: string };
        return Buffer.from(data, 'base64');
      },
    };
    return tab;
  }

  return {
    open,
    async close() {
      await send('Browser.close').catch(() => undefined);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
