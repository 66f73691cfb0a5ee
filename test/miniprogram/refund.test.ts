import type { MerchantSummaryEvent, RefundEvent, RefundView, StaffOrderView } from '../../typings/payments';
import { formatDateTime } from '../../miniprogram/utils/time';
import { actionKey, attr, calls, clearPageStack, exists, installWx, loadPage, openPage, pageStack, staffOrder, takings, tap, tapAction, tappables, text, typeKeys, within } from './helpers';

const refundPage = loadPage('refund');

const today = takings();
const firstRefund: RefundView = { refundId: 'rf_0', orderId: 'ord_b', amountCents: 500, state: 'SUCCEEDED', createdAt: '2024-05-01T18:30:00.000Z' };
const partlyRefunded = staffOrder({ orderId: 'ord_b', state: 'PARTIALLY_REFUNDED', amountCents: 1550, totalCents: 1550, refundedCents: 500, refunds: [firstRefund] });
const lookup = (found: StaffOrderView | null) => (event: MerchantSummaryEvent) =>
  found && event.orderId === found.orderId ? { ok: true as const, role: 'owner' as const, today, recent: [], order: found } : { ok: false as const, code: 'NOT_FOUND' as const, message: '' };
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
    expect(actionKey(page)).toEqual({ text: '退款 CAD\u00a05.00', disabled: false });
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

  test('a confirmation WeChat cannot show says so and sends nothing, and the key works again', async () => {
    const refund = jest.fn(refunded('PENDING'));
    const wxMock = installWx({ merchantSummary: lookup(partlyRefunded), refund });
    wxMock.showModal.mockImplementationOnce((options: { fail?: (r: unknown) => void }) => options.fail?.({ errMsg: 'showModal:fail' }));
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    await typeKeys(page, '5');
    await tapAction(page);
    expect(wxMock.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '无法显示确认框，请重试' }));
    expect(refund).not.toHaveBeenCalled();
    wxMock.showModal.mockImplementationOnce(confirmModal);
    await tapAction(page);
    expect(refund).toHaveBeenCalledTimes(1);
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
    expect(text(page, '#message-text')).toBe('暂未收到这笔退款的结果。可再点「退款」重试，同一笔不会退两次。');
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

  test('a refund waiting for OTT Pay comes first: its amount, since when, "don\'t refund again", and no way to refund again; Refresh reads it again', async () => {
    const open: RefundView = { refundId: 'rf_1', orderId: 'ord_b', amountCents: 300, state: 'PENDING', createdAt: '2024-05-01T19:02:00.000Z', lastCheckedAt: '2024-05-01T19:07:00.000Z' };
    const waiting = staffOrder({ ...partlyRefunded, refundedCents: 500, refundableCents: 0, refunds: [firstRefund, open] });
    const confirmed = staffOrder({ ...partlyRefunded, refundedCents: 800, refundableCents: 750, refunds: [firstRefund, { ...open, state: 'SUCCEEDED', lastCheckedAt: undefined }] });
    const answers = [waiting, confirmed];
    const wxMock = installWx({ merchantSummary: () => ({ ok: true, role: 'owner', today, recent: [], order: answers.shift()! }) });
    const page = await openPage(refundPage, { orderId: 'ord_b' });

    expect(text(page, '#open-title')).toBe('退款 CAD 3.00 待确认');
    expect(text(page, '#open-refund')).toContain('正在等待 OTT Pay 确认。请不要再次退款');
    expect(text(page, '#open-since')).toBe(`提交于 ${formatDateTime(open.createdAt)}`);
    expect(text(page, '#open-checked')).toBe(`最近查询 ${formatDateTime(open.lastCheckedAt)}`);
    expect(exists(page, '#keypad')).toBe(false);
    expect(exists(page, '#full')).toBe(false);
    expect(text(page, '#refund-0')).toBe(`CAD 3.00${formatDateTime(open.createdAt)}待确认`);
    expect(text(page, '#refund-1')).toBe(`CAD 5.00${formatDateTime(firstRefund.createdAt)}已退款`);
    expect(exists(page, '#back')).toBe(true);

    await tap(page, '#refresh');
    expect(calls(wxMock, 'merchantSummary')).toHaveLength(2);
    expect(exists(page, '#open-refund')).toBe(false);
    expect(text(page, '#message-text')).toBe('最多可退 CAD 7.50');
    expect(text(page, '#refund-0')).toMatch(/已退款$/);
  });

  test('REFUND_OPEN names the refund that waits instead of asking to try again, and is not sent again', async () => {
    const openRefund: RefundView = { refundId: 'rf_9', orderId: 'ord_b', amountCents: 400, state: 'PENDING', createdAt: '2024-05-01T19:05:00.000Z' };
    const refund = jest.fn(() => ({ ok: false as const, code: 'REFUND_OPEN' as const, message: 'a refund waits', openRefund }));
    const wxMock = installWx({ merchantSummary: lookup(partlyRefunded), refund }, 'en');
    wxMock.showModal.mockImplementation(confirmModal);
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    await typeKeys(page, '2');
    await tapAction(page);
    expect(text(page, '#open-title')).toBe('Refund of CAD 4.00 pending');
    expect(text(page, '#open-refund')).toContain("Waiting for OTT Pay to confirm. Don't refund again");
    expect(text(page, '#open-since')).toBe(`Requested ${formatDateTime(openRefund.createdAt)}`);
    expect(exists(page, '#open-checked')).toBe(false);
    expect(exists(page, '#keypad')).toBe(false);
    expect(text(page, '#refresh')).toBe('Refresh');
    expect(refund).toHaveBeenCalledTimes(1);
    expect(wxMock.navigateBack).not.toHaveBeenCalled();
  });

  test('no answer, then SERVICE_UNAVAILABLE: the same refund is sent again under the same requestId, its amount fixed; once the order shows it recorded, it is shown and nothing more is offered', async () => {
    const recorded = staffOrder({ ...partlyRefunded, refundableCents: 0, refunds: [firstRefund, { refundId: 'rf_2', orderId: 'ord_b', amountCents: 500, state: 'PENDING', createdAt: '2024-05-01T19:10:00.000Z' }] });
    const summaries = [partlyRefunded, partlyRefunded, recorded];
    const wxMock = installWx({ merchantSummary: () => ({ ok: true, role: 'owner', today, recent: [], order: summaries.shift() ?? recorded }) });
    wxMock.showModal.mockImplementation(confirmModal);
    let refundCalls = 0;
    const callFunction = wxMock.cloud.callFunction.getMockImplementation()!;
    wxMock.cloud.callFunction.mockImplementation(async (arg: { name: string; data: unknown }) => {
      if (arg.name !== 'refund') return callFunction(arg);
      refundCalls++;
      if (refundCalls === 1) throw { errCode: -1, errMsg: 'cloud.callFunction:fail timeout' };
      return { result: { ok: false, code: 'SERVICE_UNAVAILABLE', message: '' } };
    });
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    await typeKeys(page, '5');
    await tapAction(page);
    expect(text(page, '#message-text')).toBe('暂未收到这笔退款的结果。可再点「退款」重试，同一笔不会退两次。');
    expect(calls(wxMock, 'merchantSummary')).toHaveLength(2);

    await typeKeys(page, '<3');
    await tap(page, '#full');
    expect(text(page, '#refund-amount')).toBe('5');
    expect(actionKey(page)).toEqual({ text: '退款 CAD\u00a05.00', disabled: false });

    await tapAction(page);
    const sent = calls(wxMock, 'refund') as RefundEvent[];
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[0]).toMatchObject({ orderId: 'ord_b', amountCents: 500 });
    expect(text(page, '#open-title')).toBe('退款 CAD 5.00 待确认');
    expect(exists(page, '#keypad')).toBe(false);
  });

  test('a retry clears the last "no answer" while it sends', async () => {
    const wxMock = installWx({ merchantSummary: () => ({ ok: true, role: 'owner', today, recent: [], order: partlyRefunded }) }, 'en');
    wxMock.showModal.mockImplementation(confirmModal);
    let answer: (result: unknown) => void = () => undefined;
    let refundCalls = 0;
    const callFunction = wxMock.cloud.callFunction.getMockImplementation()!;
    wxMock.cloud.callFunction.mockImplementation(async (arg: { name: string; data: unknown }) => {
      if (arg.name !== 'refund') return callFunction(arg);
      if (++refundCalls === 1) throw { errCode: -1, errMsg: 'cloud.callFunction:fail timeout' };
      return new Promise((resolve) => (answer = resolve));
    });
    const page = await openPage(refundPage, { orderId: 'ord_b' });
    await typeKeys(page, '5');
    await tapAction(page);
    expect(text(page, '#message-text')).toContain('No answer about this refund yet');
    expect(attr(page, '#message', 'class')).toContain('message--error');

    await tapAction(page);
    expect(refundCalls).toBe(2);
    expect(text(page, '#message-text')).not.toContain('No answer');
    expect(attr(page, '#message', 'class')).not.toContain('message--error');
    answer({ result: refunded('SUCCEEDED')({ orderId: 'ord_b', amountCents: 500, requestId: 'x' }) });
  });

  test('an order in review may be refunded up to what the server says OTT holds, with the reason shown', async () => {
    const doubleCharge = staffOrder({
      orderId: 'ord_r',
      state: 'REVIEW',
      amountCents: 1250,
      totalCents: 1250,
      heldCents: 2500,
      refundableCents: 1250,
      reviewKind: 'double_charge',
      reviewReason: 'money taken on 2 attempts (ord_r: 1250, ord_rP2: 1250): refund all but one',
    });
    installWx({ merchantSummary: lookup(doubleCharge) });
    const page = await openPage(refundPage, { orderId: 'ord_r' });
    expect(text(page, '#review-title')).toBe('待核实：重复扣款');
    expect(text(page, '#review-reason')).toBe(doubleCharge.reviewReason);
    expect(text(page, '#review-held')).toBe('OTT Pay 已收 CAD 25.00');
    expect(text(page, '#message-text')).toBe('最多可退 CAD 12.50');
    await tap(page, '#full');
    expect(actionKey(page)).toEqual({ text: '退款 CAD\u00a012.50', disabled: false });

    installWx({ merchantSummary: lookup(staffOrder({ ...doubleCharge, reviewKind: 'status_unknown', heldCents: 0, refundableCents: 0 })) }, 'en');
    const nothingHeld = await openPage(refundPage, { orderId: 'ord_r' });
    expect(text(nothingHeld, '#not-refundable')).toBe('Nothing to refund yet: OTT Pay holds no money for this order.');
    expect(text(nothingHeld, '#review-title')).toBe("Under review: OTT Pay couldn't be asked");
    expect(exists(nothingHeld, '#keypad')).toBe(false);
  });

  test('an order that cannot be refunded says why, with no keypad', async () => {
    installWx({ merchantSummary: lookup(staffOrder({ orderId: 'ord_c', state: 'PAYING', paidAt: undefined })) });
    const page = await openPage(refundPage, { orderId: 'ord_c' });
    expect(text(page, '#not-refundable')).toBe('这笔订单未支付，无需退款。');
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
    expect(wxMock.showModal.mock.calls[0][0]).toMatchObject({ title: 'Refund CAD 2.00?', confirmText: 'Yes', cancelText: 'No' });
    for (const control of tappables(page)) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));
  });
});
