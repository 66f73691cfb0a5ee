const PAY_ROUTE = 'pages/pay/index';

function previousRoute(): string | undefined {
  if (typeof getCurrentPages !== 'function') return undefined;
  const pages = getCurrentPages();
  return pages.length > 1 ? pages[pages.length - 2]?.route : undefined;
}

/** Back to the Pay page under this one, or a fresh Pay page when it is not there. */
export function goToPay(): void {
  if (previousRoute() === PAY_ROUTE) wx.navigateBack({ delta: 1 });
  else wx.reLaunch({ url: `/${PAY_ROUTE}` });
}

/** Back to the page under this one, or to `fallback` when this page was opened on its own. */
export function goBack(fallback: string): void {
  if (previousRoute() !== undefined) wx.navigateBack({ delta: 1 });
  else wx.reLaunch({ url: fallback });
}

export function openResult(orderId: string, from: 'pay' | 'history'): void {
  wx.navigateTo({ url: `/pages/result/index?orderId=${encodeURIComponent(orderId)}&from=${from}` });
}

/** My payments: back to it when this page was opened from there, otherwise in place of this page. */
export function openHistory(fromHistory: boolean): void {
  if (fromHistory) goBack('/pages/history/index');
  else wx.redirectTo({ url: '/pages/history/index' });
}
