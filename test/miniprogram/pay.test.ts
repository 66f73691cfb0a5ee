import { attr, calls, exists, flush, installWx, loadPage, openPage, PAYMENT, tap, tappables, text, typeKeys } from './helpers';

const payPage = loadPage('pay');

type CreateEvent = { amountCents: number; tipCents: number; requestId: string };

const RATE = { ok: true as const, currency: 'CAD' as const, rateE8: 523456789, fetchedAt: '2024-05-01T00:00:00Z' };
const created = { ok: true as const, orderId: 'ord_1', payment: PAYMENT };

describe('pay page', () => {
  test('happy path: type, tip, pay, wallet, then the result page checks', async () => {
    const wxMock = installWx({ createPayment: () => created, exchangeRate: () => RATE });
    const page = await openPage(payPage);
    expect(attr(page, '#pay', 'disabled')).toBe(true);

    await typeKeys(page, '19.99');
    expect(text(page, '#amount-value')).toBe('19.99');
    await tap(page, '#tip-15');
    expect(text(page, '#tip-text')).toBe('CAD 3.00');
    expect(text(page, '#total-text')).toBe('CAD 22.99');
    expect(text(page, '#cny-text')).toBe('约 ¥120.34');
    expect(attr(page, '#pay', 'disabled')).toBe(false);
    expect(text(page, '#pay')).toBe('支付 CAD 22.99');

    await tap(page, '#pay');
    const events = calls(wxMock, 'createPayment') as CreateEvent[];
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({ amountCents: 1999, tipCents: 300, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });
    expect(Number.isInteger(events[0].amountCents)).toBe(true);
    expect(wxMock.requestPayment).toHaveBeenCalledWith(expect.objectContaining(PAYMENT));
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/result/index?orderId=ord_1&wallet=ok&from=pay' });
  });

  test('a cancelled wallet still goes to the result page, which checks the order', async () => {
    const wxMock = installWx({ createPayment: () => created });
    wxMock.requestPayment.mockImplementation((o: { fail(e: unknown): void }) => o.fail({ errMsg: 'requestPayment:fail cancel' }));
    const page = await openPage(payPage);
    await typeKeys(page, '5');
    await tap(page, '#pay');
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/result/index?orderId=ord_1&wallet=cancel&from=pay' });
    expect(exists(page, '#error')).toBe(false);
  });

  test('a failed wallet goes to the result page too', async () => {
    const wxMock = installWx({ createPayment: () => created });
    wxMock.requestPayment.mockImplementation((o: { fail(e: unknown): void }) => o.fail({ errMsg: 'requestPayment:fail system error' }));
    const page = await openPage(payPage);
    await typeKeys(page, '5');
    await tap(page, '#pay');
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/result/index?orderId=ord_1&wallet=fail&from=pay' });
  });

  test('PAYMENT_PENDING keeps the payer on Pay, says nothing was charged, and the next tap retries the same request', async () => {
    let pending = true;
    const wxMock = installWx({
      createPayment: () => (pending ? { ok: false, code: 'PAYMENT_PENDING', message: 'OTT timeout', orderId: 'ord_p' } : created),
    });
    const page = await openPage(payPage);
    await typeKeys(page, '5');
    await tap(page, '#pay');
    expect(wxMock.requestPayment).not.toHaveBeenCalled();
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    expect(text(page, '#error')).toBe('支付服务暂未响应，本次未扣款。请稍后再点一次支付。');
    pending = false;
    await tap(page, '#pay');
    const ids = (calls(wxMock, 'createPayment') as CreateEvent[]).map((e) => e.requestId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(wxMock.requestPayment).toHaveBeenCalledTimes(1);
  });

  test('a function error is shown in the payer language, and nothing else happens', async () => {
    const wxMock = installWx({ createPayment: () => ({ ok: false, code: 'PAYMENT_REJECTED', message: 'OTT said 03' }) });
    const page = await openPage(payPage);
    await typeKeys(page, '12');
    await tap(page, '#pay');
    expect(text(page, '#error')).toBe('支付机构拒绝了本次付款，未扣款。');
    expect(wxMock.requestPayment).not.toHaveBeenCalled();
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    expect(attr(page, '#pay', 'disabled')).toBe(false);
  });

  test('a network failure, then retry: the same requestId; a new amount: a new one', async () => {
    let fail = true;
    const wxMock = installWx({ createPayment: () => created });
    wxMock.cloud.callFunction.mockImplementation(async ({ name }: { name: string }) => {
      if (name === 'createPayment' && fail) throw { errCode: -501001, errMsg: 'cloud.callFunction:fail timeout' };
      if (name === 'createPayment') return { result: created };
      return { result: { ok: false, code: 'FORBIDDEN', message: '' } };
    });
    const page = await openPage(payPage);
    await typeKeys(page, '12');
    await tap(page, '#pay');
    expect(text(page, '#error')).toBe('网络连接不稳定，请检查网络后重试。');

    await tap(page, '#pay');
    await typeKeys(page, '3');
    await tap(page, '#pay');
    fail = false;
    await tap(page, '#pay');

    const ids = (calls(wxMock, 'createPayment') as CreateEvent[]).map((e) => [e.amountCents, e.requestId]);
    expect(ids).toHaveLength(4);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2][0]).toBe(12300);
    expect(ids[2][1]).not.toBe(ids[0][1]);
    expect(ids[3]).toEqual(ids[2]);
    expect(wxMock.navigateTo).toHaveBeenCalledTimes(1);
  });

  test('a double tap creates one payment', async () => {
    let answer: (value: typeof created) => void = () => undefined;
    const wxMock = installWx({ createPayment: () => new Promise((resolve) => (answer = resolve)) });
    const page = await openPage(payPage);
    await typeKeys(page, '8');
    page.querySelector('#pay')?.dispatchEvent('tap');
    page.querySelector('#pay')?.dispatchEvent('tap');
    await flush();
    await tap(page, '#pay');
    expect(attr(page, '#pay', 'disabled')).toBe(true);
    expect(text(page, '#pay')).toBe('正在处理…');
    answer(created);
    await flush();
    expect(calls(wxMock, 'createPayment')).toHaveLength(1);
    expect(wxMock.requestPayment).toHaveBeenCalledTimes(1);
    expect(wxMock.navigateTo).toHaveBeenCalledTimes(1);
  });

  test('the keypad only lets valid money through, and Pay stays disabled until then', async () => {
    const wxMock = installWx({ createPayment: () => created });
    const page = await openPage(payPage);
    await tap(page, '#pay');
    expect(calls(wxMock, 'createPayment')).toHaveLength(0);

    await typeKeys(page, '00');
    expect(text(page, '#amount-value')).toBe('0');
    expect(attr(page, '#pay', 'disabled')).toBe(true);
    await tap(page, '#pay');
    expect(calls(wxMock, 'createPayment')).toHaveLength(0);

    await typeKeys(page, '.5.55');
    expect(text(page, '#amount-value')).toBe('0.55');
    await typeKeys(page, '<<<<');
    await typeKeys(page, '1000000');
    expect(text(page, '#amount-value')).toBe('10000');
    await typeKeys(page, '.01');
    expect(text(page, '#amount-value')).toBe('10000.0');
    await typeKeys(page, '<<<<<<<');
    expect(text(page, '#amount-value')).toBe('0.00');
    expect(attr(page, '#pay', 'disabled')).toBe(true);
  });

  test('a custom tip is typed on the same keypad', async () => {
    const wxMock = installWx({ createPayment: () => created });
    const page = await openPage(payPage);
    await typeKeys(page, '20');
    await tap(page, '#tip-custom');
    await typeKeys(page, '2.5');
    expect(text(page, '#custom-tip-value')).toBe('2.5');
    expect(text(page, '#amount-value')).toBe('20');
    expect(text(page, '#total-text')).toBe('CAD 22.50');
    await tap(page, '#amount');
    await typeKeys(page, '<');
    expect(text(page, '#total-text')).toBe('CAD 4.50');
    await tap(page, '#tip-0');
    await tap(page, '#pay');
    expect(calls(wxMock, 'createPayment')).toEqual([expect.objectContaining({ amountCents: 200, tipCents: 0 })]);
  });

  test('without an exchange rate the page works and shows no estimate', async () => {
    installWx({});
    const page = await openPage(payPage);
    await typeKeys(page, '10');
    expect(exists(page, '#cny-text')).toBe(false);
    expect(exists(page, '#error')).toBe(false);
    expect(attr(page, '#pay', 'disabled')).toBe(false);
  });

  test('the merchant link appears for staff only', async () => {
    installWx({});
    const payer = await openPage(payPage);
    expect(exists(payer, '#history-link')).toBe(true);
    expect(exists(payer, '#merchant-link')).toBe(false);

    const wxMock = installWx({
      merchantSummary: () => ({ ok: true, today: { date: '2024-05-01', paidCount: 0, grossCents: 0, refundedCents: 0, netCents: 0 }, recent: [] }),
    });
    const staff = await openPage(payPage);
    await tap(staff, '#merchant-link');
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/index' });
    await tap(staff, '#history-link');
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/history/index' });
  });

  test('in English', async () => {
    const wxMock = installWx({ exchangeRate: () => RATE, createPayment: () => ({ ok: false, code: 'SERVICE_UNAVAILABLE', message: '' }) }, 'en');
    const page = await openPage(payPage);
    expect(wxMock.setNavigationBarTitle).toHaveBeenCalledWith({ title: 'Pay' });
    expect(text(page, '#tip-0')).toBe('No tip');
    await typeKeys(page, '12.5');
    expect(text(page, '#pay')).toBe('Pay CAD 12.50');
    expect(text(page, '#cny-text')).toBe('≈ CNY 65.43');
    await tap(page, '#pay');
    expect(text(page, '#error')).toBe('The service is unavailable for a moment. Please try again.');
  });

  test('every control has an aria-label', async () => {
    installWx({
      merchantSummary: () => ({ ok: true, today: { date: '2024-05-01', paidCount: 0, grossCents: 0, refundedCents: 0, netCents: 0 }, recent: [] }),
    });
    const page = await openPage(payPage);
    await tap(page, '#tip-custom');
    const controls = tappables(page);
    expect(controls.length).toBeGreaterThan(15);
    for (const control of controls) expect(control).toEqual(expect.objectContaining({ ariaLabel: expect.stringMatching(/\S/) }));
  });
});
