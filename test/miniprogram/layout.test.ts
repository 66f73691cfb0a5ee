/**
 * The pages as WeChat draws them, in headless Chromium with WeChat's built-in component styles:
 * Pay within the first screen, tap targets, text sizes and contrast. Needs Debian's chromium and
 * fonts-noto-cjk (.ci/run installs them).
 */
import { chromiumTab } from './chromium-tab';
import { measureScript, type Measurement } from '../../local/demo/measure';
import { pageHtml, PHONES, type Phone } from '../../local/demo/page-html';
import { installWx, loadPage, openPage, order, PAYMENT, tap, tapAction, text, typeKeys, type Page, type PageName } from './helpers';

const payPage = loadPage('pay');
const resultPage = loadPage('result');
const merchantPage = loadPage('merchant');

const RATE = { ok: true as const, currency: 'CAD' as const, rateE8: 519830000, fetchedAt: '2024-05-01T00:00:00Z' };

const chromium = chromiumTab();

function titleOf(wxMock: ReturnType<typeof installWx>): string {
  return String(wxMock.setNavigationBarTitle.mock.calls.at(-1)?.[0]?.title ?? '');
}

async function measure(page: Page, name: PageName, title: string, phone: Phone, control: string): Promise<Measurement> {
  await chromium.tab.load(pageHtml(page, name, { title, phone, back: name !== 'pay' }), { width: phone.width, height: phone.height });
  return chromium.tab.evaluate<Measurement>(measureScript(control));
}

async function filledPay(language: string): Promise<{ page: Page; title: string }> {
  const wxMock = installWx({ exchangeRate: () => RATE, createPayment: () => ({ ok: true, orderId: 'ord_1', payment: PAYMENT }) }, language);
  const page = await openPage(payPage);
  await typeKeys(page, '25.80');
  await tap(page, '#tip-15');
  return { page, title: titleOf(wxMock) };
}

describe.each(['zh_CN', 'en'])('as drawn by WeChat (%s)', (language) => {
  test.each([PHONES['320x568'], PHONES['375x667'], PHONES['414x736'], PHONES['375x812'], PHONES['414x896']])(
    'Pay with the total is on the first screen, clear of the home indicator, at $name',
    async (phone) => {
      const { page, title } = await filledPay(language);
      const m = await measure(page, 'pay', title, phone, '#key-action');
      expect(m.controlBottom).not.toBeNull();
      expect({ bottom: m.controlBottom, visible: m.controlVisible }).toEqual({ bottom: m.controlBottom, visible: true });
      expect(m.smallTargets).toEqual([]);
      expect(m.contrastFailures).toEqual([]);
      expect(m.smallestText!.size).toBeGreaterThanOrEqual(12);
    },
  );

  test('the paid result: full-width buttons on one line each, 44 px targets, AA contrast', async () => {
    const wxMock = installWx({ queryPayment: () => ({ ok: true, order: order({ orderId: 'K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD', amountCents: 2580, tipCents: 387, totalCents: 2967 }) }) }, language);
    const page = await openPage(resultPage, { orderId: 'K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD', from: 'pay' });
    const m = await measure(page, 'result', titleOf(wxMock), PHONES['320x568'], '#done');
    expect(m.controlVisible).toBe(true);
    expect(m.wrappedButtons).toEqual([]);
    expect(m.smallTargets).toEqual([]);
    expect(m.contrastFailures).toEqual([]);
    expect(await chromium.tab.evaluate<number>("document.querySelector('#done').getBoundingClientRect().width")).toBe(320 - 32);
  });
});

test('the keypad stays where it is: before and after typing, after a tip, with an error', async () => {
  const phone = PHONES['320x568'];
  const keyTop = async (page: Page, title: string) => {
    await measure(page, 'pay', title, phone, '');
    return chromium.tab.evaluate<number[]>("['#key-1', '#key-action'].map((id) => document.querySelector(id).getBoundingClientRect().top)");
  };
  const wxMock = installWx({ exchangeRate: () => RATE, createPayment: () => ({ ok: false, code: 'PAYMENT_PENDING', message: '' }) }, 'en');
  const page = await openPage(payPage);
  const title = titleOf(wxMock);
  const empty = await keyTop(page, title);
  await typeKeys(page, '25.80');
  expect(await keyTop(page, title)).toEqual(empty);
  await tap(page, '#tip-15');
  expect(await keyTop(page, title)).toEqual(empty);
  await typeKeys(page, '0');
  expect(await keyTop(page, title)).toEqual(empty);
  await tap(page, '#tip-custom');
  expect(await keyTop(page, title)).toEqual(empty);
  await tapAction(page);
  expect(text(page, '#message-text')).toContain("The payment service didn't answer");
  expect(await keyTop(page, title)).toEqual(empty);
});

test("the renderer applies WeChat's own component styles: a plain button is 184 px wide, an image is drawn", async () => {
  const wxMock = installWx({ queryPayment: () => ({ ok: true, order: order({ orderId: 'ord_1' }) }) });
  const page = await openPage(resultPage, { orderId: 'ord_1' });
  const html = pageHtml(page, 'result', { title: titleOf(wxMock), phone: PHONES['375x667'] }).replace(
    '<div class="wxr-page">',
    `<div class="wxr-page"><wx-button id="plain">一个很长的按钮文字</wx-button><wx-image id="picture" data-mode="aspectFit" style="background-image: url('data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==')"></wx-image>`,
  );
  await chromium.tab.load(html, { width: 375, height: 667 });
  expect(await chromium.tab.evaluate<number>("document.querySelector('#plain').getBoundingClientRect().width")).toBe(184);
  expect(await chromium.tab.evaluate<number[]>("(b => [b.width, b.height])(document.querySelector('#picture').getBoundingClientRect())")).toEqual([320, 240]);
  expect(await chromium.tab.evaluate<string>("getComputedStyle(document.querySelector('#picture')).backgroundSize")).toBe('contain');
});

test('a visitor to the staff pages sees their user id on a line of its own, under its label, whole', async () => {
  const userId = 'oX7Kd0f3Qy9tW2bLm5Rz8vN1cA4E';
  const wxMock = installWx({ merchantSummary: () => ({ ok: false, code: 'FORBIDDEN', message: 'not staff', userId }) }, 'en');
  const page = await openPage(merchantPage);
  const m = await measure(page, 'merchant', titleOf(wxMock), PHONES['320x568'], '#copy-user-id');
  expect(m.controlVisible).toBe(true);
  expect(m.smallTargets).toEqual([]);
  const [labelBottom, idTop, idLines] = await chromium.tab.evaluate<number[]>(
    "(([l, v]) => [l.getBoundingClientRect().bottom, v.getBoundingClientRect().top, v.getClientRects().length])(['.user-id__label', '#user-id'].map((s) => document.querySelector(s)))",
  );
  expect(idTop).toBeGreaterThanOrEqual(labelBottom);
  expect(idLines).toBe(1);
  expect(await chromium.tab.evaluate<string>("document.querySelector('#user-id').textContent")).toBe(userId);
});
