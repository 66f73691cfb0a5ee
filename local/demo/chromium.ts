/**
 * Headless Chromium driven over the DevTools protocol on a pipe (no network port, no extra
 * package): load an HTML document at a phone's size and colour scheme, or open a URL; click, type
 * and read text as a person would; run a script in it, take a PNG. Debian's package is `chromium`;
 * CHROMIUM names another binary.
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
  /** Device pixels per CSS pixel; 2 unless given. */
  scale?: number;
}

export interface Tab {
  /** Shows `html` at the viewport's size; resolves once fonts and images are in. */
  load(html: string, viewport: Viewport): Promise<void>;
  /** Opens `url` at the viewport's size; resolves once the page has loaded. */
  goto(url: string, viewport: Viewport): Promise<void>;
  /** The value of a JavaScript expression (a promise is awaited), as JSON. */
  evaluate<T>(expression: string): Promise<T>;
  /** Resolves once a JavaScript expression is truthy, across page loads; rejects after `timeoutMs`. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** Scrolls the first element `selector` matches into view and clicks its middle with the mouse. */
  click(selector: string): Promise<void>;
  /** Clicks a field, selects what it holds and types `text` over it. */
  type(selector: string, text: string): Promise<void>;
  /** Picks the option with this value in a select, as choosing it from the list does. */
  choose(selector: string, value: string): Promise<void>;
  /** The text of the first element `selector` matches, as it is rendered (what a person reads). */
  text(selector: string): Promise<string>;
  screenshot(): Promise<Buffer>;
}

export interface Browser {
  open(): Promise<Tab>;
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  method?: string;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

const POLL_MS = 50;

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
  const listeners = new Set<(message: Reply) => void>();
  let buffered = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end: number;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end)) as Reply;
      buffered = buffered.slice(end + 1);
      if (message.id === undefined) {
        for (const listener of [...listeners]) listener(message);
        continue;
      }
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

    const setViewport = async (viewport: Viewport): Promise<void> => {
      await call('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: viewport.scale ?? 2, mobile: false });
      await call('Emulation.setEmulatedMedia', { media: 'screen', features: [{ name: 'prefers-color-scheme', value: viewport.dark ? 'dark' : 'light' }] });
    };
    const drawn = () =>
      tab.evaluate(
        'document.fonts.ready.then(() => Promise.all([...document.images].map((image) => image.decode().catch(() => null))))' +
          '.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))))',
      );
    const element = (selector: string) => `document.querySelector(${JSON.stringify(selector)})`;
    const present = async (selector: string): Promise<void> => {
      if (!(await tab.evaluate<boolean>(`${element(selector)} !== null`))) throw new Error(`nothing on the page matches ${selector}`);
    };

    const tab: Tab = {
      async load(html, viewport) {
        await setViewport(viewport);
        await call('Page.setDocumentContent', { frameId: frameTree.frame.id, html });
        await drawn();
      },
      async goto(url, viewport) {
        await setViewport(viewport);
        const loaded = new Promise<void>((resolve) => {
          const listener = (message: Reply) => {
            if (message.sessionId !== sessionId || message.method !== 'Page.loadEventFired') return;
            listeners.delete(listener);
            resolve();
          };
          listeners.add(listener);
        });
        const { errorText } = (await call('Page.navigate', { url })) as { errorText?: string };
        if (errorText) throw new Error(`cannot open ${url}: ${errorText}`);
        await loaded;
        await drawn();
      },
      async waitFor(expression, timeoutMs = 5000) {
        const deadline = Date.now() + timeoutMs;
        let last = '';
        for (;;) {
          // while a page loads there is no document to ask: try again
          const holds = await tab.evaluate<boolean>(`Boolean(${expression})`).catch((error: Error) => ((last = error.message), false));
          if (holds) return;
          if (Date.now() > deadline) throw new Error(`${expression} did not hold within ${timeoutMs} ms${last ? ` (${last})` : ''}`);
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      },
      async click(selector) {
        await present(selector);
        const { x, y } = await tab.evaluate<{ x: number; y: number }>(
          `(() => { const e = ${element(selector)}; e.scrollIntoView({ block: 'center' });` +
            ' const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()',
        );
        const mouse = { x, y, button: 'left', clickCount: 1 };
        await call('Input.dispatchMouseEvent', { ...mouse, type: 'mouseMoved' });
        await call('Input.dispatchMouseEvent', { ...mouse, type: 'mousePressed' });
        await call('Input.dispatchMouseEvent', { ...mouse, type: 'mouseReleased' });
      },
      async type(selector, text) {
        await tab.click(selector);
        await tab.evaluate(`${element(selector)}.select()`);
        await call('Input.insertText', { text });
      },
      async choose(selector, value) {
        await present(selector);
        const found = await tab.evaluate<boolean>(
          `(() => { const e = ${element(selector)}; const value = ${JSON.stringify(value)};` +
            ' if (![...e.options].some((o) => o.value === value)) return false;' +
            " e.focus(); e.value = value; e.dispatchEvent(new Event('input', { bubbles: true }));" +
            " e.dispatchEvent(new Event('change', { bubbles: true })); return true; })()",
        );
        if (!found) throw new Error(`${selector} has no option ${value}`);
      },
      async text(selector) {
        await present(selector);
        return tab.evaluate<string>(`${element(selector)}.innerText`);
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
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
