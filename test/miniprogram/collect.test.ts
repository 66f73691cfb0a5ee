import { readFileSync } from 'fs';
import { join } from 'path';
import { en } from '../../miniprogram/i18n/en';
import { zh } from '../../miniprogram/i18n/zh';
import type { CollectByQrEvent, OrderState } from '../../typings/payments';
import {
  actionKey,
  attr,
  calls,
  clearPageStack,
  elapse,
  exists,
  installWx,
  loadPage,
  MINIPROGRAM_ROOT,
  openPage,
  order,
  pageStack,
  tap,
  tapAction,
  tappables,
  text,
  typeKeys,
  useFakeClock,
  useRealClock,
} from './helpers';

const collectPage = loadPage('collect');
const qrPage = loadPage('qr');

const QR = 'data:image/png;base64,iVBORw0KGgo=';
let qrState: OrderState = 'PAYING';
const handlers = () => ({
  collectByQr: (event: CollectByQrEvent) => ({
    ok: true as const,
    order: order({ orderId: 'ord_qr', channel: 'QR', state: 'PAYING', amountCents: event.amountCents, totalCents: event.amountCents, paidAt: undefined }),
    codeUrl: 'weixin://wxpay/bizpayurl?pr=abc',
    qrDataUrl: QR,
  }),
  queryPayment: () => ({ ok: true as const, order: order({ orderId: 'ord_qr', channel: 'QR', state: qrState, totalCents: 2500, paidAt: qrState === 'PAID' ? '2024-05-01T18:00:05.000Z' : undefined }) }),
});
const isPrimary = (page: Awaited<ReturnType<typeof openPage>>, selector: string) => String(attr(page, selector, 'class')).includes('btn--primary');

beforeEach(() => {
  qrState = 'PAYING';
  pageStack('pages/pay/index', 'pages/merchant/index', 'pages/qr/index');
});
afterEach(() => {
  useRealClock();
  clearPageStack();
});

describe('collect by QR code: the amount', () => {
  test('typed on the keypad, then the QR page replaces this one', async () => {
    const wxMock = installWx({});
    const page = await openPage(collectPage);
    expect(text(page, '#merchant-name')).toBe('枫叶咖啡');
    expect(actionKey(page)).toEqual({ text: '生成\n收款码', disabled: true });
    await typeKeys(page, '100001');
    expect(text(page, '#collect-amount')).toBe('10000');
    expect(text(page, '#message-text')).toBe('超出上限：金额最多 CAD 10,000.00');
    await typeKeys(page, '<<<<<25');
    expect(actionKey(page)).toEqual({ text: '生成\n收款码 CAD\u00a025.00', disabled: false });
    await tapAction(page);
    expect(wxMock.redirectTo).toHaveBeenCalledWith({ url: '/pages/qr/index?amountCents=2500' });
  });

  test('a third decimal is refused with the reason, and the hint comes back with the next good key', async () => {
    installWx({}, 'en');
    const page = await openPage(collectPage);
    await typeKeys(page, '2.505');
    expect(text(page, '#collect-amount')).toBe('2.50');
    expect(text(page, '#message-text')).toBe('Up to two decimal places');
    await typeKeys(page, '<');
    expect(text(page, '#message-text')).toBe('Up to CAD 10,000.00');
    expect(actionKey(page)).toEqual({ text: 'Show\nQR code CAD\u00a02.50', disabled: false });
  });

  test('"change amount" comes back with the amount', async () => {
    installWx({});
    const page = await openPage(collectPage, { amountCents: '1205' });
    expect(text(page, '#collect-amount')).toBe('12.05');
  });
});

