import type { MerchantSummaryEvent, OrderView, RefundEvent } from '../../typings/payments';
import { actionKey, calls, clearPageStack, exists, installWx, loadPage, openPage, order, pageStack, tap, tapAction, tappables, text, typeKeys, within } from './helpers';

const refundPage = loadPage('refund');

const today = { date: '2024-05-01', paidCount: 1, grossCents: 1550, refundedCents: 500, netCents: 1050 };
const partlyRefunded = order({ orderId: 'ord_b', state: 'PARTIALLY_REFUNDED', amountCents: 1550, totalCents: 1550, refundedCents: 500 });
const lookup = (found: OrderView | null) => (event: MerchantSummaryEvent) =>
  found && event.orderId === found.orderId ? { ok: true as const, today, recent: [], order: found } : { ok: false as const, code: 'NOT_FOUND' as const, message: '' };
const confirmModal = (o: { success(r: unknown): void }) => o.success({ confirm: true, cancel: false });
const refunded = (state: 'PENDING' | 'SUCCEEDED') => (event: RefundEvent) => ({
  ok: true as const,
  refund: { refundId: 'rf_1', orderId: event.orderId, amountCents: event.amountCents, state, createdAt: '2024-05-01T19:00:00Z' },
  order: { ...partlyRefunded, refundedCents: partlyRefunded.refundedCents + event.amountCents },
});

beforeEach(() => pageStack('pages/pay/index', 'pages/merchant/index', 'pages/refund/index'));
afterEach(() => clearPageStack());

describe('refund page', () => {
  test('the order is read again by its number; the amount starts empty, with the limit and a Full amount button', async () => {
    const wxMock = installWx({ merchantSummary: lookup(partlyRefunded) });
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    expect(calls(wxMock, 'merchantSummary')).toEqual([{ orderId: 'ord_b' }]);
    expect(text(page, '#refund-amount')).toBe('0.00');
    expect(text(page, '#message-text')).toBe('最多可退 CAD 10.50');
    expect(actionKey(page)).toEqual({ text: '退款', disabled: true });
    expect(text(within(page, '#details'), '#detail-refunded')).toMatch(/CAD 5.00$/);

    await typeKeys(page, '5');
    expect(text(page, '#refund-amount')).toBe('5');
    expect(actionKey(page)).toEqual({ text: '退款 CAD 5.00', disabled: false });
    await typeKeys(page, '0');
    expect(text(page, '#refund-amount')).toBe('5');
    expect(text(page, '#message-text')).toBe('超出可退金额：最多可退 CAD 10.50');

    await tap(page, '#full');
    expect(text(page, '#refund-amount')).toBe('10.5');
    await typeKeys(page, '<<<<');
    expect(text(page, '#refund-amount')).toBe('0.00');
  });

  test('the confirmation leads with the amount and the original total, in red; cancelling sends nothing', async () => {
    const refund = jest.fn(refunded('PENDING'));
    const wxMock = installWx({ merchantSummary: lookup(partlyRefunded), refund });
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    await typeKeys(page, '5');
    await tapAction(page);
    expect(wxMock.showModal).toHaveBeenCalledTimes(1);
    expect(wxMock.showModal.mock.calls[0][0]).toMatchObject({
      title: '退款 CAD 5.00',
      content: '订单金额 CAD 15.50，已退 CAD 5.00。钱款将原路退回顾客微信，提交后不能撤销。',
      confirmText: '确认退款',
      cancelText: '取消',
      confirmColor: '#d93025',
    });
    expect(refund).not.toHaveBeenCalled();
    expect(wxMock.navigateBack).not.toHaveBeenCalled();

    wxMock.showModal.mockImplementationOnce(confirmModal);
    await tapAction(page);
    expect(refund.mock.calls).toEqual([[{ orderId: 'ord_b', amountCents: 500, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) }]]);
    expect(wxMock.showToast).toHaveBeenCalledWith({ title: '退款已提交，正在确认', icon: 'none' });
    expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
  });

  test('a refund booked at once says so', async () => {
    const wxMock = installWx({ merchantSummary: lookup(partlyRefunded), refund: refunded('SUCCEEDED') });
    wxMock.showModal.mockImplementation(confirmModal);
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    await tap(page, '#full');
    await tapAction(page);
    expect(calls(wxMock, 'refund')).toEqual([expect.objectContaining({ amountCents: 1050 })]);
    expect(wxMock.showToast).toHaveBeenCalledWith({ title: '退款成功', icon: 'success' });
  });

  test('retryable failures keep the requestId; an answer starts a new one; every error is shown by the action', async () => {
    const answers = ['NETWORK', 'BUSY', 'REFUND_TOO_LARGE'];
    const wxMock = installWx({ merchantSummary: lookup(partlyRefunded), refund: () => ({ ok: false, code: answers.shift() as 'BUSY', message: '' }) });
    wxMock.showModal.mockImplementation(confirmModal);
    wxMock.cloud.callFunction.mockImplementation(async ({ name, data }: { name: string; data: RefundEvent }) => {
      if (name === 'refund' && answers[0] === 'NETWORK') {
        answers.shift();
        throw { errCode: -1, errMsg: 'cloud.callFunction:fail' };
      }
      if (name === 'refund') return { result: { ok: false, code: answers.shift(), message: '' } };
      return { result: lookup(partlyRefunded)(data as MerchantSummaryEvent) };
    });
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    await typeKeys(page, '3');
    await tapAction(page);
    expect(text(page, '#message-text')).toBe('网络连接不稳定，请检查网络后重试。');
    await tapAction(page);
    expect(text(page, '#message-text')).toBe('这笔订单正在处理另一项操作（如退款确认），请稍后重试。');
    await tapAction(page);
    expect(text(page, '#message-text')).toBe('退款金额超过可退金额，请改小后再试。');
    await tapAction(page);
    const ids = (calls(wxMock, 'refund') as RefundEvent[]).map((e) => e.requestId);
    expect(ids).toHaveLength(4);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[2]);
    expect(wxMock.navigateBack).not.toHaveBeenCalled();
  });

  test('an order that cannot be refunded says why, with no keypad', async () => {
    installWx({ merchantSummary: lookup(order({ orderId: 'ord_c', state: 'PAYING', paidAt: undefined })) });
    const page = await openPage(refundPage, { orderId: 'ord_c' });
    expect(text(page, '#not-refundable')).toBe('这笔订单不能退款：未支付。');
    expect(exists(page, '#keypad')).toBe(false);
    expect(exists(page, '#back')).toBe(true);
  });

  test('an order that cannot be read: the reason and Retry', async () => {
    const wxMock = installWx({ merchantSummary: lookup(null) });
    const page = await openPage(refundPage, { orderId: 'ord_x' });
    expect(text(page, '#error')).toContain('找不到这笔订单，请核对订单号。');
    await tap(page, '#retry');
    expect(calls(wxMock, 'merchantSummary')).toHaveLength(2);
  });

  test('in English, and every control labelled', async () => {
    const wxMock = installWx({ merchantSummary: lookup(partlyRefunded) }, 'en');
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    expect(text(page, '#full')).toBe('Full amount');
    await typeKeys(page, '2');
    await tapAction(page);
    expect(wxMock.showModal.mock.calls[0][0]).toMatchObject({ title: 'Refund CAD 2.00?', confirmText: 'Refund' });
    for (const control of tappables(page)) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));
  });
});
