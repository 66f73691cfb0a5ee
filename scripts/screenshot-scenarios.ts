/**
 * Every page in every state worth a picture, driven on the real page code in miniprogram-simulate
 * with fixed sample data: the cloud functions, the wallet and the rest of `wx` are stand-ins that
 * answer at once, so the pictures are the same on every run.
 */
import QRCode from 'qrcode';
import type { CloudFunctions, OrderView, StaffOrderView } from '../typings/payments';
import { openPage, tap, tapInside, typeOnKeypad, type Page, type PageName } from '../local/demo/simulator';

export type Language = 'zh' | 'en';

type Handlers = { [N in keyof CloudFunctions]?: (event: CloudFunctions[N]['event']) => CloudFunctions[N]['result'] | Promise<CloudFunctions[N]['result']> };

export interface Shot {
  page: Page;
  name: PageName;
  title: string;
  /** A page under another one: the navigation bar has a back arrow. */
  back: boolean;
}

export interface Scenario {
  id: string;
  /** The control that must be on the first screen, for the measurements. */
  control?: string;
  run(language: Language): Promise<Shot>;
}

const DAY = '2024-05-01';
const at = (time: string) => `${DAY}T${time}.000Z`;

/** The pages read the clock (how old an order is, when a QR code expires): it reads the sample day. */
export function useSampleClock(): void {
  const realNow = Date.now;
  const started = realNow();
  const sample = Date.parse(at('19:42:20'));
  Date.now = () => sample + (realNow() - started);
}
/** A real QR code of a sample weixin:// URL, as collectByQr returns it. */
const qrPng = () => QRCode.toDataURL('weixin://wxpay/bizpayurl?pr=SampleOnly', { errorCorrectionLevel: 'M', margin: 2, width: 480 });

function order(overrides: Partial<OrderView>): OrderView {
  return {
    orderId: 'K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD',
    state: 'PAID',
    channel: 'MINIPROGRAM',
    amountCents: 2580,
    tipCents: 387,
    totalCents: 2967,
    refundedCents: 0,
    currency: 'CAD',
    createdAt: at('19:42:03'),
    paidAt: at('19:42:11'),
    ...overrides,
  };
}

/** An order as staff look it up: its refunds, the money OTT holds and what may still be refunded. */
function staffOrder(overrides: Partial<StaffOrderView>): StaffOrderView {
  const base = order(overrides);
  return { ...base, refunds: [], heldCents: base.totalCents, refundableCents: base.totalCents - base.refundedCents, ...overrides };
}

const PAYMENT = { timeStamp: '1714592523', nonceStr: 'n0nce', package: 'prepay_id=wx01', signType: 'MD5' as const, paySign: 'SIGN' };
const RATE = { ok: true as const, currency: 'CAD' as const, rateE8: 519830000, fetchedAt: at('19:00:00') };

const HISTORY: OrderView[] = [
  order({}),
  order({ orderId: 'B3N8R1T6W2Y9Q4M7K5X0C8V3LZPH', state: 'PAYING', amountCents: 1200, tipCents: 0, totalCents: 1200, createdAt: at('18:05:40'), paidAt: undefined }),
  order({ orderId: 'H6J1L4P9S2U7X0A3D8F5G1K6MQZT', state: 'PARTIALLY_REFUNDED', amountCents: 4500, tipCents: 675, totalCents: 5175, refundedCents: 1000, createdAt: '2024-04-29T21:14:09.000Z', paidAt: '2024-04-29T21:14:20.000Z' }),
  order({ orderId: 'C9V2B7N4M1X8Z5A0S3D6F9G2HKRW', state: 'CLOSED', amountCents: 880, tipCents: 0, totalCents: 880, createdAt: '2024-04-27T16:30:00.000Z', paidAt: undefined }),
  order({ orderId: 'T4R7E1W8Q2Y5U9I3O6P0A4S7DJFX', state: 'REFUNDED', amountCents: 1599, tipCents: 0, totalCents: 1599, refundedCents: 1599, createdAt: '2024-04-20T12:01:00.000Z', paidAt: '2024-04-20T12:01:09.000Z' }),
];