describe('collect by QR code: the code', () => {
  test('the amount large with the shop name, the code, the screen kept on and bright; "collect another" stays secondary until paid', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    const page = await openPage(qrPage, { amountCents: '2500' });
    expect(calls(wxMock, 'collectByQr')).toEqual([{ amountCents: 2500, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) }]);
    expect(text(page, '#merchant-name')).toBe('枫叶咖啡');
    expect(text(page, '#qr-amount')).toBe('CAD 25.00');
    expect(attr(page, '#qr-image', 'src')).toBe(QR);
    expect(attr(page, '#qr-image', 'aria-label')).toBe('微信支付收款码，金额 CAD 25.00');
    expect(attr(page, '#qr-waiting', 'aria-label')).toBe('等待顾客支付 5:00 后失效');
    expect(text(page, '#qr-expires')).toBe('5:00 后失效');
    expect(wxMock.setKeepScreenOn).toHaveBeenCalledWith({ keepScreenOn: true });
    expect(wxMock.setScreenBrightness).toHaveBeenCalledWith({ value: 1 });
    expect(isPrimary(page, '#another')).toBe(false);
    expect(exists(page, '#hide')).toBe(true);

    await elapse(5000);
    expect(text(page, '#qr-expires')).toBe('4:55 后失效');
    qrState = 'PAID';
    await elapse(5000);
    expect(text(page, '#qr-paid')).toContain('已收款');
    expect(exists(page, '#qr-image')).toBe(false);
    expect(isPrimary(page, '#another')).toBe(true);
    expect(wxMock.setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.4 });
    expect(wxMock.setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });

    await tap(page, '#another');
    expect(wxMock.redirectTo).toHaveBeenCalledWith({ url: '/pages/collect/index' });
    await tap(page, '#done');
    expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
  });

  test('on Android the screen goes back to the system’s own brightness, not a remembered number', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    wxMock.getDeviceInfo.mockImplementation(() => ({ platform: 'android' }));
    await openPage(qrPage, { amountCents: '300' });
    expect(wxMock.setScreenBrightness).toHaveBeenCalledWith({ value: 1 });
    qrState = 'PAID';
    await elapse(5000);
    expect(wxMock.setScreenBrightness).toHaveBeenLastCalledWith({ value: -1 });
  });

  test('the code expires after five minutes; a payment after that still shows', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    const page = await openPage(qrPage, { amountCents: '300' });
    await elapse(5 * 60 * 1000);
    expect(text(page, '#qr-expired')).toContain('收款码已失效');
    expect(text(page, '#qr-expired')).toContain('已扫码的顾客仍可支付');
    expect(exists(page, '#qr-image')).toBe(false);
    expect(wxMock.setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
    expect(text(page, '#qr-watching')).toBe('仍在等待支付');

    qrState = 'PAID';
    await elapse(10000);
    expect(exists(page, '#qr-paid')).toBe(true);
  });

  test.each(['expired', 'hidden', 'review'])(
    'where a payment may still arrive (%s), the lead button is today\'s orders; a new code is secondary and asks first',
    async (how) => {
      useFakeClock();
      const wxMock = installWx(handlers());
      pageStack('pages/merchant/index', 'pages/qr/index');
      const page = await openPage(qrPage, { amountCents: '300' });
      if (how === 'expired') await elapse(5 * 60 * 1000);
      if (how === 'hidden') await tap(page, '#hide');
      if (how === 'review') {
        qrState = 'REVIEW';
        await elapse(3000);
      }
      expect(exists(page, `#qr-${how}`)).toBe(true);
      expect(isPrimary(page, '#orders')).toBe(true);
      expect(text(page, '#orders')).toBe('查看今日订单');
      expect(isPrimary(page, '#new-code')).toBe(false);
      expect(attr(page, '#new-code', 'aria-label')).toContain('第一个仍可能被支付');

      await tap(page, '#new-code');
      expect(wxMock.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '重新生成收款码？', content: expect.stringContaining('第一个收款码仍可能被支付') }));
      expect(calls(wxMock, 'collectByQr')).toHaveLength(1);
      expect(exists(page, `#qr-${how}`)).toBe(true);

      qrState = 'PAYING';
      wxMock.showModal.mockImplementationOnce((options: { success?: (r: unknown) => void }) => options.success?.({ confirm: true, cancel: false }));
      await tap(page, '#new-code');
      expect(calls(wxMock, 'collectByQr')).toHaveLength(2);
      expect(exists(page, '#qr-image')).toBe(true);

      await tap(page, '#hide');
      await tap(page, '#orders');
      expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
      page.detach();
    },
  );

  test('a code that expired without an answer about it: today\'s orders lead, not a new code', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    const page = await openPage(qrPage, { amountCents: '300' });
    wxMock.cloud.callFunction.mockRejectedValue({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    await elapse(7 * 60 * 1000);
    expect(text(page, '#qr-note')).toContain('未能确认是否已支付');
    expect(exists(page, '#qr-watching')).toBe(false);
    expect(isPrimary(page, '#orders')).toBe(true);
    expect(isPrimary(page, '#new-code')).toBe(false);
  });

  test('hide: the code leaves the screen, which says it can still be paid, and a payment still shows', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    const page = await openPage(qrPage, { amountCents: '300' });
    expect(text(page, '#hide')).toBe('隐藏收款码');
    await tap(page, '#hide');
    expect(text(page, '#qr-hidden')).toContain('收款码已隐藏');
    expect(text(page, '#qr-late-note')).toBe('已扫码的顾客仍可支付，支付后会显示在这里和今日订单中。');
    expect(text(page, '#qr-watching')).toBe('仍在等待支付');
    expect(exists(page, '#qr-image')).toBe(false);
    expect(wxMock.setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
    qrState = 'PAID';
    await elapse(5000);
    expect(text(page, '#qr-paid')).toContain('已收款');
    expect(calls(wxMock, 'collectByQr')).toHaveLength(1);
  });

  test('"collect another" beside a live code asks first; staying keeps watching and the payment shows', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    const page = await openPage(qrPage, { amountCents: '300' });
    await tap(page, '#another');
    expect(wxMock.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '离开这个收款码？', confirmText: '离开', cancelText: '继续等待', content: expect.stringContaining('今日订单') }),
    );
    expect(wxMock.redirectTo).not.toHaveBeenCalled();
    expect(exists(page, '#qr-image')).toBe(true);
    qrState = 'PAID';
    await elapse(5000);
    expect(exists(page, '#qr-paid')).toBe(true);
    await tap(page, '#another');
    expect(wxMock.showModal).toHaveBeenCalledTimes(1);
    expect(wxMock.redirectTo).toHaveBeenCalledWith({ url: '/pages/collect/index' });
  });

  test('"collect another", confirmed, leaves the live code', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    wxMock.showModal.mockImplementation((options: { success?: (r: unknown) => void }) => options.success?.({ confirm: true, cancel: false }));
    const page = await openPage(qrPage, { amountCents: '300' });
    await tap(page, '#another');
    expect(wxMock.redirectTo).toHaveBeenCalledWith({ url: '/pages/collect/index' });
    page.detach();
  });

  test('when the network fails the status is said to be unknown, until an answer comes', async () => {
    useFakeClock();
    const wxMock = installWx(handlers());
    const page = await openPage(qrPage, { amountCents: '300' });
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    await elapse(2000);
    expect(text(page, '#qr-note')).toBe('网络不稳定，暂时无法确认是否已支付，正在重试…');
    await elapse(3000);
    expect(exists(page, '#qr-note')).toBe(false);
  });

  test('a code that cannot be made: the reason, Retry with the same request, or change the amount', async () => {
    const wxMock = installWx(handlers());
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    const page = await openPage(qrPage, { amountCents: '2500' });
    expect(text(page, '#qr-failed')).toBe('网络连接不稳定，请检查网络后重试。');
    await tap(page, '#retry');
    const requests = calls(wxMock, 'collectByQr') as CollectByQrEvent[];
    expect(requests).toHaveLength(2);
    expect(requests[1].requestId).toBe(requests[0].requestId);
    expect(exists(page, '#qr-image')).toBe(true);
    page.detach();
  });

  test('in English, and every control labelled', async () => {
    useFakeClock();
    const wxMock = installWx(handlers(), 'en');
    const page = await openPage(qrPage, { amountCents: '2500' });
    expect(wxMock.setNavigationBarTitle).toHaveBeenCalledWith({ title: 'QR code' });
    expect(text(page, '#qr-expires')).toBe('Expires in 5:00');
    expect(text(page, '#hide')).toBe('Hide code');
    for (const control of tappables(page)) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));
    page.detach();
  });
});

