import * as path from 'path';
import simulate = require('miniprogram-simulate');
import type { CloudFunctions, DailyTakings, OrderView, StaffOrderView } from '../../typings/payments';

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram');

/** Loads a page (once per test file): miniprogram-simulate requires its index.ts through jest. */
export type PageName = 'pay' | 'result' | 'history' | 'merchant' | 'refund' | 'collect' | 'qr' | 'staff' | 'counter';

export function loadPage(name: PageName): string {
  return simulate.load(path.join(MINIPROGRAM_ROOT, 'pages', name, 'index'), { rootPath: MINIPROGRAM_ROOT });
}

type AnyObject = WechatMiniprogram.IAnyObject;
export type Page = simulate.RootComponent<AnyObject, AnyObject, AnyObject>;

/** jsdom's document (the project's tsconfig has no DOM lib). */
const dom = (globalThis as unknown as { document: { createElement(tag: string): never } }).document;

/** Renders and attaches a page, then runs onLoad as WeChat does when it opens one. */
export async function openPage(id: string, query?: Record<string, string>): Promise<Page> {
  const page = simulate.render(id) as Page;
  page.attach(dom.createElement('parent-wrapper'));
  if (query) (page.instance as unknown as { onLoad(q: Record<string, string>): void }).onLoad(query);
  await flush();
  return page;
}

let fakeClock = false;

/** Jest's fake timers (they also fake Date), so polling runs without waiting real time. */
export function useFakeClock(): void {
  jest.useFakeTimers();
  fakeClock = true;
}

export function useRealClock(): void {
  jest.useRealTimers();
  fakeClock = false;
}

/** Lets pending promise chains (taps, cloud calls, setData) run to the end. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (fakeClock) await jest.advanceTimersByTimeAsync(0);
    else await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Moves the fake clock forward, running whatever comes due. */
export async function elapse(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
  await flush();
}

interface JsonNode {
  tagName: string;
  event: Record<string, { name: string }>;
  attrs: Array<{ name: string; value: unknown }>;
  children: Array<JsonNode | string>;
}

/** Every element with a tap handler, as rendered now, and whether it carries an aria-label. */
export function tappables(page: Page): Array<{ tag: string; id: unknown; ariaLabel: unknown }> {
  const found: Array<{ tag: string; id: unknown; ariaLabel: unknown }> = [];
  const walk = (node: JsonNode | string) => {
    if (typeof node === 'string') return;
    const events = Object.values(node.event ?? {}).map((e) => e.name);
    if (events.includes('tap')) {
      const value = (name: string) => node.attrs.find((a) => a.name === name)?.value;
      found.push({ tag: node.tagName, id: value('id'), ariaLabel: value('ariaLabel') });
    }
    node.children.forEach(walk);
  };
  walk(page.toJSON() as unknown as JsonNode);
  return found;
}

export function find(page: Page, selector: string) {
  const node = page.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  return node;
}

export function exists(page: Page, selector: string): boolean {
  return page.querySelector(selector) !== undefined && page.querySelector(selector) !== null;
}

