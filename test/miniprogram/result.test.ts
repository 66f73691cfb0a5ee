import { config } from '../../miniprogram/config';
import type { OrderState } from '../../typings/payments';
import {
  attr,
  calls,
  clearPageStack,
  elapse,
  exists,
  installWx,
  loadPage,
  openPage,
  order,
  pageStack,
  tap,
  tappables,
  text,
  useFakeClock,
  useRealClock,
  within,
} from './helpers';

const resultPage = loadPage('result');

/** queryPayment answers with these states in turn, then the last one forever. */
function states(...sequence: OrderState[]) {
  let i = 0;
  return () => {
    const state = sequence[Math.min(i++, sequence.length - 1)];
    const paid = state === 'PAID' || state === 'PARTIALLY_REFUNDED' || state === 'REFUNDED';
    return {
      ok: true as const,
      order: order({ orderId: 'ord_1', state, amountCents: 1999, tipCents: 300, totalCents: 2299, createdAt: new Date(Date.now() - 5000).toISOString(), paidAt: paid ? '2024-05-01T18:00:05.000Z' : undefined }),
    };
  };
}

type Page = Awaited<ReturnType<typeof openPage>>;

/** What every result shows: the amount, a time, and the order number with Copy. */
function expectReceipt(page: Page, timeLabel: string) {
  expect(text(page, '#amount-text')).toBe('CAD 22.99');
  expect(text(page, '#merchant-name')).toBe('枫叶咖啡');
  expect(text(within(page, '#details'), '#detail-time')).toMatch(new RegExp(`^${timeLabel} ?\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`));
  expect(text(within(page, '#details'), '#order-number')).toBe('ord_ 1');
  expect(exists(within(page, '#details'), '#copy')).toBe(true);
}

beforeEach(() => useFakeClock());
afterEach(() => {
  useRealClock();
  clearPageStack();
  config.contact.customerService = false;
});