test.each([
  ['pay', undefined],
  ['collect', undefined],
  ['qr', { amountCents: '2500' }],
] as const)('the %s page has one Chinese name: the title before the page loads is the one it sets, short', async (name, query) => {
  const wxMock = installWx(handlers());
  const page = await openPage(name === 'collect' ? collectPage : name === 'qr' ? qrPage : loadPage(name), query);
  const json = JSON.parse(readFileSync(join(MINIPROGRAM_ROOT, 'pages', name, 'index.json'), 'utf8')) as { navigationBarTitleText: string };
  expect(wxMock.setNavigationBarTitle).toHaveBeenCalledWith({ title: json.navigationBarTitleText });
  expect(json.navigationBarTitleText).not.toMatch(/。$/);
  page.detach();
});

test('the way to this page and the page itself have the same name, in both languages; result titles are not sentences', () => {
  expect(zh.collect.title).toBe(zh.merchant.collect);
  expect(en.collect.title).toBe(en.merchant.collect);
  for (const t of [zh.qr, en.qr]) {
    for (const title of [t.paid, t.expired, t.hidden, t.notPaid, t.review]) expect(title).not.toMatch(/[。.]$/);
  }
  expect(JSON.stringify([zh.keypad, en.keypad, zh.pay, en.pay])).not.toMatch(/Wait…|请稍候/);
});