const TODAY = { date: DAY, paidCount: 14, grossCents: 48625, refundedCents: 1000, netCents: 47625, reviewCount: 0, reviewHeldCents: 0 };
const RECENT: OrderView[] = [
  order({}),
  order({ orderId: 'Q8W3E6R1T9Y4U7I2O5P0A8S3DFGK', state: 'PAYING', channel: 'QR', amountCents: 2500, tipCents: 0, totalCents: 2500, createdAt: at('19:30:12'), paidAt: undefined }),
  order({ orderId: 'Z1X6C3V8B5N2M9A4S7D0F3G8HJKL', state: 'PARTIALLY_REFUNDED', amountCents: 3200, tipCents: 480, totalCents: 3680, refundedCents: 1000, createdAt: at('18:51:44'), paidAt: at('18:51:52') }),
  order({ orderId: 'P5O2I9U6Y3T0R7E4W1Q8A5S2DZXC', state: 'PAID', amountCents: 1450, tipCents: 0, totalCents: 1450, createdAt: at('18:20:31'), paidAt: at('18:20:38') }),
];

let title = '';

/** Lays the stand-ins over the simulator's `wx`. */
function stub(language: Language, handlers: Handlers, wallet: 'ok' | 'cancel' = 'ok'): void {
  const answer = (options: { success?: (r: unknown) => void; complete?: (r: unknown) => void } | undefined, result: unknown) => {
    options?.success?.(result);
    options?.complete?.(result);
  };
  Object.assign(wx, {
    cloud: {
      init: () => undefined,
      callFunction: async ({ name, data }: { name: keyof CloudFunctions; data: never }) => {
        const handler = handlers[name] as ((event: never) => unknown) | undefined;
        if (handler) return { errMsg: 'cloud.callFunction:ok', result: await handler(data) };
        if (name === 'merchantSummary') return { errMsg: 'cloud.callFunction:ok', result: { ok: false, code: 'FORBIDDEN', message: '' } };
        throw { errCode: -1, errMsg: 'cloud.callFunction:fail offline' };
      },
    },
    requestPayment: (options: { success?: (r: unknown) => void; fail?: (r: unknown) => void }) =>
      wallet === 'ok' ? options.success?.({ errMsg: 'requestPayment:ok' }) : options.fail?.({ errMsg: 'requestPayment:fail cancel' }),
    getAppBaseInfo: () => ({ language: language === 'zh' ? 'zh_CN' : 'en', SDKVersion: '3.8.0', theme: 'light' }),
    setNavigationBarTitle: (options: { title: string; success?: (r: unknown) => void }) => {
      title = options.title;
      answer(options, { errMsg: 'setNavigationBarTitle:ok' });
    },
    navigateTo: () => undefined,
    redirectTo: () => undefined,
    reLaunch: () => undefined,
    navigateBack: () => undefined,
    showToast: () => undefined,
    showModal: (options: { success?: (r: unknown) => void }) => options.success?.({ confirm: false, cancel: true }),
    setClipboardData: (options: { success?: () => void }) => options.success?.(),
    makePhoneCall: () => undefined,
    setKeepScreenOn: () => undefined,
    getScreenBrightness: (options: { success?: (r: { value: number }) => void }) => options.success?.({ value: 0.5 }),
    setScreenBrightness: () => undefined,
    stopPullDownRefresh: () => undefined,
  });
}

/** Lets taps, stand-in answers and setData run to the end. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `work` with time running fast: every setTimeout fires at once and the clock jumps by its
 * delay, so a page that waits 30 s of back-off (or a QR code's 5 minutes) gets there in moments.
 */
