import { forgetAttempt, pay, watchLatePayment } from '../../miniprogram/services/checkout';
import { CALL_TIMEOUT_MS, callFunction } from '../../miniprogram/services/cloud';
import { brightScreen, copyText, releaseScreen } from '../../miniprogram/services/device';
import { goBack, goToPay } from '../../miniprogram/services/navigation';
import { confirmDialog } from '../../miniprogram/services/dialog';
import { collectByQr, getMerchantSummary, refundPayment } from '../../miniprogram/services/merchant';
import { createPayment, listPayments, queryPayment, requestPayment } from '../../miniprogram/services/payments';
import { pollOrder } from '../../miniprogram/services/poll';
import { getExchangeRateE8 } from '../../miniprogram/services/rate';
import type { Backoff } from '../../miniprogram/utils/backoff';
import { calls, clearPageStack, installWx, order, PAYMENT, pageStack, useFakeClock, useRealClock } from './helpers';

afterEach(() => {
  useRealClock();
  clearPageStack();
});

describe('callFunction', () => {
  test('passes the event and returns the function result', async () => {
    const wxMock = installWx({ queryPayment: () => ({ ok: true, order: order() }) });
    const result = await callFunction('queryPayment', { orderId: 'ord_0001' });
    expect(result).toEqual({ ok: true, order: order() });
    expect(wxMock.cloud.callFunction).toHaveBeenCalledWith({ name: 'queryPayment', data: { orderId: 'ord_0001' } });
  });

  test('a function error comes back as it is', async () => {
    installWx({ createPayment: () => ({ ok: false, code: 'PAYMENT_PENDING', message: 'unknown', orderId: 'ord_9' }) });
    expect(await createPayment({ amountCents: 100, tipCents: 0, requestId: 'req_12345678' })).toEqual({
      ok: false,
      code: 'PAYMENT_PENDING',
      message: 'unknown',
      orderId: 'ord_9',
    });
  });

  test('a rejected call (network, timeout) becomes NETWORK', async () => {
    const wxMock = installWx({});
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -501001, errMsg: 'cloud.callFunction:fail request:fail timeout' });
    const result = await queryPayment('ord_1');
    expect(result).toMatchObject({ ok: false, code: 'NETWORK' });
    expect(result.ok === false && result.message).toContain('timeout');
  });

  test('in DevTools, with the sample environment id still in config.ts, a failed call is the configuration, not the network', async () => {
    const wxMock = installWx({});
    wxMock.getDeviceInfo.mockReturnValue({ platform: 'devtools' });
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -501000, errMsg: 'cloud.callFunction:fail Environment not found' });
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const result = await queryPayment('ord_1');
      expect(result).toMatchObject({ ok: false, code: 'CONFIGURATION_ERROR', message: expect.stringContaining('miniprogram/config.ts still holds the sample cloudEnv') });
      expect(error).toHaveBeenCalledWith(expect.stringContaining('put your environment id there'));
    } finally {
      error.mockRestore();
    }
  });

  test('no wx.cloud is a NETWORK failure, not a crash', async () => {
    installWx({});
    const cloud = wx.cloud;
    (wx as { cloud?: unknown }).cloud = undefined;
    try {
      expect(await queryPayment('ord_1')).toMatchObject({ ok: false, code: 'NETWORK' });
    } finally {
      (wx as { cloud?: unknown }).cloud = cloud;
    }
  });

  test('an answer that is not a result is SERVICE_UNAVAILABLE', async () => {
    const wxMock = installWx({});
    wxMock.cloud.callFunction.mockResolvedValueOnce({ errMsg: 'cloud.callFunction:ok', result: 'oops' });
    expect(await queryPayment('ord_1')).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
  });

  test('a call that never answers times out as NETWORK', async () => {
    useFakeClock();
    const wxMock = installWx({});
    wxMock.cloud.callFunction.mockReturnValueOnce(new Promise(() => undefined));
    const pending = queryPayment('ord_1');
    await jest.advanceTimersByTimeAsync(CALL_TIMEOUT_MS);
    expect(await pending).toMatchObject({ ok: false, code: 'NETWORK' });
  });

  test('verb-named wrappers send the contract events', async () => {
    const wxMock = installWx({
      listPayments: () => ({ ok: true, orders: [] }),
      refund: () => ({ ok: false, code: 'FORBIDDEN', message: '' }),
      collectByQr: () => ({ ok: false, code: 'FORBIDDEN', message: '' }),
    });
    await listPayments();
    await listPayments('cur_2', 10);
    await getMerchantSummary();
    await getMerchantSummary('K7Q2');
    await refundPayment({ orderId: 'o', amountCents: 5, requestId: 'req_12345678' });
    await collectByQr({ amountCents: 700, requestId: 'req_87654321' });
    expect(calls(wxMock, 'listPayments')).toEqual([{ pageSize: 20 }, { pageSize: 10, cursor: 'cur_2' }]);
    expect(calls(wxMock, 'merchantSummary')).toEqual([{}, { orderId: 'K7Q2' }]);
    expect(calls(wxMock, 'refund')).toEqual([{ orderId: 'o', amountCents: 5, requestId: 'req_12345678' }]);
    expect(calls(wxMock, 'collectByQr')).toEqual([{ amountCents: 700, requestId: 'req_87654321' }]);
  });
});

