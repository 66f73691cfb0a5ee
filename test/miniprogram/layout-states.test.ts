/**
 * States of the Result and Refund pages as WeChat draws them, measured in headless Chromium. Needs
 * Debian's chromium and fonts-noto-cjk.
 */
import { chromiumTab } from './chromium-tab';
import { measureScript, type Measurement } from '../../local/demo/measure';
import { pageHtml, PHONES } from '../../local/demo/page-html';
import { confirmDialog } from '../../miniprogram/services/dialog';
import { installWx, loadPage, openPage, order, staffOrder, takings, typeKeys } from './helpers';

const resultPage = loadPage('result');
/* Each page's components run their Component() once per module registry: Refund shares order-details with Result. */
let refundPage = '';
jest.isolateModules(() => {
  refundPage = loadPage('refund');
});
const ORDER_ID = 'K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD';

const chromium = chromiumTab();

/** WeChat's modal: white in light mode, #2c2c2c in dark mode; the confirm label at 17 px. */
const DIALOG_BACKGROUND = { light: '#ffffff', dark: '#2c2c2c' } as const;

test.each(['light', 'dark'] as const)("a refund's red confirm has AA contrast on WeChat's %s dialog", async (theme) => {
  const wxMock = installWx({});
  wxMock.getAppBaseInfo.mockReturnValue({ language: 'zh_CN', SDKVersion: '3.8.0', theme });
  await confirmDialog({ title: '退款 CAD 10.00', content: '', confirmText: '确认退款', cancelText: '取消', destructive: true });
  const { confirmColor } = wxMock.showModal.mock.calls[0][0] as { confirmColor: string };
  await chromium.tab.load(
    `<body style="margin:0;background:${DIALOG_BACKGROUND[theme]}"><div style="font-size:17px;color:${confirmColor}">确认退款</div></body>`,
    { width: 320, height: 100 },
  );
  const m = await chromium.tab.evaluate<Measurement>(measureScript(''));
  expect(m.contrastFailures).toEqual([]);
  expect(m.lowestContrast!.ratio).toBeGreaterThanOrEqual(4.5);
});

describe.each(['zh_CN', 'en'])('the pending result at 320×568 with WeChat\'s largest text (%s)', (language) => {
  test('shows the whole "don\'t pay again" advice on the first screen, the actions following below it', async () => {
    installWx({ queryPayment: () => ({ ok: true, order: order({ orderId: ORDER_ID, state: 'PAYING', amountCents: 2580, tipCents: 387, totalCents: 2967 }) }) }, language);
    const page = await openPage(resultPage, { orderId: ORDER_ID, from: 'pay' });
    (page.instance as unknown as { show(view: string): void }).show('pending');
    const phone = PHONES['320x568'];
    await chromium.tab.load(pageHtml(page, 'result', { title: 'Payment', phone, back: true, rootFontPx: 24 }), { width: phone.width, height: phone.height });
    const advice = await chromium.tab.evaluate<Measurement>(measureScript('#body'));
    expect(advice.controlVisible).toBe(true);
    const actionsTop = await chromium.tab.evaluate<number>(`document.querySelector('.screen__actions').getBoundingClientRect().top`);
    expect(actionsTop).toBeGreaterThanOrEqual(advice.controlBottom!);
  });
});

describe.each(['zh_CN', 'en'])("the result's buttons at 320×568 with WeChat's largest text (%s)", (language) => {
  test.each(['pending', 'notPaid', 'review', 'notFound'])('the %s view keeps each button label on one line', async (view) => {
    installWx({ queryPayment: () => ({ ok: true, order: order({ orderId: ORDER_ID, state: 'PAYING', amountCents: 2580, tipCents: 387, totalCents: 2967 }) }) }, language);
    const page = await openPage(resultPage, { orderId: ORDER_ID, from: 'pay' });
    (page.instance as unknown as { show(view: string): void }).show(view);
    const phone = PHONES['320x568'];
    await chromium.tab.load(pageHtml(page, 'result', { title: 'Payment', phone, back: true, rootFontPx: 24 }), { width: phone.width, height: phone.height });
    const m = await chromium.tab.evaluate<Measurement>(measureScript('#done'));
    expect(m.wrappedButtons).toEqual([]);
    expect(m.smallTargets).toEqual([]);
  });
});

describe.each(['zh_CN', 'en'])('the refund form at 320×568 (%s)', (language) => {
  test.each([16, 24])('at %s px text, the order number and its Copy are whole on the first screen, clear of the keypad, with the amount', async (rootFontPx) => {
    const refund = { refundId: 'rf_0', orderId: ORDER_ID, amountCents: 1000, state: 'SUCCEEDED' as const, createdAt: '2024-05-01T18:30:00.000Z' };
    const paid = staffOrder({ orderId: ORDER_ID, state: 'PARTIALLY_REFUNDED', amountCents: 2580, tipCents: 387, totalCents: 2967, refundedCents: 1000, refunds: [refund] });
    installWx({ merchantSummary: () => ({ ok: true, role: 'owner', today: takings(), recent: [], order: paid }) }, language);
    const page = await openPage(refundPage, { orderId: ORDER_ID });
    await typeKeys(page, '5');
    const phone = PHONES['320x568'];
    await chromium.tab.load(pageHtml(page, 'refund', { title: 'Refund', phone, back: true, rootFontPx }), { width: phone.width, height: phone.height });
    const boxes = await chromium.tab.evaluate<Record<string, { top: number; bottom: number }>>(
      `Object.fromEntries(['.screen__body', '.screen__bottom', '#order-number', '#copy', '#refund-amount', '#message-text'].map((s) => { const e = document.querySelector(s); if (!e) throw new Error('missing ' + s); const b = e.getBoundingClientRect(); return [s, { top: b.top, bottom: b.bottom }]; }))`,
    );
    const body = boxes['.screen__body'];
    for (const id of ['#order-number', '#copy', '#refund-amount']) {
      expect({ id, top: boxes[id].top >= body.top, bottom: boxes[id].bottom <= body.bottom }).toEqual({ id, top: true, bottom: true });
    }
    expect(body.bottom).toBeLessThanOrEqual(boxes['.screen__bottom'].top);
    expect(boxes['#message-text'].bottom).toBeLessThanOrEqual(phone.height);
    expect(await chromium.tab.evaluate<string>("document.querySelector('#order-number').textContent.replace(/\\s/g, '')")).toBe(ORDER_ID);
  });
});
