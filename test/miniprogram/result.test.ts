import type { OrderState } from '../../typings/payments';
import { calls, elapse, exists, installWx, loadPage, openPage, order, tap, tappables, text, useFakeClock, useRealClock } from './helpers';

const resultPage = loadPage('result');

/** queryPayment answers with these states in turn, then the last one forever. */
function states(...sequence: OrderState[]) {
  let i = 0;
  return () => ({ ok: true as const, order: order({ orderId: 'ord_1', state: sequence[Math.min(i++, sequence.length - 1)], amountCents: 1999, tipCents: 300, totalCents: 2299 }) });
}

beforeEach(() => useFakeClock());
afterEach(() => useRealClock());

describe('result page', () => {
  test('shows "confirming", polls with back-off, then paid with amount, time and order number', async () => {
    const wxMock = installWx({ queryPayment: states('PAYING', 'PAYING', 'PAID') });
    const page = await openPage(resultPage, { orderId: 'ord_1', wallet: 'ok', from: 'pay' });
    expect(exists(page, '#confirming')).toBe(true);
    expect(text(page, '#confirming')).toContain('正在确认支付结果');
    expect(calls(wxMock, 'queryPayment')).toEqual([{ orderId: 'ord_1' }]);

    await elapse(999);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(1);
    await elapse(1);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(2);
    await elapse(1500);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(3);

    expect(exists(page, '#paid')).toBe(true);
    expect(text(page, '#paid')).toContain('支付成功');
    expect(text(page, '#paid-total')).toBe('CAD 22.99');
    expect(text(page, '#order-id')).toBe('ord_1');
    expect(text(page, '#paid-at')).toMatch(/^2024-05-0[12] \d\d:\d\d$/);

    await elapse(60000);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(3);
    await tap(page, '#done');
    expect(wxMock.reLaunch).toHaveBeenCalledWith({ url: '/pages/pay/index' });
  });

  test('after about 30 s still pending: an honest explanation and "check again"', async () => {
    const query = jest.fn(states('PAYING'));
    const wxMock = installWx({ queryPayment: query });
    const page = await openPage(resultPage, { orderId: 'ord_1', wallet: 'ok' });
    await elapse(29000);
    expect(exists(page, '#confirming')).toBe(true);
    await elapse(1000);
    expect(exists(page, '#pending')).toBe(true);
    expect(text(page, '#pending')).toContain('付款可能仍会完成，商家那边也会看到');
    expect(exists(page, '#try-again')).toBe(false);
    const asked = calls(wxMock, 'queryPayment').length;
    expect(asked).toBeGreaterThan(5);
    expect(asked).toBeLessThan(15);

    query.mockImplementation(states('PAID'));
    await tap(page, '#check-again');
    expect(exists(page, '#paid')).toBe(true);
  });

  test('a cancelled wallet: checked briefly, then "cancelled" with try again', async () => {
    const wxMock = installWx({ queryPayment: states('PAYING') });
    (globalThis as { getCurrentPages?: () => unknown[] }).getCurrentPages = () => [{}, {}];
    try {
      const page = await openPage(resultPage, { orderId: 'ord_1', wallet: 'cancel', from: 'pay' });
      expect(exists(page, '#confirming')).toBe(true);
      await elapse(4000);
      expect(text(page, '#not-paid')).toContain('支付已取消');
      expect(calls(wxMock, 'queryPayment').length).toBeGreaterThan(1);
      await tap(page, '#try-again');
      expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
    } finally {
      delete (globalThis as { getCurrentPages?: unknown }).getCurrentPages;
    }
  });

  test('a cancelled wallet whose payment went through anyway shows paid', async () => {
    installWx({ queryPayment: states('PAYING', 'PAID') });
    const page = await openPage(resultPage, { orderId: 'ord_1', wallet: 'cancel' });
    await elapse(1000);
    expect(exists(page, '#paid')).toBe(true);
  });

  test('a failed wallet, still unpaid: "not completed"', async () => {
    installWx({ queryPayment: states('PAYING') });
    const page = await openPage(resultPage, { orderId: 'ord_1', wallet: 'fail' });
    await elapse(4000);
    expect(text(page, '#not-paid')).toContain('支付没有完成');
    expect(exists(page, '#check-again')).toBe(true);
  });

  test('FAILED or CLOSED: not paid, try again goes back to pay', async () => {
    const wxMock = installWx({ queryPayment: states('PAYING', 'CLOSED') });
    const page = await openPage(resultPage, { orderId: 'ord_1', wallet: 'ok' });
    await elapse(1000);
    expect(text(page, '#not-paid')).toContain('未支付');
    expect(text(page, '#not-paid')).toContain('这次付款没有完成');
    await tap(page, '#try-again');
    expect(wxMock.reLaunch).toHaveBeenCalledWith({ url: '/pages/pay/index' });
  });

  test('REVIEW is never shown as paid', async () => {
    installWx({ queryPayment: states('REVIEW') });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    expect(exists(page, '#paid')).toBe(false);
    expect(text(page, '#review')).toContain('等待商家核实');
  });

  test('network failures while polling are ridden out', async () => {
    const wxMock = installWx({ queryPayment: states('PAID') });
    wxMock.cloud.callFunction
      .mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail network' })
      .mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail network' });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    expect(exists(page, '#confirming')).toBe(true);
    await elapse(2500);
    expect(exists(page, '#paid')).toBe(true);
  });

  test('offline the whole time: pending, with the network message', async () => {
    const wxMock = installWx({});
    wxMock.cloud.callFunction.mockRejectedValue({ errCode: -1, errMsg: 'cloud.callFunction:fail network' });
    const page = await openPage(resultPage, { orderId: 'ord_1' });
    await elapse(30000);
    expect(text(page, '#pending')).toContain('网络连接不稳定');
  });

  test('an unknown order', async () => {
    installWx({ queryPayment: () => ({ ok: false, code: 'NOT_FOUND', message: '' }) });
    const page = await openPage(resultPage, { orderId: 'nope' });
    expect(text(page, '#error')).toContain('找不到这笔订单');
    const missing = await openPage(resultPage, {});
    expect(text(missing, '#error')).toContain('找不到这笔订单');
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
    const page = await openPage(resultPage, { orderId: 'ord_1', wallet: 'ok' });
    expect(wxMock.setNavigationBarTitle).toHaveBeenCalledWith({ title: 'Payment result' });
    expect(text(page, '#confirming')).toContain('Confirming your payment');
    await elapse(30000);
    expect(text(page, '#pending')).toContain('The payment may still go through, and the shop will see it.');
    expect(text(page, '#check-again')).toBe('Check again');
    for (const control of tappables(page)) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));
  });
});