describe('result page', () => {
  test('confirming, asked every half second at first, then paid: amount, tip, time, a copyable order number, and Done', async () => {
    const wxMock = installWx({ queryPayment: states('PAYING', 'PAYING', 'PAID') });
    pageStack('pages/pay/index', 'pages/result/index');
    const page = await openPage(resultPage, { orderId: 'ord_1', from: 'pay' });
    expect(exists(page, '#confirming')).toBe(true);
    expect(text(page, '#confirming')).toContain('正在确认支付结果');
    expect(text(page, '#amount-text')).toBe('CAD 22.99');
    expect(exists(page, '#done')).toBe(true);
    expect(calls(wxMock, 'queryPayment')).toEqual([{ orderId: 'ord_1' }]);

    await elapse(499);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(1);
    await elapse(1);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(2);
    await elapse(500);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(3);

    expect(text(page, '#paid')).toContain('支付成功');
    expectReceipt(page, '支付时间');
    const details = within(page, '#details');
    expect(text(details, '#detail-amount')).toMatch(/^金额 ?CAD 19.99$/);
    expect(text(details, '#detail-tip')).toMatch(/^小费 ?CAD 3.00$/);
    expect(exists(page, '#contact')).toBe(false);

    await tap(details, '#copy');
    expect(wxMock.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'ord_1' }));
    wxMock.setClipboardData.mockImplementationOnce((options: { fail?: (r: unknown) => void }) => options.fail?.({ errMsg: 'setClipboardData:fail' }));
    await tap(details, '#copy');
    expect(wxMock.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '复制失败，请手动记下' }));

    await elapse(60000);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(3);
    await tap(page, '#done');
    expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
  });

  test('Done opened on its own (a shared link): a fresh Pay page', async () => {
    const wxMock = installWx({ queryPayment: states('PAID') });
    const page = await openPage(resultPage, { orderId: 'ord_1', from: 'pay' });
    await tap(page, '#done');
    expect(wxMock.reLaunch).toHaveBeenCalledWith({ url: '/pages/pay/index' });
  });

  test('after about 30 s still pending: the receipt, check again, contact the shop, done', async () => {
    const query = jest.fn(states('PAYING'));
    const wxMock = installWx({ queryPayment: query });
    const page = await openPage(resultPage, { orderId: 'ord_1', from: 'pay' });
    await elapse(29000);
    expect(exists(page, '#confirming')).toBe(true);
    await elapse(1000);
    expect(text(page, '#pending')).toContain('支付结果待确认');
    expect(text(page, '#body')).toBe('请不要重复支付，结果一到本页会自动更新。如已扣款，商家可凭订单号查询。');
    expectReceipt(page, '下单时间');
    expect(exists(page, '#pay-again')).toBe(false);
    const asked = calls(wxMock, 'queryPayment').length;
    expect(asked).toBeGreaterThan(5);
    expect(asked).toBeLessThanOrEqual(17);

    await tap(page, '#contact');
    expect(wxMock.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: config.contact.phone });
    expect(attr(page, '#contact', 'aria-label')).toBe(`联系商家：${config.contact.phone}`);

    query.mockImplementation(states('PAID'));
    await tap(page, '#check-again');
    expect(exists(page, '#paid')).toBe(true);
  });

  test('FAILED or CLOSED: not paid, with the receipt; pay again goes back to Pay', async () => {
    const wxMock = installWx({ queryPayment: states('PAYING', 'CLOSED') });
    pageStack('pages/pay/index', 'pages/result/index');
    const page = await openPage(resultPage, { orderId: 'ord_1', from: 'pay' });
    await elapse(1000);
    expect(text(page, '#not-paid')).toContain('未支付');
    expect(text(page, '#body')).toBe('这笔订单没有支付成功。如果微信支付账单显示已扣款，请联系商家。');
    expectReceipt(page, '下单时间');
    expect(exists(page, '#contact')).toBe(true);
    expect(exists(page, '#done')).toBe(true);
    await tap(page, '#pay-again');
    expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
  });

  test('REVIEW is never shown as paid: the receipt, contact the shop first, and Done', async () => {
    installWx({ queryPayment: states('REVIEW') });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    expect(exists(page, '#paid')).toBe(false);
    expect(text(page, '#review')).toContain('等待商家核实');
    expectReceipt(page, '下单时间');
    expect(String(attr(page, '#contact', 'class'))).toContain('btn--primary');
    expect(exists(page, '#done')).toBe(true);
  });

  test('contact by WeChat customer service when the shop set it up', async () => {
    config.contact.customerService = true;
    installWx({ queryPayment: states('REVIEW') });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    expect(attr(page, '#contact', 'open-type')).toBe('contact');
  });

  test('an order created long ago and still open (a payment tried again on the same order) is pending, never "not paid"; the page keeps asking, slowly, until the server decides', async () => {
    let state: OrderState = 'PAYING';
    const wxMock = installWx({
      queryPayment: () => ({
        ok: true,
        order: order({ orderId: 'ord_1', state, amountCents: 1999, tipCents: 300, totalCents: 2299, createdAt: '2024-05-01T18:00:00.000Z', paidAt: state === 'PAID' ? '2024-05-01T18:30:00.000Z' : undefined }),
      }),
    });
    pageStack('pages/pay/index', 'pages/result/index');
    const page = await openPage(resultPage, { orderId: 'ord_1', from: 'pay' });
    expect(exists(page, '#not-paid')).toBe(false);
    expect(exists(page, '#confirming')).toBe(true);

    await elapse(30000);
    expect(text(page, '#pending')).toContain('支付结果待确认');
    expect(text(page, '#body')).toBe('请不要重复支付，结果一到本页会自动更新。如已扣款，商家可凭订单号查询。');
    expect(exists(page, '#pay-again')).toBe(false);
    expect(text(within(page, '#details'), '#order-number')).toBe('ord_ 1');

    await elapse(10 * 60 * 1000);
    expect(exists(page, '#pending')).toBe(true);
    const before = calls(wxMock, 'queryPayment').length;
    await elapse(5 * 60 * 1000);
    const inFiveMinutes = calls(wxMock, 'queryPayment').length - before;
    expect(inFiveMinutes).toBeGreaterThanOrEqual(5);
    expect(inFiveMinutes).toBeLessThanOrEqual(10);
    expect(exists(page, '#pending')).toBe(true);

    state = 'PAID';
    await elapse(60000);
    expect(exists(page, '#paid')).toBe(true);
    const settled = calls(wxMock, 'queryPayment').length;
    await elapse(10 * 60 * 1000);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(settled);
  });

  test('an old open order opened from history is pending too, and reads "not paid" only once the server closes it', async () => {
    let state: OrderState = 'PAYING';
    installWx({ queryPayment: () => ({ ok: true, order: order({ orderId: 'ord_1', state, paidAt: undefined, createdAt: '2024-05-01T18:00:00.000Z' }) }) });
    pageStack('pages/history/index', 'pages/result/index');
    const page = await openPage(resultPage, { orderId: 'ord_1', from: 'history' });
    await elapse(5 * 60 * 1000);
    expect(exists(page, '#pending')).toBe(true);
    state = 'CLOSED';
    await elapse(60000);
    expect(exists(page, '#not-paid')).toBe(true);
  });

  test('network failures while polling say so, and are ridden out', async () => {
    const wxMock = installWx({ queryPayment: states('PAID') });
    wxMock.cloud.callFunction
      .mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail network' })
      .mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail network' });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    expect(exists(page, '#confirming')).toBe(true);
    expect(text(page, '#note')).toBe('网络不稳定，正在重试…');
    await elapse(2500);
    expect(exists(page, '#paid')).toBe(true);
    expect(exists(page, '#note')).toBe(false);
  });

  test('offline the whole time: pending, saying it keeps retrying, with the order number', async () => {
    const wxMock = installWx({});
    wxMock.cloud.callFunction.mockRejectedValue({ errCode: -1, errMsg: 'cloud.callFunction:fail network' });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    await elapse(30000);
    expect(exists(page, '#pending')).toBe(true);
    expect(text(page, '#note')).toBe('网络不稳定，正在重试…');
    expect(text(within(page, '#details'), '#order-number')).toBe('ord_ 1');
    expect(exists(page, '#check-again')).toBe(true);
  });

  test('an unknown order: a short title, where to look as the text, and My payments as the main action', async () => {
    const wxMock = installWx({ queryPayment: () => ({ ok: false, code: 'NOT_FOUND', message: '' }) });
    pageStack('pages/pay/index', 'pages/result/index');
    const page = await openPage(resultPage, { orderId: 'nope', from: 'pay' });
    expect(text(page, '#title')).toBe('找不到这笔订单');
    expect(text(page, '#body')).toBe('请在支付记录中查看，或联系商家。');
    expect(attr(page, '#history', 'class')).toContain('btn--primary');
    expect(text(page, '#history')).toBe('支付记录');
    expect(exists(page, '#check-again')).toBe(false);
    expect(exists(page, '#contact')).toBe(true);
    await tap(page, '#history');
    expect(wxMock.redirectTo).toHaveBeenCalledWith({ url: '/pages/history/index' });

    const missing = await openPage(resultPage, {});
    expect(text(missing, '#title')).toBe('找不到这笔订单');
    expect(exists(missing, '#history')).toBe(true);
    expect(exists(missing, '#check-again')).toBe(false);
  });

  test('an unknown order opened from My payments goes back there', async () => {
    const wxMock = installWx({ queryPayment: () => ({ ok: false, code: 'NOT_FOUND', message: '' }) }, 'en');
    pageStack('pages/pay/index', 'pages/history/index', 'pages/result/index');
    const page = await openPage(resultPage, { orderId: 'nope', from: 'history' });
    expect(text(page, '#title')).toBe('Order not found');
    expect(text(page, '#body')).toBe('Look for it in My payments, or contact the shop.');
    await tap(page, '#history');
    expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
  });

  test.each([
    ['REFUNDED' as const, 2299, '已退款', 'Refunded'],
    ['PARTIALLY_REFUNDED' as const, 1000, '部分退款', 'Partly refunded'],
  ])('%s is titled as refunded, the refunded amount large and what was paid under it', async (state, refundedCents, zhTitle, enTitle) => {
    for (const [language, title, paid] of [['zh_CN', zhTitle, '已支付 CAD 22.99'], ['en', enTitle, 'Paid CAD 22.99']]) {
      const refunded = order({ orderId: 'ord_1', state, amountCents: 1999, tipCents: 300, totalCents: 2299, refundedCents, paidAt: '2024-05-01T18:00:05.000Z' });
      installWx({ queryPayment: () => ({ ok: true, order: refunded }) }, language);
      const page = await openPage(resultPage, { orderId: 'ord_1', from: 'pay' });
      expect(text(page, '#title')).toBe(title);
      expect(exists(page, '#paid')).toBe(false);
      expect(text(page, '#refunded-text')).toBe(`CAD ${(refundedCents / 100).toFixed(2)}`);
      expect(attr(page, '#refunded-text', 'class')).toContain('state__amount');
      expect(text(page, '#paid-text')).toBe(paid);
      expect(exists(page, '#done')).toBe(true);
    }
  });

  test('leaving the page stops polling', async () => {
    const wxMock = installWx({ queryPayment: states('PAYING') });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    await elapse(1000);
    const asked = calls(wxMock, 'queryPayment').length;
    page.detach();
    await elapse(30000);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(asked);
  });

  test('in English, and every control labelled', async () => {
    const wxMock = installWx({ queryPayment: states('PAYING') }, 'en_US');
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    expect(wxMock.setNavigationBarTitle).toHaveBeenCalledWith({ title: 'Payment' });
    expect(text(page, '#confirming')).toContain('Confirming your payment');
    expect(text(page, '#merchant-name')).toBe('Maple Leaf Café');
    await elapse(30000);
    expect(text(page, '#pending')).toContain('Payment not confirmed yet');
    expect(text(page, '#body')).toContain("Please don't pay again");
    expect(text(page, '#check-again')).toBe('Check again');
    expect(text(page, '#contact')).toBe('Contact the shop');
    for (const control of tappables(page)) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));
  });
});