export function text(page: Page, selector: string): string {
  return (find(page, selector).dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** An attribute as written in the WXML (miniprogram-simulate keeps them off the DOM). */
export function attr(page: Page, selector: string, name: string): unknown {
  const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  const found = find(page, selector).toJSON().attrs.find((a) => a.name === name || a.name === camel);
  return found?.value;
}

export async function tap(page: Page, selector: string): Promise<void> {
  find(page, selector).dispatchEvent('tap');
  await flush();
}

/** A custom component of the page (order details, say), to query inside it like a page. */
export function within(page: Page, selector: string): Page {
  return find(page, selector) as unknown as Page;
}

/** An element inside the page's keypad (`#key-action` is the page's action key: Pay, Refund…). */
export function key(page: Page, selector: string) {
  const node = find(page, '#keypad').querySelector(selector);
  if (!node) throw new Error(`the keypad has no ${selector}`);
  return node;
}

/** The keypad's action key as a person meets it: its words, and whether it can be tapped. */
export function actionKey(page: Page): { text: string; disabled: boolean } {
  const node = key(page, '#key-action');
  const disabled = node.toJSON().attrs.find((a) => a.name === 'ariaDisabled')?.value;
  const keypad = find(page, '#keypad');
  const lines = ['#key-action-label', '#key-action-sub'].map((id) => keypad.querySelector(id)?.dom?.textContent?.trim() ?? '');
  return { text: lines.filter(Boolean).join(' '), disabled: disabled === true };
}

export async function tapAction(page: Page): Promise<void> {
  key(page, '#key-action').dispatchEvent('tap');
  await flush();
}

/** WeChat shows the page again (back from the page above it). */
export async function show(page: Page): Promise<void> {
  (page.instance as unknown as { onShow(): void }).onShow();
  await flush();
}

/** The routes of the page stack, bottom first, as getCurrentPages() returns them. */
export function pageStack(...routes: string[]): void {
  (globalThis as { getCurrentPages?: () => unknown[] }).getCurrentPages = () => routes.map((route) => ({ route }));
}

export function clearPageStack(): void {
  delete (globalThis as { getCurrentPages?: unknown }).getCurrentPages;
}

const KEY_IDS: Record<string, string> = { '.': 'dot', '<': 'del' };

/** Types on the on-screen keypad, one tap per character ("<" is delete). */
export async function typeKeys(page: Page, keys: string): Promise<void> {
  const keypad = find(page, '#keypad');
  for (const ch of keys) {
    const key = keypad.querySelector(`#key-${KEY_IDS[ch] ?? ch}`);
    if (!key) throw new Error(`no key for ${ch}`);
    key.dispatchEvent('tap');
    await flush(2);
  }
  await flush();
}

type Handler<N extends keyof CloudFunctions> = (event: CloudFunctions[N]['event']) => CloudFunctions[N]['result'] | Promise<CloudFunctions[N]['result']>;
export type Handlers = { [N in keyof CloudFunctions]?: Handler<N> };

interface WxMock {
  cloud: { callFunction: jest.Mock };
  requestPayment: jest.Mock;
  navigateTo: jest.Mock;
  navigateBack: jest.Mock;
  redirectTo: jest.Mock;
  reLaunch: jest.Mock;
  showModal: jest.Mock;
  showToast: jest.Mock;
  setNavigationBarTitle: jest.Mock;
  stopPullDownRefresh: jest.Mock;
  getAppBaseInfo: jest.Mock;
  getDeviceInfo: jest.Mock;
  setClipboardData: jest.Mock;
  makePhoneCall: jest.Mock;
  openPrivacyContract: jest.Mock;
  requestSubscribeMessage: jest.Mock;
  setInnerAudioOption: jest.Mock;
  createInnerAudioContext: jest.Mock;
  /** Every clip an audio context played, in order. */
  played: string[];
  setKeepScreenOn: jest.Mock;
  getScreenBrightness: jest.Mock;
  setScreenBrightness: jest.Mock;
}

/**
 * Gives the simulated wx what it lacks (wx.cloud) and records navigation. A function without a
 * handler answers FORBIDDEN for merchantSummary and merchantStaff and RATE_UNAVAILABLE for exchangeRate, as for a payer.
 */
export function installWx(handlers: Handlers, language = 'zh_CN'): WxMock {
  const callFunction = jest.fn(async ({ name, data }: { name: keyof CloudFunctions; data: unknown }) => {
    const handler = handlers[name] as ((event: unknown) => unknown) | undefined;
    if (handler) return { errMsg: 'cloud.callFunction:ok', result: await handler(data) };
    if (name === 'merchantSummary' || name === 'merchantStaff' || name === 'counterFeed') return { errMsg: 'cloud.callFunction:ok', result: { ok: false, code: 'FORBIDDEN', message: 'not staff' } };
    if (name === 'exchangeRate') return { errMsg: 'cloud.callFunction:ok', result: { ok: false, code: 'RATE_UNAVAILABLE', message: 'no rate' } };
    throw { errCode: -404011, errMsg: `cloud.callFunction:fail no handler for ${name}` };
  });
  const played: string[] = [];
  const mock: WxMock = {
    cloud: { callFunction },
    requestPayment: jest.fn((options: { success?: (r: unknown) => void }) => options.success?.({ errMsg: 'requestPayment:ok' })),
    navigateTo: jest.fn(),
    navigateBack: jest.fn(),
    redirectTo: jest.fn(),
    reLaunch: jest.fn(),
    showModal: jest.fn((options: { success?: (r: unknown) => void }) => options.success?.({ confirm: false, cancel: true })),
    showToast: jest.fn(),
    setNavigationBarTitle: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    getAppBaseInfo: jest.fn(() => ({ language, SDKVersion: '3.8.0' })),
    getDeviceInfo: jest.fn(() => ({ platform: 'ios' })),
    setClipboardData: jest.fn((options: { success?: () => void }) => options.success?.()),
    makePhoneCall: jest.fn(),
    openPrivacyContract: jest.fn((options: { success?: () => void }) => options.success?.()),
    requestSubscribeMessage: jest.fn((options: { tmplIds: string[]; success?: (r: Record<string, string>) => void }) =>
      options.success?.({ errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(options.tmplIds.map((id) => [id, 'accept'])) }),
    ),
    setInnerAudioOption: jest.fn(),
    createInnerAudioContext: jest.fn(() => {
      let ended: () => void = () => undefined;
      const context = {
        src: '',
        play: jest.fn(() => {
          played.push(context.src);
          // a clip ends a moment after it starts
          Promise.resolve().then(() => ended());
        }),
        stop: jest.fn(),
        destroy: jest.fn(),
        onEnded: (fn: () => void) => {
          ended = fn;
        },
        onError: jest.fn(),
      };
      return context;
    }),
    played,
    setKeepScreenOn: jest.fn(),
    getScreenBrightness: jest.fn((options: { success?: (r: { value: number }) => void }) => options.success?.({ value: 0.4 })),
    setScreenBrightness: jest.fn(),
  };
  Object.assign(wx, mock);
  return mock;
}

/** The events passed to one cloud function, in order. */
export function calls(mock: WxMock, name: keyof CloudFunctions): unknown[] {
  return mock.cloud.callFunction.mock.calls.filter(([arg]) => arg.name === name).map(([arg]) => arg.data);
}

export function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    orderId: 'ord_0001',
    state: 'PAID',
    channel: 'MINIPROGRAM',
    amountCents: 1250,
    tipCents: 0,
    totalCents: 1250,
    refundedCents: 0,
    currency: 'CAD',
    createdAt: '2024-05-01T18:00:00.000Z',
    paidAt: '2024-05-01T18:00:05.000Z',
    ...overrides,
  };
}

/** An order as staff look it up: by default with no refunds, all of a paid order's money held and refundable. */
export function staffOrder(overrides: Partial<StaffOrderView> = {}): StaffOrderView {
  const base = order(overrides);
  const paid = base.state === 'PAID' || base.state === 'PARTIALLY_REFUNDED' || base.state === 'REFUNDED';
  return {
    ...base,
    refunds: [],
    heldCents: paid ? base.totalCents : 0,
    refundableCents: paid ? base.totalCents - base.refundedCents : 0,
    ...overrides,
  };
}

export function takings(overrides: Partial<DailyTakings> = {}): DailyTakings {
  return { date: '2024-05-01', paidCount: 1, grossCents: 1550, refundedCents: 500, netCents: 1050, reviewCount: 0, reviewHeldCents: 0, ...overrides };
}

export const PAYMENT = {
  timeStamp: '1714586400',
  nonceStr: 'n0nce',
  package: 'prepay_id=wx123',
  signType: 'MD5' as const,
  paySign: 'ABCDEF',
};
