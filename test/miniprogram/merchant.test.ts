import type { MerchantSummaryResult, RefundEvent } from '../../typings/payments';
import { attr, calls, elapse, exists, installWx, loadPage, openPage, order, tap, tappables, text, typeKeys, useFakeClock, useRealClock } from './helpers';

const merchantPage = loadPage('merchant');

const today = { date: '2024-05-01', paidCount: 3, grossCents: 6550, refundedCents: 500, netCents: 6050 };
const recent = [
  order({ orderId: 'ord_a', state: 'PAID', totalCents: 2500, amountCents: 2500 }),
  order({ orderId: 'ord_b', state: 'PARTIALLY_REFUNDED', totalCents: 1550, refundedCents: 500 }),
  order({ orderId: 'ord_c', state: 'PAYING', totalCents: 2500 }),
];
const summary = (): MerchantSummaryResult => ({ ok: true, today, recent });
const confirmModal = (o: { success(r: unknown): void }) => o.success({ confirm: true, cancel: false });

afterEach(() => useRealClock());

describe('merchant page', () => {
  test('non-staff see "staff only" and nothing else', async () => {
    const wxMock = installWx({});
    const page = await openPage(merchantPage);
    expect(text(page, '#forbidden')).toBe('仅限商家员工使用');
    expect(exists(page, '#today')).toBe(false);
    expect(exists(page, '#collect')).toBe(false);
    expect(page.querySelectorAll('.list__item, #recent-0')).toHaveLength(0);
    expect(calls(wxMock, 'merchantSummary')).toHaveLength(1);
    expect(wxMock.cloud.callFunction).toHaveBeenCalledTimes(1);
  });

  test("staff see today's takings and recent payments, refund offered only where refundable", async () => {
    installWx({ merchantSummary: summary });
    const page = await openPage(merchantPage);
    expect(text(page, '#today')).toContain('今日收款（2024-05-01）');
    expect(text(page, '#paid-count')).toBe('3');
    expect(text(page, '#gross')).toBe('CAD 65.50');
    expect(text(page, '#refunded')).toBe('CAD 5.00');
    expect(text(page, '#net')).toBe('CAD 60.50');
    expect(text(page, '#recent-0')).toContain('CAD 25.00');
    expect(exists(page, '#refund-0')).toBe(true);
    expect(exists(page, '#refund-1')).toBe(true);
    expect(exists(page, '#refund-2')).toBe(false);
  });

  test('refund: cancelling the confirmation sends nothing; confirming sends the amount with a requestId', async () => {
    const refund = jest.fn((event: RefundEvent) => ({
      ok: true as const,
      refund: { refundId: 'rf_1', orderId: event.orderId, amountCents: event.amountCents, state: 'PENDING' as const, createdAt: '2024-05-01T19:00:00Z' },
      order: order({ orderId: 'ord_b', state: 'PARTIALLY_REFUNDED', totalCents: 1550, refundedCents: 1000 }),
    }));
    const wxMock = installWx({ merchantSummary: summary, refund });
    const page = await openPage(merchantPage);

    await tap(page, '#refund-1');
    expect(text(page, '#refundable')).toBe('可退 CAD 10.50');
    expect(text(page, '#refund-amount')).toBe('10.5');
    await typeKeys(page, '<<<<');
    await typeKeys(page, '11');
    expect(text(page, '#refund-amount')).toBe('1');
    await typeKeys(page, '<5');
    expect(text(page, '#refund-amount')).toBe('5');

    await tap(page, '#refund-submit');
    expect(wxMock.showModal).toHaveBeenCalledTimes(1);
    expect(wxMock.showModal.mock.calls[0][0]).toMatchObject({ title: '确认退款', content: '向订单 ord_b 退款 CAD 5.00？退款不能撤销。' });
    expect(refund).not.toHaveBeenCalled();
    expect(exists(page, '#refund-panel')).toBe(true);

    wxMock.showModal.mockImplementationOnce(confirmModal);
    await tap(page, '#refund-submit');
    expect(refund).toHaveBeenCalledTimes(1);
    expect(refund.mock.calls[0][0]).toEqual({ orderId: 'ord_b', amountCents: 500, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });
    expect(wxMock.showToast).toHaveBeenCalledWith({ title: '退款已提交', icon: 'none' });
    expect(exists(page, '#home')).toBe(true);
    expect(calls(wxMock, 'merchantSummary')).toHaveLength(2);
  });

  test('a full refund; a network failure is retried with the same requestId; errors shown', async () => {
    const wxMock = installWx({ merchantSummary: summary, refund: () => ({ ok: false, code: 'NOT_REFUNDABLE', message: '' }) });
    wxMock.showModal.mockImplementation(confirmModal);
    const page = await openPage(merchantPage);
    await tap(page, '#refund-0');
    await typeKeys(page, '<<');
    await tap(page, '#refund-full');
    expect(text(page, '#refund-amount')).toBe('25');

    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    await tap(page, '#refund-submit');
    expect(text(page, '#refund-error')).toContain('网络连接不稳定');
    await tap(page, '#refund-submit');
    expect(text(page, '#refund-error')).toBe('这笔订单当前不能退款。');
    await tap(page, '#refund-submit');

    const events = calls(wxMock, 'refund') as RefundEvent[];
    expect(events.map((e) => [e.orderId, e.amountCents])).toEqual([['ord_a', 2500], ['ord_a', 2500], ['ord_a', 2500]]);
    const ids = events.map((e) => e.requestId);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[1]);

    await tap(page, '#back');
    expect(exists(page, '#home')).toBe(true);
  });

  test('collect by QR code: enter an amount, show the code, wait until paid', async () => {
    useFakeClock();
    let state: 'PAYING' | 'PAID' = 'PAYING';
    const wxMock = installWx({
      merchantSummary: summary,
      collectByQr: (event) => ({
        ok: true,
        order: order({ orderId: 'ord_qr', channel: 'QR', state: 'PAYING', amountCents: event.amountCents, totalCents: event.amountCents }),
        codeUrl: 'weixin://wxpay/bizpayurl?pr=abc',
        qrDataUrl: 'data:image/png;base64,iVBORw0KGgo=',
      }),
      queryPayment: () => ({ ok: true, order: order({ orderId: 'ord_qr', channel: 'QR', state, totalCents: 2500 }) }),
    });
    const page = await openPage(merchantPage);
    await tap(page, '#collect');
    expect(attr(page, '#show-qr', 'disabled')).toBe(true);
    await typeKeys(page, '25');
    expect(attr(page, '#show-qr', 'disabled')).toBe(false);
    await tap(page, '#show-qr');

    expect(calls(wxMock, 'collectByQr')).toEqual([{ amountCents: 2500, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) }]);
    expect(attr(page, '#qr-image', 'src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(attr(page, '#qr-image', 'aria-label')).toBe('微信支付收款码，金额 CAD 25.00');
    expect(text(page, '#qr-waiting')).toBe('等待顾客付款…');
    expect(calls(wxMock, 'queryPayment')).toEqual([{ orderId: 'ord_qr' }]);

    await elapse(5000);
    expect(exists(page, '#qr-waiting')).toBe(true);
    state = 'PAID';
    await elapse(5000);
    expect(text(page, '#qr-paid')).toBe('已收款 CAD 25.00');
    expect(exists(page, '#qr-image')).toBe(false);

    await tap(page, '#new-collect');
    expect(text(page, '#collect-amount')).toBe('0.00');
  });

  test('a QR code nobody pays: still waiting, check again', async () => {
    useFakeClock();
    installWx({
      merchantSummary: summary,
      collectByQr: () => ({ ok: true, order: order({ orderId: 'ord_qr', state: 'PAYING' }), codeUrl: 'weixin://x', qrDataUrl: 'data:image/png;base64,AA==' }),
      queryPayment: () => ({ ok: true, order: order({ orderId: 'ord_qr', state: 'PAYING' }) }),
    });
    const page = await openPage(merchantPage);
    await tap(page, '#collect');
    await typeKeys(page, '3');
    await tap(page, '#show-qr');
    await elapse(5 * 60 * 1000);
    expect(text(page, '#qr-still-waiting')).toContain('还没有收到付款');
    await tap(page, '#qr-check-again');
    expect(exists(page, '#qr-waiting')).toBe(true);
    await tap(page, '#back');
    expect(exists(page, '#home')).toBe(true);
  });

  test('in English, and every control labelled', async () => {
    installWx({ merchantSummary: summary }, 'en');
    const page = await openPage(merchantPage);
    expect(text(page, '#today')).toContain('Today (2024-05-01)');
    expect(text(page, '#refund-0')).toBe('Refund');
    const home = tappables(page);
    await tap(page, '#refund-0');
    const refund = tappables(page);
    expect(text(page, '#refundable')).toBe('Up to CAD 25.00 can be refunded');
    await tap(page, '#back');
    await tap(page, '#collect');
    const collect = tappables(page);
    for (const control of [...home, ...refund, ...collect]) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));

    installWx({}, 'en');
    const stranger = await openPage(merchantPage);
    expect(text(stranger, '#forbidden')).toBe('Staff only');
  });
});