async function fastForward<T>(work: (until: (done: () => boolean) => Promise<void>) => Promise<T>): Promise<T> {
  const realSetTimeout = global.setTimeout;
  const realNow = Date.now;
  let offset = 0;
  Date.now = () => realNow() + offset;
  global.setTimeout = ((fn: () => void, ms = 0) =>
    realSetTimeout(() => {
      offset += ms;
      fn();
    }, 0)) as unknown as typeof setTimeout;
  const until = async (done: () => boolean) => {
    const deadline = realNow() + 5000;
    while (!done() && realNow() < deadline) await new Promise((resolve) => realSetTimeout(resolve, 2));
    await settle();
  };
  try {
    return await work(until);
  } finally {
    global.setTimeout = realSetTimeout;
    Date.now = realNow;
  }
}

function shot(page: Page, name: PageName, back = true): Shot {
  return { page, name, title, back };
}

async function open(name: PageName, query?: Record<string, string>): Promise<Page> {
  const page = openPage(name, query);
  await settle();
  return page;
}

async function filledPay(language: Language, handlers: Handlers, wallet: 'ok' | 'cancel' = 'ok'): Promise<Page> {
  stub(language, { exchangeRate: () => RATE, ...handlers }, wallet);
  const page = await open('pay');
  await typeOnKeypad(page, '25.80');
  await tap(page, '#tip-15');
  await settle();
  return page;
}

/** A CAD 25.00 code, made at once; asked about, the order is in `state`. */
async function stubQr(language: Language, state: OrderView['state']): Promise<void> {
  const qrOrder = order({ state, channel: 'QR', amountCents: 2500, tipCents: 0, totalCents: 2500, paidAt: state === 'PAID' ? at('19:42:11') : undefined });
  const qrDataUrl = await qrPng();
  stub(language, {
    collectByQr: () => ({ ok: true, order: { ...qrOrder, state: 'PAYING', paidAt: undefined }, codeUrl: 'weixin://wxpay/bizpayurl?pr=demo', qrDataUrl }),
    queryPayment: () => ({ ok: true, order: qrOrder }),
  });
}

const resultOf = (state: OrderView['state'], extra: Partial<OrderView> = {}) => () => ({ ok: true as const, order: order({ state, ...extra }) });

