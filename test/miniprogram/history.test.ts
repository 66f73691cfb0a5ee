import type { ListPaymentsEvent, OrderView } from '../../typings/payments';
import { readFileSync } from 'fs';
import { join } from 'path';
import { calls, clearPageStack, exists, find, flush, installWx, loadPage, MINIPROGRAM_ROOT, openPage, order, pageStack, tap, tappables, text } from './helpers';

const historyPage = loadPage('history');

function day(n: number, state: OrderView['state'] = 'PAID'): OrderView {
  return order({ orderId: `ord_${n}`, state, totalCents: n * 100, createdAt: `2024-05-${String(n).padStart(2, '0')}T12:00:00Z` });
}

type Page = Awaited<ReturnType<typeof openPage>>;
/** Whether `first` appears above `second` on the page. */
function shownBefore(page: Page, first: string, second: string): boolean {
  const all = page.dom?.textContent ?? '';
  return all.includes(first) && all.includes(second) && all.indexOf(first) < all.indexOf(second);
}

const pageInstance = (page: Page) => page.instance as unknown as { onReachBottom(): void; onPullDownRefresh(): Promise<void> };

afterEach(() => clearPageStack());

describe('history page', () => {
  test('lists the payer payments newest first with state labels, and opens one', async () => {
    const wxMock = installWx({ listPayments: () => ({ ok: true, orders: [day(3, 'REFUNDED'), day(5), day(4, 'CLOSED'), day(2, 'PAYING'), day(1, 'CREATED')] }) });
    const page = await openPage(historyPage);
    expect(text(page, '#order-0')).toContain('CAD 5.00');
    expect(text(page, '#order-0')).toContain('已支付');
    expect(text(page, '#order-0')).toContain('ord_ 5');
    expect(text(page, '#order-1')).toContain('已关闭');
    expect(text(page, '#order-2')).toContain('已退款');
    expect(text(page, '#order-3')).toContain('未支付');
    expect(text(page, '#order-4')).toContain('未支付');
    expect(text(page, '#order-3')).not.toContain('支付中');
    expect(text(page, '#no-more')).toBe('没有更多了');

    find(page, '#order-1').querySelector('.order')?.dispatchEvent('tap');
    await flush();
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/result/index?orderId=ord_4&from=history' });
  });

  test('pages with "load more" and on reaching the bottom', async () => {
    const wxMock = installWx({
      listPayments: (event: ListPaymentsEvent) => {
        if (!event.cursor) return { ok: true, orders: [day(9), day(8)], nextCursor: 'c1' };
        if (event.cursor === 'c1') return { ok: true, orders: [day(7), day(6)], nextCursor: 'c2' };
        return { ok: true, orders: [day(5)] };
      },
    });
    const page = await openPage(historyPage);
    expect(page.querySelectorAll('.list__item')).toHaveLength(2);
    await tap(page, '#load-more');
    expect(page.querySelectorAll('.list__item')).toHaveLength(4);
    pageInstance(page).onReachBottom();
    await flush();
    expect(page.querySelectorAll('.list__item')).toHaveLength(5);
    expect(exists(page, '#load-more')).toBe(false);
    pageInstance(page).onReachBottom();
    await flush();
    expect(calls(wxMock, 'listPayments')).toEqual([{ pageSize: 20 }, { pageSize: 20, cursor: 'c1' }, { pageSize: 20, cursor: 'c2' }]);
    expect(text(page, '#order-4')).toContain('CAD 5.00');
  });

  test('pull to refresh reloads the first page and stops the spinner', async () => {
    let orders = [day(1)];
    const wxMock = installWx({ listPayments: () => ({ ok: true, orders }) });
    const page = await openPage(historyPage);
    expect(page.querySelectorAll('.list__item')).toHaveLength(1);
    orders = [day(2), day(1)];
    await pageInstance(page).onPullDownRefresh();
    await flush();
    expect(page.querySelectorAll('.list__item')).toHaveLength(2);
    expect(text(page, '#order-0')).toContain('CAD 2.00');
    expect(wxMock.stopPullDownRefresh).toHaveBeenCalled();
  });

  test('the empty state leads to Pay', async () => {
    const wxMock = installWx({ listPayments: () => ({ ok: true, orders: [] }) });
    pageStack('pages/pay/index', 'pages/history/index');
    const page = await openPage(historyPage);
    expect(text(page, '#empty')).toContain('还没有支付记录');
    await tap(page, '#go-pay');
    expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });

    pageStack('pages/history/index');
    await tap(page, '#go-pay');
    expect(wxMock.reLaunch).toHaveBeenCalledWith({ url: '/pages/pay/index' });
  });

  test('a new member of staff, not staff yet, reaches the merchant page (and their user id) from here', async () => {
    const wxMock = installWx({ listPayments: () => ({ ok: true, orders: [] }) });
    const page = await openPage(historyPage);
    expect(text(page, '#staff-entry')).toBe('本店员工入口');
    await tap(page, '#staff-entry');
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/index' });
  });

  test('a first load that fails says so with Retry, which loads', async () => {
    const wxMock = installWx({ listPayments: () => ({ ok: true, orders: [day(1)] }) });
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    const page = await openPage(historyPage);
    expect(text(page, '#error')).toContain('网络连接不稳定');
    await tap(page, '#retry');
    expect(exists(page, '#error')).toBe(false);
    expect(page.querySelectorAll('.list__item')).toHaveLength(1);
  });

  test('a failed pull-to-refresh shows at the top, where the person looks, and Retry refreshes', async () => {
    let orders = [day(1)];
    const wxMock = installWx({ listPayments: () => ({ ok: true, orders, nextCursor: 'c1' }) });
    const page = await openPage(historyPage);
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    await pageInstance(page).onPullDownRefresh();
    await flush();
    expect(text(page, '#error')).toContain('网络连接不稳定');
    expect(shownBefore(page, '网络连接不稳定', 'CAD 1.00')).toBe(true);
    expect(page.querySelectorAll('.list__item')).toHaveLength(1);

    orders = [day(2), day(1)];
    await tap(page, '#retry');
    expect(calls(wxMock, 'listPayments')).toEqual([{ pageSize: 20 }, { pageSize: 20 }, { pageSize: 20 }]);
    expect(page.querySelectorAll('.list__item')).toHaveLength(2);
    expect(exists(page, '#error')).toBe(false);
  });

  test('a failed "load more" shows at the bottom, and Retry loads that page', async () => {
    const wxMock = installWx({
      listPayments: (event: ListPaymentsEvent) => (event.cursor ? { ok: true, orders: [day(1)] } : { ok: true, orders: [day(3), day(2)], nextCursor: 'c1' }),
    });
    const page = await openPage(historyPage);
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    await tap(page, '#load-more');
    expect(text(page, '#error')).toContain('网络连接不稳定');
    expect(shownBefore(page, 'CAD 2.00', '网络连接不稳定')).toBe(true);
    await tap(page, '#retry');
    expect(calls(wxMock, 'listPayments')).toEqual([{ pageSize: 20 }, { pageSize: 20, cursor: 'c1' }, { pageSize: 20, cursor: 'c1' }]);
    expect(page.querySelectorAll('.list__item')).toHaveLength(3);
  });

  test('in English, and every control labelled', async () => {
    installWx({ listPayments: () => ({ ok: true, orders: [day(2, 'PARTIALLY_REFUNDED')], nextCursor: 'c' }) }, 'en');
    const page = await openPage(historyPage);
    expect(text(page, '#order-0')).toContain('Partly refunded');
    expect(text(page, '#order-0')).not.toContain('Paying');
    expect(text(page, '#load-more')).toBe('Load more');
    const controls = tappables(page);
    expect(controls.length).toBeGreaterThanOrEqual(2);
    for (const control of controls) expect(control.ariaLabel).toEqual(expect.stringMatching(/\S/));
  });
});

test.each(['history', 'result', 'refund', 'merchant'] as const)('the %s page has one Chinese name: the title before the page loads is the one it sets', async (name) => {
  const wxMock = installWx({});
  await openPage(name === 'history' ? historyPage : loadPage(name), name === 'merchant' || name === 'history' ? undefined : { orderId: 'ord_1' });
  const json = JSON.parse(readFileSync(join(MINIPROGRAM_ROOT, 'pages', name, 'index.json'), 'utf8')) as { navigationBarTitleText: string };
  expect(wxMock.setNavigationBarTitle).toHaveBeenCalledWith({ title: json.navigationBarTitleText });
  expect(json.navigationBarTitleText).not.toMatch(/。$/);
});