describe('requestPayment', () => {
  test('success, cancel and failure are told apart, and the parameters passed as signed', async () => {
    const wxMock = installWx({});
    expect(await requestPayment(PAYMENT)).toBe('ok');
    expect(wxMock.requestPayment).toHaveBeenCalledWith(expect.objectContaining(PAYMENT));

    wxMock.requestPayment.mockImplementationOnce((o: { fail(e: unknown): void }) => o.fail({ errMsg: 'requestPayment:fail cancel' }));
    expect(await requestPayment(PAYMENT)).toBe('cancel');

    wxMock.requestPayment.mockImplementationOnce((o: { fail(e: unknown): void }) => o.fail({ errMsg: 'requestPayment:fail (detail message)' }));
    expect(await requestPayment(PAYMENT)).toBe('fail');

    wxMock.requestPayment.mockImplementationOnce(() => {
      throw new Error('not supported');
    });
    expect(await requestPayment(PAYMENT)).toBe('fail');
  });
});

describe('exchange rate', () => {
  test('a rate, or null when unavailable', async () => {
    installWx({ exchangeRate: () => ({ ok: true, currency: 'CAD', rateE8: 520000000, fetchedAt: '2024-05-01T00:00:00Z' }) });
    expect(await getExchangeRateE8()).toBe(520000000);
    installWx({});
    expect(await getExchangeRateE8()).toBeNull();
  });
});

describe('confirmDialog', () => {
  test('yes only on confirm, and says when the dialog could not be shown', async () => {
    const wxMock = installWx({});
    expect(await confirmDialog({ title: 't', content: 'c', confirmText: 'y', cancelText: 'n' })).toBe('no');
    wxMock.showModal.mockImplementationOnce((o: { success(r: unknown): void }) => o.success({ confirm: true, cancel: false }));
    expect(await confirmDialog({ title: 't', content: 'c', confirmText: 'y', cancelText: 'n' })).toBe('yes');
    wxMock.showModal.mockImplementationOnce((o: { fail(r: unknown): void }) => o.fail({ errMsg: 'showModal:fail' }));
    expect(await confirmDialog({ title: 't', content: 'c', confirmText: 'y', cancelText: 'n' })).toBe('failed');
  });
});

describe('pollOrder', () => {
  const backoff: Backoff = { initialMs: 1000, factor: 2, capMs: 4000, totalMs: 10000 };

  /** A clock that moves only when the poller sleeps. */
  function fakeTime() {
    let now = 0;
    const slept: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
      slept,
    };
  }

  test('asks until the order settles, growing the delay', async () => {
    const states = ['PAYING', 'PAYING', 'PAYING', 'PAID'] as const;
    let i = 0;
    installWx({ queryPayment: () => ({ ok: true, order: order({ state: states[i++] }) }) });
    const time = fakeTime();
    const seen: string[] = [];
    const outcome = await pollOrder('ord_0001', { backoff, ...time, onUpdate: (o) => seen.push(o.state) });
    expect(outcome).toMatchObject({ kind: 'settled', order: { state: 'PAID' } });
    expect(time.slept).toEqual([1000, 2000, 4000]);
    expect(seen).toEqual(['PAYING', 'PAYING', 'PAYING', 'PAID']);
  });

  test('gives up at the time limit with the last state seen', async () => {
    installWx({ queryPayment: () => ({ ok: true, order: order({ state: 'PAYING' }) }) });
    const time = fakeTime();
    const outcome = await pollOrder('ord_0001', { backoff, ...time });
    expect(outcome).toMatchObject({ kind: 'timeout', order: { state: 'PAYING' } });
    expect(time.slept.reduce((a, b) => a + b, 0)).toBe(10000);
  });

  test('with a steady pace, says once that the time is up and keeps asking until the order settles', async () => {
    let asked = 0;
    installWx({ queryPayment: () => ({ ok: true, order: order({ state: ++asked < 12 ? 'PAYING' : 'CLOSED' }) }) });
    const time = fakeTime();
    const waited: number[] = [];
    const outcome = await pollOrder('ord_0001', { backoff: { ...backoff, steadyMs: 8000 }, ...time, onWaiting: () => waited.push(time.now()) });
    expect(outcome).toMatchObject({ kind: 'settled', order: { state: 'CLOSED' } });
    expect(waited).toEqual([10000]);
    expect(time.slept).toEqual([1000, 2000, 4000, 3000, 4000, 4000, 4500, 5625, 7031, 8000, 8000]);
  });

  test('network failures and BUSY are retried, and reported as they happen; NOT_FOUND stops', async () => {
    const wxMock = installWx({ queryPayment: () => ({ ok: true, order: order() }) });
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'fail' });
    wxMock.cloud.callFunction.mockResolvedValueOnce({ result: { ok: false, code: 'BUSY', message: '' } });
    const retrying: string[] = [];
    expect(await pollOrder('ord_0001', { backoff, ...fakeTime(), onRetrying: (failure) => retrying.push(failure.code) })).toMatchObject({ kind: 'settled' });
    expect(retrying).toEqual(['NETWORK', 'BUSY']);

    installWx({ queryPayment: () => ({ ok: false, code: 'NOT_FOUND', message: 'no' }) });
    expect(await pollOrder('ord_0001', { backoff, ...fakeTime() })).toMatchObject({ kind: 'error', failure: { code: 'NOT_FOUND' } });
  });

  test('stops when cancelled', async () => {
    installWx({ queryPayment: () => ({ ok: true, order: order({ state: 'PAYING' }) }) });
    let cancelled = false;
    const time = fakeTime();
    const outcome = await pollOrder('ord_0001', {
      backoff,
      now: time.now,
      sleep: async (ms) => {
        await time.sleep(ms);
        cancelled = true;
      },
      isCancelled: () => cancelled,
    });
    expect(outcome).toEqual({ kind: 'cancelled' });
  });
});

