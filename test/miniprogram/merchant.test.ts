import type { MerchantSummaryEvent, MerchantSummaryResult } from '../../typings/payments';
import { attr, calls, exists, find, flush, installWx, loadPage, openPage, order, show, staffOrder, takings, tap, tappables, text } from './helpers';

const merchantPage = loadPage('merchant');

const today = takings({ paidCount: 3, grossCents: 6550, refundedCents: 500, netCents: 6050 });
const recent = [
  order({ orderId: 'ord_a', state: 'PAID', totalCents: 2500, amountCents: 2500 }),
  order({ orderId: 'ord_b', state: 'PARTIALLY_REFUNDED', totalCents: 1550, refundedCents: 500 }),
  order({ orderId: 'ord_c', state: 'PAYING', totalCents: 2500 }),
];
const summary = (): MerchantSummaryResult => ({ ok: true, role: 'owner', today, recent });
const oldOrder = staffOrder({ orderId: 'K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD', state: 'PAID', totalCents: 4200, createdAt: '2024-04-02T18:00:00.000Z', paidAt: '2024-04-02T18:00:09.000Z' });

type Page = Awaited<ReturnType<typeof openPage>>;
const typeOrderNumber = async (page: Page, value: string) => {
  (page.instance as unknown as { onFindInput(e: { detail: { value: string } }): void }).onFindInput({ detail: { value } });
  await flush();
};
const rowAction = (page: Page, row: string) => find(page, row).querySelector('#action');

