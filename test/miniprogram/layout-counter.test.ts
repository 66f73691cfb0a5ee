/**
 * Pay and the QR code as WeChat draws them on the smallest phone with its largest text (320 × 568,
 * 24 px root font): whom the payer pays, the total, the tip chips, the code's countdown and
 * instruction, and what a hidden code still means, whole and in view. Needs Debian's chromium and
 * fonts-noto-cjk, as layout.test.ts.
 */
import { chromiumTab } from './chromium-tab';
import { pageHtml, PHONES } from '../../local/demo/page-html';
import { elapse, installWx, loadPage, openPage, order, PAYMENT, tap, typeKeys, useFakeClock, useRealClock, type Page, type PageName } from './helpers';

const payPage = loadPage('pay');
const qrPage = loadPage('qr');

const LARGEST_TEXT = 24;
const PHONE = PHONES['320x568'];
const RATE = { ok: true as const, currency: 'CAD' as const, rateE8: 519830000, fetchedAt: '2024-05-01T00:00:00Z' };
const QR = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==';

interface Seen {
  /** Wholly inside the part of the page on screen, and not covered by anything. */
  inView: boolean;
  /** Its text is cut off (ellipsis, hidden overflow). */
  clipped: boolean;
}

/** Browser JavaScript, kept as text: this project compiles without the DOM's types. */
const SEEN = String.raw`(selectors) => selectors.map((selector) => {
  const el = document.querySelector(selector);
  if (!el) return { inView: false, clipped: false };
  const box = el.getBoundingClientRect();
  const body = el.closest('.screen__body');
  const port = body ? body.getBoundingClientRect() : { top: 0, bottom: innerHeight };
  const inside = box.height > 0 && box.top >= port.top - 0.5 && box.bottom <= port.bottom + 0.5 && box.bottom <= innerHeight + 0.5;
  const hit = inside && [0.25, 0.5, 0.75].every((f) => {
    const found = document.elementFromPoint(box.left + box.width / 2, box.top + box.height * f);
    return found !== null && (el === found || el.contains(found) || found.contains(el));
  });
  const style = getComputedStyle(el);
  const clipped = (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) || (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1);
  return { inView: hit, clipped };
})`;

const chromium = chromiumTab();
afterEach(() => useRealClock());

function titleOf(wxMock: ReturnType<typeof installWx>): string {
  return String(wxMock.setNavigationBarTitle.mock.calls.at(-1)?.[0]?.title ?? '');
}

async function draw(page: Page, name: PageName, title: string): Promise<void> {
  await chromium.tab.load(pageHtml(page, name, { title, phone: PHONE, back: name !== 'pay', rootFontPx: LARGEST_TEXT }), { width: PHONE.width, height: PHONE.height });
}

async function seen(selectors: string[]): Promise<Record<string, Seen>> {
  const found = await chromium.tab.evaluate<Seen[]>(`(${SEEN})(${JSON.stringify(selectors)})`);
  return Object.fromEntries(selectors.map((selector, i) => [selector, found[i]]));
}

const whole = (selectors: string[]) => Object.fromEntries(selectors.map((selector) => [selector, { inView: true, clipped: false }]));

describe.each(['zh_CN', 'en'])('at 320 × 568 with the largest text (%s)', (language) => {
  test('Pay: the shop in full, its line, Contact and Privacy on the first screen; with an amount, the amount and the total in view; every tip chip whole, reached by scrolling', async () => {
    const wxMock = installWx({ exchangeRate: () => RATE, createPayment: () => ({ ok: true, orderId: 'ord_1', payment: PAYMENT }) }, language);
    const page = await openPage(payPage);
    await draw(page, 'pay', titleOf(wxMock));
    // at this size the empty amount may sit under the total until a key is pressed
    const first = ['#merchant-name', '#contact', '#privacy', '#keypad'];
    expect(await seen(first)).toEqual(whole(first));
    // the shop's line is cut short rather than pushing the form down
    expect((await seen(['#about']))['#about'].inView).toBe(true);

    await typeKeys(page, '25.80');
    await tap(page, '#tip-15');
    await draw(page, 'pay', titleOf(wxMock));
    const always = ['#merchant-name', '#amount-value', '#total-text', '#cny-text', '#keypad'];
    expect(await seen(always)).toEqual(whole(always));
    const chips = ['#tip-0', '#tip-10', '#tip-15', '#tip-20', '#tip-custom'];
    const chipsNow = await seen(chips);
    for (const chip of chips) expect({ chip, clipped: chipsNow[chip].clipped }).toEqual({ chip, clipped: false });

    await chromium.tab.evaluate<number>("(b => (b.scrollTop = b.scrollHeight))(document.querySelector('.screen__body'))");
    expect(await seen([...chips, '#total-text'])).toEqual(whole([...chips, '#total-text']));
  });

  test('QR code, waiting: the shop, the amount, the code, the instruction and the countdown in view', async () => {
    useFakeClock();
    const qrOrder = order({ orderId: 'ord_qr', channel: 'QR', state: 'PAYING', amountCents: 2500, totalCents: 2500, paidAt: undefined });
    const wxMock = installWx(
      { collectByQr: () => ({ ok: true, order: qrOrder, codeUrl: 'weixin://wxpay/bizpayurl?pr=abc', qrDataUrl: QR }), queryPayment: () => ({ ok: true, order: qrOrder }) },
      language,
    );
    const page = await openPage(qrPage, { amountCents: '2500' });
    await draw(page, 'qr', titleOf(wxMock));
    const needed = ['#merchant-name', '#qr-amount', '#qr-image', '.qr__scan', '#qr-expires', '#hide', '#another'];
    expect(await seen(needed)).toEqual(whole(needed));
    expect(await chromium.tab.evaluate<number>("document.querySelector('#qr-image').getBoundingClientRect().height")).toBeGreaterThanOrEqual(120);

    await tap(page, '#hide');
    await draw(page, 'qr', titleOf(wxMock));
    const hidden = ['#merchant-name', '#qr-amount', '#qr-hidden', '#qr-watching', '#qr-late-note', '#orders', '#new-code', '#another'];
    expect(await seen(hidden)).toEqual(whole(hidden));

    await elapse(7 * 60 * 1000);
    await draw(page, 'qr', titleOf(wxMock));
    const given = ['#qr-hidden', '#qr-late-note', '#orders'];
    expect(await seen(given)).toEqual(whole(given));
    page.detach();
  });
});