export const SCENARIOS: Scenario[] = [
  {
    id: 'pay-empty',
    control: '#key-action',
    async run(language) {
      stub(language, { exchangeRate: () => RATE });
      return shot(await open('pay'), 'pay', false);
    },
  },
  {
    id: 'pay-filled',
    control: '#key-action',
    async run(language) {
      return shot(await filledPay(language, {}), 'pay', false);
    },
  },
  {
    id: 'pay-over-limit',
    control: '#key-action',
    async run(language) {
      stub(language, { exchangeRate: () => RATE });
      const page = await open('pay');
      await typeOnKeypad(page, '100000');
      await settle();
      return shot(page, 'pay', false);
    },
  },
  {
    id: 'pay-no-rate',
    control: '#key-action',
    async run(language) {
      stub(language, {});
      const page = await open('pay');
      await typeOnKeypad(page, '25.80');
      await tap(page, '#tip-custom');
      await typeOnKeypad(page, '4');
      await settle();
      return shot(page, 'pay', false);
    },
  },
  {
    id: 'pay-cancelled',
    control: '#key-action',
    async run(language) {
      const page = await filledPay(language, { createPayment: () => ({ ok: true, orderId: order({}).orderId, payment: PAYMENT }), queryPayment: resultOf('PAYING', { paidAt: undefined }) }, 'cancel');
      await tapInside(page, '#keypad', '#key-action');
      await settle();
      return shot(page, 'pay', false);
    },
  },
  {
    id: 'pay-after-payment',
    control: '#key-action',
    async run(language) {
      const page = await filledPay(language, { createPayment: () => ({ ok: true, orderId: order({}).orderId, payment: PAYMENT }), queryPayment: resultOf('PAID') });
      await tapInside(page, '#keypad', '#key-action');
      await settle();
      (page.instance as unknown as { onShow(): void }).onShow();
      await settle();
      return shot(page, 'pay', false);
    },
  },
  {
    id: 'pay-paying',
    control: '#key-action',
    async run(language) {
      const page = await filledPay(language, { merchantSummary: () => ({ ok: true, role: 'owner', today: TODAY, recent: RECENT }), createPayment: () => new Promise<never>(() => undefined) });
      await tapInside(page, '#keypad', '#key-action');
      await settle();
      return shot(page, 'pay', false);
    },
  },
  {
    id: 'result-confirming',
    control: '#done',
    async run(language) {
      stub(language, { queryPayment: () => new Promise(() => undefined) });
      return shot(await open('result', { orderId: order({}).orderId, from: 'pay' }), 'result');
    },
  },
  {
    id: 'result-paid',
    control: '#done',
    async run(language) {
      stub(language, { queryPayment: resultOf('PAID') });
      return shot(await open('result', { orderId: order({}).orderId, from: 'pay' }), 'result');
    },
  },
  {
    id: 'result-pending',
    control: '#check-again',
    async run(language) {
      stub(language, { queryPayment: resultOf('PAYING', { paidAt: undefined }) });
      const page = await fastForward(async (until) => {
        const opened = await open('result', { orderId: order({}).orderId, from: 'pay' });
        await until(() => opened.data.view !== 'confirming');
        return opened;
      });
      return shot(page, 'result');
    },
  },
  {
    id: 'result-pending-old',
    control: '#check-again',
    async run(language) {
      stub(language, { queryPayment: resultOf('PAYING', { createdAt: '2024-05-01T17:10:00.000Z', paidAt: undefined }) });
      const page = await fastForward(async (until) => {
        const opened = await open('result', { orderId: order({}).orderId, from: 'pay' });
        await until(() => opened.data.view !== 'confirming');
        return opened;
      });
      return shot(page, 'result');
    },
  },
  {
    id: 'result-partly-refunded',
    control: '#done',
    async run(language) {
      stub(language, { queryPayment: resultOf('PARTIALLY_REFUNDED', { refundedCents: 1000 }) });
      return shot(await open('result', { orderId: order({}).orderId, from: 'history' }), 'result');
    },
  },
  {
    id: 'result-not-found',
    control: '#history',
    async run(language) {
      stub(language, { queryPayment: () => ({ ok: false, code: 'NOT_FOUND', message: 'No such payment.' }) });
      return shot(await open('result', { orderId: order({}).orderId, from: 'pay' }), 'result');
    },
  },
  {
    id: 'result-not-paid',
    control: '#pay-again',
    async run(language) {
      stub(language, { queryPayment: resultOf('CLOSED', { paidAt: undefined }) });
      return shot(await open('result', { orderId: order({}).orderId, from: 'pay' }), 'result');
    },
  },
  {
    id: 'result-review',
    control: '#contact',
    async run(language) {
      stub(language, { queryPayment: resultOf('REVIEW', { paidAt: undefined }) });
      return shot(await open('result', { orderId: order({}).orderId, from: 'pay' }), 'result');
    },
  },
  {
    id: 'history-list',
    async run(language) {
      stub(language, { listPayments: () => ({ ok: true, orders: HISTORY, nextCursor: 'more' }) });
      return shot(await open('history'), 'history');
    },
  },
  {
    id: 'history-empty',
    control: '#go-pay',
    async run(language) {
      stub(language, { listPayments: () => ({ ok: true, orders: [] }) });
      return shot(await open('history'), 'history');
    },
  },
  {
    id: 'history-refresh-failed',
    control: '#retry',
    async run(language) {
      let offline = false;
      stub(language, { listPayments: () => (offline ? new Promise(() => undefined) : { ok: true, orders: HISTORY }) });
      const page = await open('history');
      offline = true;
      stub(language, {});
      await (page.instance as unknown as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh();
      await settle();
      return shot(page, 'history');
    },
  },
  {
    id: 'merchant-home',
    control: '#collect',
    async run(language) {
      stub(language, { merchantSummary: () => ({ ok: true, role: 'owner', today: TODAY, recent: RECENT }) });
      return shot(await open('merchant'), 'merchant');
    },
  },
  {
    id: 'merchant-review',
    control: '#collect',
    async run(language) {
      stub(language, { merchantSummary: () => ({ ok: true, role: 'owner', today: { ...TODAY, reviewCount: 2, reviewHeldCents: 5934 }, recent: RECENT }) });
      return shot(await open('merchant'), 'merchant');
    },
  },
  {
    id: 'merchant-forbidden',
    control: '#copy-user-id',
    async run(language) {
      stub(language, { merchantSummary: () => ({ ok: false, code: 'FORBIDDEN', message: 'not staff', userId: 'oX7Kd0f3Qy9tW2bLm5Rz8vN1cA4E' }) });
      return shot(await open('merchant'), 'merchant');
    },
  },
  {
    id: 'counter-live',
    control: '#sound',
    async run(language) {
      const paid = (orderId: string, totalCents: number, tipCents: number, time: string) => ({ orderId, amountCents: totalCents - tipCents, tipCents, totalCents, currency: 'CAD' as const, paidAt: at(time), channel: 'MINIPROGRAM' as const });
      const payments = [paid('H3J6K9L2Z5X8C1V4B7N0M3QWE7DP', 1450, 0, '18:20:38'), paid('Q8W3E6R1T9Y4U7I2O5P0A8S3K5YA', 5175, 675, '18:31:02'), paid('K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD', 2967, 387, '18:42:09')];
      let answered = false;
      // one answer, then a call that waits as counterFeed does when nothing comes
      stub(language, { counterFeed: () => (answered ? new Promise<never>(() => undefined) : ((answered = true), { ok: true, payments, cursor: at('18:42:10') })) });
      const page = await open('counter');
      await tap(page, '#sound');
      await settle();
      return shot(page, 'counter');
    },
  },
  {
    id: 'staff-list',
    control: '#add-button',
    async run(language) {
      const owner = { userId: 'oX7Kd0f3Qy9tW2bLm5Rz8vN1cA4E', role: 'owner' as const, name: language === 'zh' ? '林老板' : 'Lin', addedAt: '2024-03-01T17:00:00.000Z' };
      const cashier = { userId: 'oP3Lm8Qa2Zx7Wc5Vb1Nd9Kf4Hg6J', role: 'staff' as const, name: language === 'zh' ? '小王' : 'Sam', addedAt: '2024-04-20T16:30:00.000Z' };
      const changes = [
        { at: '2024-04-20T16:30:00.000Z', action: 'add' as const, userId: cashier.userId, role: 'staff' as const, name: cashier.name, by: owner.userId, byName: owner.name },
        { at: '2024-03-01T17:00:00.000Z', action: 'add' as const, userId: owner.userId, role: 'owner' as const, name: owner.name, by: 'ops: Lin', byName: '' },
      ];
      stub(language, { merchantStaff: () => ({ ok: true, members: [owner, cashier], changes }) });
      return shot(await open('staff'), 'staff');
    },
  },
  {
    id: 'merchant-found',
    control: '#found',
    async run(language) {
      const found = staffOrder({ orderId: 'M2N7B4V9C6X1Z8L5K3J0H7G4FDSA', createdAt: '2024-04-26T20:11:02.000Z', paidAt: '2024-04-26T20:11:15.000Z' });
      stub(language, { merchantSummary: (event) => ({ ok: true, role: 'owner', today: TODAY, recent: RECENT, ...(event.orderId ? { order: found } : {}) }) });
      const page = await open('merchant');
      (page.instance as unknown as { onFindInput(e: { detail: { value: string } }): void }).onFindInput({ detail: { value: found.orderId.toLowerCase() } });
      await tap(page, '#find');
      await settle();
      return shot(page, 'merchant');
    },
  },
  {
    id: 'refund-form',
    control: '#key-action',
    async run(language) {
      const paid = staffOrder({ state: 'PARTIALLY_REFUNDED', refundedCents: 1000, refunds: [{ refundId: 'R1', orderId: order({}).orderId, amountCents: 1000, state: 'SUCCEEDED', createdAt: at('19:50:00') }] });
      stub(language, { merchantSummary: () => ({ ok: true, role: 'owner', today: TODAY, recent: RECENT, order: paid }) });
      const page = await open('refund', { orderId: paid.orderId });
      await typeOnKeypad(page, '5');
      await settle();
      return shot(page, 'refund');
    },
  },
  {
    id: 'refund-open',
    control: '#refresh',
    async run(language) {
      const waiting = staffOrder({
        state: 'PARTIALLY_REFUNDED',
        refundedCents: 1000,
        refundableCents: 0,
        refunds: [
          { refundId: 'R1', orderId: order({}).orderId, amountCents: 1000, state: 'SUCCEEDED', createdAt: at('19:50:00') },
          { refundId: 'R2', orderId: order({}).orderId, amountCents: 1967, state: 'PENDING', createdAt: at('20:02:31'), lastCheckedAt: at('20:09:02') },
        ],
      });
      stub(language, { merchantSummary: () => ({ ok: true, role: 'owner', today: TODAY, recent: RECENT, order: waiting }) });
      return shot(await open('refund', { orderId: waiting.orderId }), 'refund');
    },
  },
  {
    id: 'refund-review',
    control: '#key-action',
    async run(language) {
      const doubleCharge = staffOrder({
        state: 'REVIEW',
        paidAt: undefined,
        heldCents: 5934,
        refundableCents: 2967,
        reviewKind: 'double_charge',
        reviewReason: 'money taken on 2 attempts (K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD: 2967, K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLDP2: 2967): refund all but one',
      });
      stub(language, { merchantSummary: () => ({ ok: true, role: 'owner', today: TODAY, recent: RECENT, order: doubleCharge }) });
      return shot(await open('refund', { orderId: doubleCharge.orderId }), 'refund');
    },
  },
  {
    id: 'collect-amount',
    control: '#key-action',
    async run(language) {
      stub(language, {});
      const page = await open('collect');
      await typeOnKeypad(page, '25');
      await settle();
      return shot(page, 'collect');
    },
  },
  {
    id: 'qr-waiting',
    control: '#another',
    async run(language) {
      await stubQr(language, 'PAYING');
      const page = await open('qr', { amountCents: '2500' });
      (page.instance as unknown as { stop(): void }).stop();
      return shot(page, 'qr');
    },
  },
  {
    id: 'qr-paid',
    control: '#another',
    async run(language) {
      await stubQr(language, 'PAID');
      return shot(await open('qr', { amountCents: '2500' }), 'qr');
    },
  },
  {
    id: 'qr-expired',
    control: '#orders',
    async run(language) {
      await stubQr(language, 'PAYING');
      const page = await fastForward(async (until) => {
        const opened = await open('qr', { amountCents: '2500' });
        await until(() => opened.data.phase === 'expired');
        return opened;
      });
      (page.instance as unknown as { stop(): void }).stop();
      return shot(page, 'qr');
    },
  },
  {
    id: 'qr-hidden',
    control: '#orders',
    async run(language) {
      await stubQr(language, 'PAYING');
      const page = await open('qr', { amountCents: '2500' });
      await tap(page, '#hide');
      await settle();
      (page.instance as unknown as { stop(): void }).stop();
      return shot(page, 'qr');
    },
  },
  {
    id: 'qr-review',
    control: '#orders',
    async run(language) {
      await stubQr(language, 'REVIEW');
      return shot(await open('qr', { amountCents: '2500' }), 'qr');
    },
  },
];