describe('merchant page: takings', () => {
  test('non-staff see "staff only", their own user id to copy for the owner, and nothing else', async () => {
    const wxMock = installWx({ merchantSummary: () => ({ ok: false, code: 'FORBIDDEN', message: 'not staff', userId: 'o-new-staff-0001' }) });
    const page = await openPage(merchantPage);
    expect(text(page, '#forbidden')).toContain('仅限本店员工使用请把下面的用户 ID 发给店主。店主在「商家管理 › 员工」中添加你后，重新打开本页即可使用。');
    expect(text(page, '#user-id')).toBe('o-new-staff-0001');
    await tap(page, '#copy-user-id');
    expect(wxMock.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'o-new-staff-0001' }));
    expect(wxMock.showToast).not.toHaveBeenCalled();
    // the clipboard refused (an undeclared privacy scope, for one): the person is told
    wxMock.setClipboardData.mockImplementationOnce((options: { fail?: (r: unknown) => void }) => options.fail?.({ errMsg: 'setClipboardData:fail api scope is not declared in the privacy agreement' }));
    await tap(page, '#copy-user-id');
    expect(wxMock.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '复制失败，请手动记下' }));
    expect(exists(page, '#today')).toBe(false);
    expect(exists(page, '#collect')).toBe(false);
    expect(wxMock.cloud.callFunction).toHaveBeenCalledTimes(1);
  });

  test("staff see today's takings and orders; an unpaid attempt reads 未支付, never 支付中; refund only where refundable", async () => {
    installWx({ merchantSummary: summary });
    const page = await openPage(merchantPage);
    expect(text(page, '#today')).toContain('今日 2024-05-01');
    expect(text(page, '#paid-count')).toBe('3');
    expect(text(page, '#gross')).toBe('CAD 65.50');
    expect(text(page, '#refunded')).toBe('CAD 5.00');
    expect(text(page, '#net')).toBe('CAD 60.50');
    expect(text(page, '#recent-0')).toContain('CAD 25.00');
    expect(text(page, '#recent-2')).toContain('未支付');
    expect(rowAction(page, '#recent-0')).toBeTruthy();
    expect(rowAction(page, '#recent-1')).toBeTruthy();
    expect(rowAction(page, '#recent-2')).toBeFalsy();
  });

  test('orders in review are a line of their own, with the money held, for the owner; not added to the takings', async () => {
    const withReview = takings({ ...today, reviewCount: 2, reviewHeldCents: 4600 });
    installWx({ merchantSummary: () => ({ ok: true, role: 'owner', today: withReview, recent }) });
    const page = await openPage(merchantPage);
    expect(text(page, '#review-line')).toBe('待核实：2 笔，已收 CAD 46.00');
    expect(text(page, '#in-review')).toContain('未计入上面的金额，需店主处理（ops review）。');
    expect(text(page, '#gross')).toBe('CAD 65.50');
    expect(text(page, '#net')).toBe('CAD 60.50');
    expect(text(page, '#paid-count')).toBe('3');

    installWx({ merchantSummary: () => ({ ok: true, role: 'owner', today: withReview, recent }) }, 'en');
    const english = await openPage(merchantPage);
    expect(text(english, '#review-line')).toBe('In review: 2, CAD 46.00 held');
    expect(text(english, '#in-review')).toContain('The shop owner settles these (ops review).');

    installWx({ merchantSummary: summary });
    expect(exists(await openPage(merchantPage), '#in-review')).toBe(false);
  });

  test('a found order offers what the server allows: refund money held in review, or the status of a refund that waits', async () => {
    const inReview = staffOrder({ orderId: 'REVIEWORDER1', state: 'REVIEW', heldCents: 2500, refundableCents: 1250, reviewKind: 'double_charge' });
    const waiting = staffOrder({ orderId: 'WAITINGORDER1', refundableCents: 0, refunds: [{ refundId: 'rf_1', orderId: 'WAITINGORDER1', amountCents: 500, state: 'PENDING', createdAt: '2024-05-01T19:00:00.000Z' }] });
    const wxMock = installWx({ merchantSummary: (event: MerchantSummaryEvent) => ({ ok: true, role: 'owner', today, recent, order: event.orderId === inReview.orderId ? inReview : waiting }) });
    const page = await openPage(merchantPage);
    await typeOrderNumber(page, inReview.orderId);
    await tap(page, '#find');
    expect(text(page, '#found')).toContain('待核实');
    expect(rowAction(page, '#found')!.dom!.textContent).toBe('退款');

    await typeOrderNumber(page, waiting.orderId);
    await tap(page, '#find');
    expect(rowAction(page, '#found')!.dom!.textContent).toBe('退款进度');
    rowAction(page, '#found')!.dispatchEvent('tap');
    await flush();
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/refund/index?orderId=WAITINGORDER1' });
  });

  test('refund, collect by QR code: each its own page, opened with real navigation', async () => {
    const wxMock = installWx({ merchantSummary: summary });
    const page = await openPage(merchantPage);
    rowAction(page, '#recent-1')!.dispatchEvent('tap');
    await flush();
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/refund/index?orderId=ord_b' });
    await tap(page, '#collect');
    expect(wxMock.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/collect/index' });
  });

  test('back on the page (after a refund), the figures are read again', async () => {
    const wxMock = installWx({ merchantSummary: summary });
    const page = await openPage(merchantPage);
    await show(page);
    expect(calls(wxMock, 'merchantSummary')).toEqual([{}, {}]);
  });

  test('an order is found by its number, whatever its day, and can be refunded from there', async () => {
    const wxMock = installWx({
      merchantSummary: (event: MerchantSummaryEvent) =>
        event.orderId === oldOrder.orderId ? { ok: true, role: 'owner', today, recent, order: oldOrder } : event.orderId ? { ok: false, code: 'NOT_FOUND', message: '' } : summary(),
    });
    const page = await openPage(merchantPage);

    await typeOrderNumber(page, 'not a number!');
    await tap(page, '#find');
    expect(text(page, '#find-error')).toBe('订单号由字母和数字组成，请核对后重试。');
    expect(calls(wxMock, 'merchantSummary')).toHaveLength(1);

    await typeOrderNumber(page, 'NOSUCHORDER');
    await tap(page, '#find');
    expect(text(page, '#find-error')).toBe('找不到这笔订单，请核对订单号。');

    await typeOrderNumber(page, ' k7q2m9x4c1vb8n3t6r5w0zj4hpld ');
    expect(exists(page, '#find-error')).toBe(false);
    await tap(page, '#find');
    expect(calls(wxMock, 'merchantSummary')[2]).toEqual({ orderId: 'K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD' });
    expect(text(page, '#found')).toContain('CAD 42.00');
    expect(text(page, '#found')).toContain('2024-04-0');
    rowAction(page, '#found')!.dispatchEvent('tap');
    await flush();
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/refund/index?orderId=K7Q2M9X4C1VB8N3T6R5W0ZJ4HPLD' });
  });

  test('a failed refresh keeps the figures, says so at the top, and Retry refreshes', async () => {
    const wxMock = installWx({ merchantSummary: summary });
    const page = await openPage(merchantPage);
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    await tap(page, '#refresh');
    expect(text(page, '#refresh-error')).toContain('网络连接不稳定');
    expect(text(page, '#gross')).toBe('CAD 65.50');
    await tap(page, '#retry');
    expect(exists(page, '#refresh-error')).toBe(false);
    expect(calls(wxMock, 'merchantSummary')).toHaveLength(3);
  });

  test('in English, and every control labelled', async () => {
    installWx({ merchantSummary: summary }, 'en');
    const page = await openPage(merchantPage);
    expect(text(page, '#today')).toContain('Today, 2024-05-01');
    expect(text(page, '#gross')).toBe('CAD 65.50');
    expect(text(page, '#today')).toContain('Received');
    expect(text(page, '#recent-2')).toContain('Not paid');
    expect(attr(page, '#find-input', 'placeholder')).toBe('Order number');
    for (const control of tappables(page)) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));

    installWx({}, 'en');
    const stranger = await openPage(merchantPage);
    expect(text(stranger, '#forbidden')).toContain('For shop staff only');
  });
});

describe('merchant page: the staff list', () => {
  test('an owner has a Staff button to the staff list; other staff do not', async () => {
    const wxMock = installWx({ merchantSummary: summary });
    const owner = await openPage(merchantPage);
    await tap(owner, '#staff');
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/staff/index' });

    installWx({ merchantSummary: () => ({ ok: true, role: 'staff', today, recent }) });
    const cashier = await openPage(merchantPage);
    expect(exists(cashier, '#collect')).toBe(true);
    expect(exists(cashier, '#staff')).toBe(false);
  });
});