describe('checkout', () => {
  const created = { ok: true as const, orderId: 'ord_1', payment: PAYMENT };
  type Event = { requestId: string };

  test('the same amounts keep their request while the wallet is closed unpaid; a paid wallet or new amounts start afresh', async () => {
    const wxMock = installWx({ createPayment: () => created });
    const owner = {};
    wxMock.requestPayment.mockImplementationOnce((o: { fail(e: unknown): void }) => o.fail({ errMsg: 'requestPayment:fail cancel' }));
    expect(await pay(owner, 500, 50)).toEqual({ kind: 'walletClosed', orderId: 'ord_1', wallet: 'cancel' });
    expect(await pay(owner, 500, 50)).toEqual({ kind: 'walletPaid', orderId: 'ord_1' });
    await pay(owner, 500, 50);
    await pay(owner, 500, 75);
    forgetAttempt(owner);
    await pay(owner, 500, 75);
    const ids = (calls(wxMock, 'createPayment') as Event[]).map((e) => e.requestId);
    expect(ids[1]).toBe(ids[0]);
    expect(new Set(ids.slice(1)).size).toBe(4);
  });

  test('a failure is reported with its code; only a retryable one keeps the request', async () => {
    const wxMock = installWx({ createPayment: () => ({ ok: false, code: 'INVALID_TIP', message: '' }) });
    wxMock.cloud.callFunction.mockRejectedValueOnce({ errCode: -1, errMsg: 'cloud.callFunction:fail' });
    const owner = {};
    expect(await pay(owner, 500, 0)).toEqual({ kind: 'failed', code: 'NETWORK' });
    expect(await pay(owner, 500, 0)).toEqual({ kind: 'failed', code: 'INVALID_TIP' });
    await pay(owner, 500, 0);
    const ids = (calls(wxMock, 'createPayment') as Event[]).map((e) => e.requestId);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[1]);
  });

  test('a late payment is found; an order that stays unpaid or closes is not', async () => {
    useFakeClock();
    installWx({ queryPayment: () => ({ ok: true, order: order({ state: 'PAID' }) }) });
    await expect(watchLatePayment('ord_1', () => false)).resolves.toMatchObject({ state: 'PAID' });
    installWx({ queryPayment: () => ({ ok: true, order: order({ state: 'CLOSED' }) }) });
    await expect(watchLatePayment('ord_1', () => false)).resolves.toBeNull();
    installWx({ queryPayment: () => ({ ok: true, order: order({ state: 'PAYING' }) }) });
    const watching = watchLatePayment('ord_1', () => false);
    await jest.advanceTimersByTimeAsync(61_000);
    await expect(watching).resolves.toBeNull();
  });
});

describe('device and navigation', () => {
  test('copy, and a screen kept on and bright until released, then as it was', async () => {
    const wxMock = installWx({});
    expect(await copyText('ord_1')).toBe(true);
    expect(wxMock.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'ord_1' }));
    brightScreen();
    expect(wxMock.setKeepScreenOn).toHaveBeenCalledWith({ keepScreenOn: true });
    expect(wxMock.setScreenBrightness).toHaveBeenCalledWith({ value: 1 });
    releaseScreen();
    expect(wxMock.setKeepScreenOn).toHaveBeenLastCalledWith({ keepScreenOn: false });
    expect(wxMock.setScreenBrightness).toHaveBeenLastCalledWith({ value: 0.4 });
  });

  test('back to Pay when it is underneath, a fresh Pay page otherwise', () => {
    const wxMock = installWx({});
    pageStack('pages/pay/index', 'pages/result/index');
    goToPay();
    expect(wxMock.navigateBack).toHaveBeenCalledWith({ delta: 1 });
    pageStack('pages/history/index', 'pages/result/index');
    goToPay();
    expect(wxMock.reLaunch).toHaveBeenCalledWith({ url: '/pages/pay/index' });
    goBack('/pages/merchant/index');
    expect(wxMock.navigateBack).toHaveBeenCalledTimes(2);
    pageStack('pages/refund/index');
    goBack('/pages/merchant/index');
    expect(wxMock.reLaunch).toHaveBeenLastCalledWith({ url: '/pages/merchant/index' });
  });
});
