/**
 * The real mini-program pages in miniprogram-simulate outside jest: a jsdom window stands in for
 * the global one jest's jsdom environment would provide.
 */
import { existsSync } from 'fs';
import { JSDOM } from 'jsdom';
import Module from 'module';
import { extname, join, sep } from 'path';
import type * as Simulate from 'miniprogram-simulate';
import { MINIPROGRAM_ROOT } from './miniprogram-root';

export { MINIPROGRAM_ROOT };

type AnyObject = WechatMiniprogram.IAnyObject;
export type Page = Simulate.RootComponent<AnyObject, AnyObject, AnyObject>;
export type PageName = 'pay' | 'result' | 'history' | 'merchant' | 'refund' | 'collect' | 'qr' | 'staff' | 'counter';

let loaded: typeof Simulate | undefined;

/**
 * miniprogram-simulate requires a component as `<dir>/index`, which Node resolves to index.json
 * before tsx's index.ts; jest puts .ts first. This does the same for the mini-program's components.
 */
function resolveComponentsToTypeScript(): void {
  const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    if (request.startsWith(MINIPROGRAM_ROOT + sep) && extname(request) === '' && existsSync(`${request}.ts`)) {
      return resolveFilename.call(this, `${request}.ts`, ...rest);
    }
    return resolveFilename.call(this, request, ...rest);
  };
}

/** miniprogram-simulate, loaded once the browser globals it uses exist. */
function simulator(): typeof Simulate {
  if (loaded) return loaded;
  resolveComponentsToTypeScript();
  const { window } = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>', { pretendToBeVisual: true });
  Object.assign(globalThis, {
    window,
    document: window.document,
    CustomEvent: window.CustomEvent,
    TouchEvent: window.TouchEvent,
  });
  loaded = require('miniprogram-simulate') as typeof Simulate;
  return loaded;
}

/** Makes `wx` exist (miniprogram-simulate defines it) so a bridge can be laid over it. */
export function prepareSimulator(): void {
  simulator();
}

const ids = new Map<PageName, string>();

/** Renders and attaches a page, then runs onLoad as WeChat does when it opens one. */
export function openPage(name: PageName, query: Record<string, string> = {}): Page {
  const simulate = simulator();
  let id = ids.get(name);
  if (!id) {
    id = simulate.load(join(MINIPROGRAM_ROOT, 'pages', name, 'index'), { rootPath: MINIPROGRAM_ROOT });
    ids.set(name, id);
  }
  const page = simulate.render(id) as Page;
  page.attach(document.createElement('parent-wrapper') as never);
  const instance = page.instance as unknown as { onLoad?: (query: Record<string, string>) => void };
  instance.onLoad?.(query);
  return page;
}

/** Path and query of a page URL, the query values left encoded as WeChat hands them to onLoad. */
export function parsePageUrl(url: string): { path: string; query: Record<string, string> } {
  const [path, search = ''] = url.split('?');
  const query: Record<string, string> = {};
  for (const pair of search.split('&').filter(Boolean)) {
    const [key, value = ''] = pair.split('=');
    query[key] = value;
  }
  return { path, query };
}

export function exists(page: Page, selector: string): boolean {
  return Boolean(page.querySelector(selector));
}

export function text(page: Page, selector: string): string {
  const node = page.querySelector(selector);
  return (node?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Lets a dispatched tap (delivered in a microtask) and what it set off run. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

export async function tap(page: Page, selector: string): Promise<void> {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`the page has no ${selector} to tap`);
  node.dispatchEvent('tap');
  await tick();
}

/** Taps an element inside a custom component of the page (the keypad's action key, say). */
export async function tapInside(page: Page, component: string, selector: string): Promise<void> {
  const node = page.querySelector(component)?.querySelector(selector);
  if (!node) throw new Error(`the page has no ${selector} in ${component} to tap`);
  node.dispatchEvent('tap');
  await tick();
}

const KEY_IDS: Record<string, string> = { '.': 'dot' };

/** Taps the on-screen keypad once per character, as a person types. */
export async function typeOnKeypad(page: Page, keys: string): Promise<void> {
  const keypad = page.querySelector('#keypad');
  if (!keypad) throw new Error('the page has no keypad');
  for (const ch of keys) {
    const key = keypad.querySelector(`#key-${KEY_IDS[ch] ?? ch}`);
    if (!key) throw new Error(`the keypad has no key ${ch}`);
    key.dispatchEvent('tap');
    await tick();
  }
}
