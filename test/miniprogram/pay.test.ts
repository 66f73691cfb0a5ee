import type { OrderState } from '../../typings/payments';
import { config } from '../../miniprogram/config';
import {
  actionKey,
  attr,
  calls,
  elapse,
  exists,
  find,
  flush,
  installWx,
  key,
  loadPage,
  openPage,
  order,
  PAYMENT,
  show,
  tap,
  tapAction,
  tappables,
  text,
  typeKeys,
  useFakeClock,
  useRealClock,
} from './helpers';

const payPage = loadPage('pay');

type CreateEvent = { amountCents: number; tipCents: number; requestId: string };

const RATE = { ok: true as const, currency: 'CAD' as const, rateE8: 523456789, fetchedAt: '2024-05-01T00:00:00Z' };
const created = { ok: true as const, orderId: 'ord_1', payment: PAYMENT };
const cancelWallet = (o: { fail(e: unknown): void }) => o.fail({ errMsg: 'requestPayment:fail cancel' });
const queryAnswers = (...states: OrderState[]) => {
  let i = 0;
  return () => ({ ok: true as const, order: order({ orderId: 'ord_1', state: states[Math.min(i++, states.length - 1)], amountCents: 1999, tipCents: 300, totalCents: 2299 }) });
};
const requestIds = (wxMock: ReturnType<typeof installWx>) => (calls(wxMock, 'createPayment') as CreateEvent[]).map((e) => e.requestId);
const messageTone = (page: Awaited<ReturnType<typeof openPage>>) => String(attr(page, '#message', 'class'));
/** The Pay key's words, with its non-breaking spaces read as spaces. */
const payKey = (page: Awaited<ReturnType<typeof openPage>>) => {
  const { text: words, disabled } = actionKey(page);
  return { text: words.replace(/\u00a0/g, ' '), disabled };
};
const confirmModal = (wxMock: ReturnType<typeof installWx>) =>
  wxMock.showModal.mockImplementationOnce((options: { success?: (r: unknown) => void }) => options.success?.({ confirm: true, cancel: false }));

afterEach(() => useRealClock());

describe('pay page', () => {
  test('happy path: the shop, the amount, a tip, Pay with the total, the wallet, then the Result page', async () => {
    const wxMock = installWx({ createPayment: () => created, exchangeRate: () => RATE });
    const page = await openPage(payPage);
    expect(text(page, '#merchant-name')).toBe('枫叶咖啡示例');
    expect(actionKey(page)).toEqual({ text: '支付', disabled: true });

    await typeKeys(page, '19.99');
    expect(text(page, '#amount-value')).toBe('19.99');
    await tap(page, '#tip-15');
    expect(text(page, '#tip-text')).toBe('CAD 3.00');
    expect(text(page, '#total-text')).toBe('CAD 22.99');
    expect(text(page, '#cny-text')).toBe('约 ¥120.34（估算）');
    expect(payKey(page)).toEqual({ text: '支付 CAD 19.99 +小费 3.00', disabled: false });
    expect(attr(page, '#tip-15', 'class')).not.toContain('tip--disabled');

    await tapAction(page);
    const events = calls(wxMock, 'createPayment') as CreateEvent[];
    expect(events).toEqual([{ amountCents: 1999, tipCents: 300, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) }]);
    expect(wxMock.requestPayment).toHaveBeenCalledWith(expect.objectContaining(PAYMENT));
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/result/index?orderId=ord_1&from=pay' });
    expect(text(page, '#amount-value')).toBe('0.00');
  });

  test('back from a paid result: the form is fresh, it says what was paid, and one more tap pays nothing', async () => {
    const wxMock = installWx({ createPayment: () => created, exchangeRate: () => RATE, queryPayment: queryAnswers('PAID') });
    const page = await openPage(payPage);
    await typeKeys(page, '19.99');
    await tap(page, '#tip-15');
    await tapAction(page);
    expect(wxMock.navigateTo).toHaveBeenCalledTimes(1);

    await show(page);
    expect(text(page, '#amount-value')).toBe('0.00');
    expect(text(page, '#total-text')).toBe('—');
    expect(text(page, '#message-text')).toBe('已支付 CAD 22.99。再付一笔请输入新金额。');
    expect(actionKey(page).disabled).toBe(true);
    await tapAction(page);
    await tapAction(page);
    expect(calls(wxMock, 'createPayment')).toHaveLength(1);
    expect(wxMock.requestPayment).toHaveBeenCalledTimes(1);

    await tap(page, '#message-link');
    expect(wxMock.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/result/index?orderId=ord_1&from=pay' });

    await typeKeys(page, '5');
    expect(text(page, '#message-text')).toBe('金额最多 CAD 10,000.00，不含小费');
    await tapAction(page);
    const ids = requestIds(wxMock);
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(ids[0]);
  });

  test('back from a result still being confirmed: fresh form and "do not pay again"', async () => {
    installWx({ createPayment: () => created, queryPayment: queryAnswers('PAYING') });
    const page = await openPage(payPage);
    await typeKeys(page, '19.99');
    await tap(page, '#tip-15');
    await tapAction(page);
    await show(page);
    expect(text(page, '#amount-value')).toBe('0.00');
    expect(text(page, '#message-text')).toBe('CAD 22.99 正在确认，请勿重复支付。');
    expect(actionKey(page).disabled).toBe(true);
  });

  test('the note about the last payment reads as a status, not as the grey limit hint', async () => {
    const states: OrderState[] = ['PAID', 'PAYING', 'CLOSED'];
    const tones: string[] = [];
    for (const state of states) {
      installWx({ createPayment: () => created, queryPayment: queryAnswers(state) });
      const page = await openPage(payPage);
      expect(messageTone(page)).toContain('message--hint');
      await typeKeys(page, '19.99');
      await tapAction(page);
      await show(page);
      tones.push(messageTone(page).replace(/.*message--(\w+).*/, '$1'));
    }
    expect(tones).toEqual(['success', 'warn', 'warn']);
  });

  test('back from a result that was not paid: the amount and tip come back, and paying again is a new payment', async () => {
    const wxMock = installWx({ createPayment: () => created, queryPayment: queryAnswers('CLOSED') });
    const page = await openPage(payPage);
    await typeKeys(page, '19.99');
    await tap(page, '#tip-15');
    await tapAction(page);
    await show(page);
    expect(text(page, '#amount-value')).toBe('19.99');
    expect(text(page, '#total-text')).toBe('CAD 22.99');
    expect(text(page, '#message-text')).toBe('上一笔 CAD 22.99 未支付，金额已保留。');
    await tapAction(page);
    const ids = requestIds(wxMock);
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(ids[0]);
  });

  test('cancel in the wallet: back on Pay with the amount kept; Pay reopens the same order', async () => {
    useFakeClock();
    const wxMock = installWx({ createPayment: () => created, queryPayment: queryAnswers('PAYING') });
    wxMock.requestPayment.mockImplementation(cancelWallet);
    const page = await openPage(payPage);
    await typeKeys(page, '19.99');
    await tap(page, '#tip-15');
    await tapAction(page);
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    expect(text(page, '#amount-value')).toBe('19.99');
    expect(text(page, '#message-text')).toBe('已取消支付，没有扣款。金额已保留，可再点「支付」。');
    expect(payKey(page)).toEqual({ text: '支付 CAD 19.99 +小费 3.00', disabled: false });

    await tapAction(page);
    const ids = requestIds(wxMock);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(wxMock.requestPayment).toHaveBeenCalledTimes(2);
  });

  test('cancel in the wallet, then the payment goes through after all: it is checked quietly and shown', async () => {
    useFakeClock();
    const wxMock = installWx({ createPayment: () => created, queryPayment: queryAnswers('PAYING', 'PAYING', 'PAID') });
    wxMock.requestPayment.mockImplementation(cancelWallet);
    const page = await openPage(payPage);
    await typeKeys(page, '19.99');
    await tapAction(page);
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    await elapse(2000);
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    await elapse(3000);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(3);
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/result/index?orderId=ord_1&from=pay' });
    expect(text(page, '#amount-value')).toBe('0.00');
    await elapse(120000);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(3);
  });

  test('a cancelled payment that stays unpaid is checked for a minute, then left alone', async () => {
    useFakeClock();
    const wxMock = installWx({ createPayment: () => created, queryPayment: queryAnswers('PAYING') });
    wxMock.requestPayment.mockImplementation(cancelWallet);
    const page = await openPage(payPage);
    await typeKeys(page, '8');
    await tapAction(page);
    await elapse(60000);
    const asked = calls(wxMock, 'queryPayment').length;
    expect(asked).toBeGreaterThan(3);
    await elapse(60000);
    expect(calls(wxMock, 'queryPayment')).toHaveLength(asked);
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    expect(text(page, '#amount-value')).toBe('8');
  });

  test('a failed wallet: stays on Pay with the amount, and says what to do', async () => {
    const wxMock = installWx({ createPayment: () => created, queryPayment: queryAnswers('PAYING') });
    wxMock.requestPayment.mockImplementation((o: { fail(e: unknown): void }) => o.fail({ errMsg: 'requestPayment:fail system error' }));
    const page = await openPage(payPage);
    await typeKeys(page, '5');
    await tapAction(page);
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    expect(text(page, '#amount-value')).toBe('5');
    expect(text(page, '#message-text')).toBe('微信支付没有完成。请再点「支付」重试；如已扣款，本页会显示结果。');
    expect(messageTone(page)).toContain('message--error');
  });

  test('PAYMENT_PENDING keeps the payer on Pay, says nothing was charged, and the next tap retries the same request', async () => {
    let pending = true;
    const wxMock = installWx({
      createPayment: () => (pending ? { ok: false, code: 'PAYMENT_PENDING', message: 'OTT timeout', orderId: 'ord_p' } : created),
    });
    const page = await openPage(payPage);
    await typeKeys(page, '5');
    await tapAction(page);
    expect(wxMock.requestPayment).not.toHaveBeenCalled();
    expect(wxMock.navigateTo).not.toHaveBeenCalled();
    expect(text(page, '#message-text')).toBe('支付服务暂未响应，本次没有扣款。请稍后再点「支付」。');
    expect(messageTone(page)).toContain('message--error');
    pending = false;
    await tapAction(page);
    const ids = requestIds(wxMock);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(wxMock.requestPayment).toHaveBeenCalledTimes(1);
  });

  test('BUSY and SERVICE_UNAVAILABLE retry the same request too; a refusal does not', async () => {
    const answers = ['BUSY', 'SERVICE_UNAVAILABLE', 'PAYMENT_REJECTED', 'PAYMENT_REJECTED'];
    const wxMock = installWx({ createPayment: () => ({ ok: false, code: answers.shift() as 'BUSY', message: '' }) });
    const page = await openPage(payPage);
    await typeKeys(page, '12');
    for (let i = 0; i < 4; i++) await tapAction(page);
    const ids = requestIds(wxMock);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[2]);
    expect(text(page, '#message-text')).toBe('本次支付未被受理，没有扣款。请稍后再试；仍不成功请联系商家。');
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
    await tapAction(page);
    expect(text(page, '#message-text')).toBe('网络连接不稳定，请检查网络后重试。');

    await tapAction(page);
    await typeKeys(page, '3');
    expect(text(page, '#message-text')).toBe('金额最多 CAD 10,000.00，不含小费');
    await tapAction(page);
    fail = false;
    await tapAction(page);

    const sent = (calls(wxMock, 'createPayment') as CreateEvent[]).map((e) => [e.amountCents, e.requestId]);
    expect(sent).toHaveLength(4);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[2][0]).toBe(12300);
    expect(sent[2][1]).not.toBe(sent[0][1]);
    expect(sent[3]).toEqual(sent[2]);
    expect(wxMock.navigateTo).toHaveBeenCalledTimes(1);
  });

  test('a double tap creates one payment, and the keys rest while it is on its way', async () => {
    let answer: (value: typeof created) => void = () => undefined;
    const wxMock = installWx({ createPayment: () => new Promise((resolve) => (answer = resolve)) });
    const page = await openPage(payPage);
    await typeKeys(page, '8');
    key(page, '#key-action').dispatchEvent('tap');
    key(page, '#key-action').dispatchEvent('tap');
    await flush();
    await tapAction(page);
    expect(actionKey(page)).toEqual({ text: '支付中', disabled: true });
    await typeKeys(page, '9');
    expect(text(page, '#amount-value')).toBe('8');
    answer(created);
    await flush();
    expect(calls(wxMock, 'createPayment')).toHaveLength(1);
    expect(wxMock.requestPayment).toHaveBeenCalledTimes(1);
    expect(wxMock.navigateTo).toHaveBeenCalledTimes(1);
  });

  test('the keypad only lets valid money through, and says why it refuses a key', async () => {
    const wxMock = installWx({ createPayment: () => created });
    const page = await openPage(payPage);
    await tapAction(page);
    expect(calls(wxMock, 'createPayment')).toHaveLength(0);

    await typeKeys(page, '00');
    expect(text(page, '#amount-value')).toBe('0');
    expect(actionKey(page).disabled).toBe(true);

    await typeKeys(page, '.5.5');
    expect(text(page, '#amount-value')).toBe('0.55');
    await typeKeys(page, '5');
    expect(text(page, '#amount-value')).toBe('0.55');
    expect(text(page, '#message-text')).toBe('最多输入两位小数');
    expect(messageTone(page)).toContain('message--error');

    await typeKeys(page, '<<<<');
    await typeKeys(page, '100000');
    expect(text(page, '#amount-value')).toBe('10000');
    expect(text(page, '#message-text')).toBe('超出上限：金额最多 CAD 10,000.00，不含小费');
    await typeKeys(page, '.01');
    expect(text(page, '#amount-value')).toBe('10000.0');
    expect(text(page, '#message-text')).toBe('超出上限：金额最多 CAD 10,000.00，不含小费');
    await typeKeys(page, '<<<<<<<');
    expect(text(page, '#amount-value')).toBe('0.00');
    expect(text(page, '#message-text')).toBe('金额最多 CAD 10,000.00，不含小费');
    expect(actionKey(page).disabled).toBe(true);
  });

  test('a custom tip is typed on the same keypad, into a field of its own with its label and currency', async () => {
    const wxMock = installWx({ createPayment: () => created });
    const page = await openPage(payPage);
    await typeKeys(page, '20');
    expect(text(page, '#tip-label')).toBe('小费');
    await tap(page, '#tip-custom');
    expect(text(page, '#tip-label')).toBe('自定义小费');
    expect(text(page, '#tip-text')).toBe('CAD0.00');
    expect(attr(page, '#tip-row', 'class')).toContain('tip-field--active');
    expect(attr(page, '#amount', 'class')).not.toContain('amount--active');
    await typeKeys(page, '2.5');
    expect(text(page, '#tip-value')).toBe('2.5');
    expect(text(page, '#tip-custom')).toBe('自定义');
    expect(text(page, '#amount-value')).toBe('20');
    expect(text(page, '#total-text')).toBe('CAD 22.50');
    expect(payKey(page).text).toBe('支付 CAD 20.00 +小费 2.50');
    await tap(page, '#amount');
    expect(attr(page, '#tip-row', 'class')).not.toContain('tip-field--active');
    expect(attr(page, '#amount', 'class')).toContain('amount--active');
    await typeKeys(page, '<');
    expect(text(page, '#total-text')).toBe('CAD 4.50');
    await tap(page, '#tip-0');
    await tapAction(page);
    expect(calls(wxMock, 'createPayment')).toEqual([expect.objectContaining({ amountCents: 200, tipCents: 0 })]);
  });

  test('rows that fill in later have their place from the start', async () => {
    installWx({ exchangeRate: () => RATE });
    const page = await openPage(payPage);
    const rows = ['#tip-text', '#total-text', '#cny-text', '#message'];
    for (const row of rows) expect(exists(page, row)).toBe(true);
    expect(text(page, '#cny-text')).toBe('');
    await typeKeys(page, '10');
    await tap(page, '#tip-custom');
    for (const row of rows) expect(exists(page, row)).toBe(true);
    expect(exists(page, '#custom-tip')).toBe(false);
  });

  test('without an exchange rate the page says so and still pays', async () => {
    installWx({});
    const page = await openPage(payPage);
    await typeKeys(page, '10');
    expect(text(page, '#cny-text')).toBe('暂无人民币估算，不影响支付');
    expect(actionKey(page).disabled).toBe(false);
  });

  test('the first screen says who the shop is, how to reach it and where its privacy guide is; it asks no staff-only function', async () => {
    const wxMock = installWx({});
    const page = await openPage(payPage);
    expect(text(page, '#about')).toBe('咖啡与烘焙 · 温哥华');
    expect(text(page, '#sample')).toBe('示例');
    expect(attr(page, '#contact', 'aria-label')).toBe('联系商家，电话 +1 604-555-0123');
    await tap(page, '#contact');
    expect(wxMock.makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '+1 604-555-0123' });
    await tap(page, '#privacy');
    expect(wxMock.openPrivacyContract).toHaveBeenCalledTimes(1);
    expect(wxMock.showToast).not.toHaveBeenCalled();
    // a base library without the privacy API, or a refusal: the payer is told
    wxMock.openPrivacyContract.mockImplementationOnce((options: { fail?: (r: unknown) => void }) => options.fail?.({ errMsg: 'openPrivacyContract:fail' }));
    await tap(page, '#privacy');
    expect(wxMock.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '暂时无法打开隐私指引，请稍后再试' }));
    await tap(page, '#history-link');
    expect(wxMock.navigateTo).toHaveBeenCalledWith({ url: '/pages/history/index' });
    expect(calls(wxMock, 'merchantSummary')).toEqual([]);
    // once an amount is typed the line above the keypad is the amount's
    await typeKeys(page, '12');
    expect(exists(page, '#privacy')).toBe(false);
  });

  test('in DevTools, a sample config.ts is listed for the developer above the form; on a phone it is not', async () => {
    const wxMock = installWx({});
    wxMock.getDeviceInfo.mockReturnValue({ platform: 'devtools' });
    const page = await openPage(payPage);
    expect(text(page, '#config-problems')).toContain('开发者请注意：miniprogram/config.ts 仍是示例配置');
    expect(text(page, '#config-problems')).toContain('cloudEnv: put your Cloud Development environment id');
    expect(text(page, '#config-problems')).toContain('about.en: ');

    installWx({});
    expect(exists(await openPage(payPage), '#config-problems')).toBe(false);
  });

  test('with a notice template: asked once on the Pay tap, before the wallet; a yes goes with the payment, a retry asks nothing', async () => {
    const saved = config.receiptTemplateId;
    config.receiptTemplateId = 'tmpl-payment-notice-0001';
    try {
      const wxMock = installWx({ createPayment: () => ({ ok: false, code: 'PAYMENT_PENDING', message: '' }), exchangeRate: () => RATE });
      const page = await openPage(payPage);
      await typeKeys(page, '12');
      await tapAction(page);
      expect(wxMock.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['tmpl-payment-notice-0001'] }));
      expect(wxMock.requestSubscribeMessage.mock.invocationCallOrder[0]).toBeLessThan(wxMock.cloud.callFunction.mock.invocationCallOrder.at(-1)!);
      expect((calls(wxMock, 'createPayment') as CreateEvent[])[0]).toMatchObject({ amountCents: 1200, receipt: true });
      // the same payment tried again: not asked again, still wanted
      await tapAction(page);
      expect(wxMock.requestSubscribeMessage).toHaveBeenCalledTimes(1);
      expect((calls(wxMock, 'createPayment') as CreateEvent[])[1]).toMatchObject({ receipt: true });

      // a payer who says no pays all the same, with no notice
      wxMock.requestSubscribeMessage.mockImplementationOnce((options: { tmplIds: string[]; success?: (r: Record<string, string>) => void }) => options.success?.({ [options.tmplIds[0]]: 'reject' }));
      await typeKeys(page, '5');
      await tapAction(page);
      expect(wxMock.requestSubscribeMessage).toHaveBeenCalledTimes(2);
      expect((calls(wxMock, 'createPayment') as CreateEvent[]).at(-1)).not.toHaveProperty('receipt');
    } finally {
      config.receiptTemplateId = saved;
    }
  });

  test('without a notice template nobody is asked', async () => {
    const wxMock = installWx({ createPayment: () => created, exchangeRate: () => RATE });
    const page = await openPage(payPage);
    await typeKeys(page, '12');
    await tapAction(page);
    expect(wxMock.requestSubscribeMessage).not.toHaveBeenCalled();
    expect((calls(wxMock, 'createPayment') as CreateEvent[])[0]).not.toHaveProperty('receipt');
  });

  test("a merchant's own configuration: no sample mark; WeChat customer service instead of a phone number", async () => {
    const saved = { ...config, merchantName: { ...config.merchantName }, about: { ...config.about }, contact: { ...config.contact } };
    Object.assign(config, { cloudEnv: 'shop-prod-1a2b3c', merchantName: { zh: '北岸面包', en: 'North Shore Bakery' }, about: { zh: '面包与咖啡', en: 'Bread & coffee' }, contact: { phone: '', customerService: true } });
    try {
      installWx({});
      const page = await openPage(payPage);
      expect(text(page, '#merchant-name')).toBe('北岸面包');
      expect(exists(page, '#sample')).toBe(false);
      expect(attr(page, '#contact', 'open-type')).toBe('contact');
      expect(attr(page, '#contact', 'aria-label')).toBe('在微信中联系商家客服');
    } finally {
      Object.assign(config, saved);
    }
  });

  test('in English', async () => {
    const wxMock = installWx({ exchangeRate: () => RATE, createPayment: () => ({ ok: false, code: 'SERVICE_UNAVAILABLE', message: '' }) }, 'en');
    const page = await openPage(payPage);
    expect(wxMock.setNavigationBarTitle).toHaveBeenCalledWith({ title: 'Pay' });
    expect(text(page, '#merchant-name')).toBe('Maple Leaf CaféSample');
    expect(text(page, '#about')).toBe('Coffee & pastries · Vancouver');
    expect(text(page, '#privacy')).toBe('Privacy');
    expect(text(page, '#tip-0')).toBe('No tip');
    expect(text(page, '#message-text')).toBe('Up to CAD 10,000.00, before tip');
    await typeKeys(page, '12.5');
    expect(payKey(page).text).toBe('Pay CAD 12.50');
    await tap(page, '#tip-10');
    expect(payKey(page).text).toBe('Pay CAD 12.50 + 1.25 tip');
    await tap(page, '#tip-0');
    expect(text(page, '#cny-text')).toBe('≈ CNY 65.43 (estimate)');
    await tapAction(page);
    expect(text(page, '#message-text')).toBe('The service is busy. Try again in a moment.');
  });

  test('every control has an aria-label, the keypad keys included', async () => {
    installWx({
      merchantSummary: () => ({ ok: true, role: 'owner', today: { date: '2024-05-01', paidCount: 0, grossCents: 0, refundedCents: 0, netCents: 0, reviewCount: 0, reviewHeldCents: 0 }, recent: [] }),
    });
    const page = await openPage(payPage);
    await tap(page, '#tip-custom');
    const controls = tappables(page);
    expect(controls.length).toBeGreaterThan(18);
    for (const control of controls) expect(control).toEqual(expect.objectContaining({ ariaLabel: expect.stringMatching(/\S/) }));
    await tap(page, '#amount');
    await typeKeys(page, '3');
    expect(String(key(page, '#key-action').toJSON().attrs.find((a) => a.name === 'ariaLabel')?.value).replace(/\u00a0/g, ' ')).toBe('支付 CAD 3.00');
  });

  test('a tip above 30 % of the amount is confirmed before paying; "change tip" goes back to it', async () => {
    const wxMock = installWx({ createPayment: () => created });
    const page = await openPage(payPage);
    await typeKeys(page, '20');
    await tap(page, '#tip-custom');
    await typeKeys(page, '100');
    expect(payKey(page).text).toBe('支付 CAD 20.00 +小费 100.00');
    await tapAction(page);
    expect(wxMock.showModal).toHaveBeenCalledTimes(1);
    const modal = wxMock.showModal.mock.calls[0][0] as { title: string; content: string; confirmText: string; cancelText: string };
    expect({ ...modal, title: modal.title.replace(/\u00a0/g, ' '), content: modal.content.replace(/\u00a0/g, ' ') }).toEqual(
      expect.objectContaining({ title: '小费 CAD 100.00？', content: '小费是金额 CAD 20.00 的 500%，合计 CAD 120.00。', confirmText: '确认支付', cancelText: '修改小费' }),
    );
    expect(calls(wxMock, 'createPayment')).toHaveLength(0);
    expect(attr(page, '#tip-row', 'class')).toContain('tip-field--active');
    await typeKeys(page, '<<');
    expect(text(page, '#tip-value')).toBe('1');

    await typeKeys(page, '<6');
    await tapAction(page);
    expect(wxMock.showModal).toHaveBeenCalledTimes(1);
    expect(calls(wxMock, 'createPayment')).toEqual([expect.objectContaining({ amountCents: 2000, tipCents: 600 })]);
  });

  test('a large tip the payer confirms is paid as typed', async () => {
    const wxMock = installWx({ createPayment: () => created });
    const page = await openPage(payPage);
    await typeKeys(page, '20');
    await tap(page, '#tip-custom');
    await typeKeys(page, '6.01');
    confirmModal(wxMock);
    await tapAction(page);
    expect(wxMock.showModal).toHaveBeenCalledTimes(1);
    expect(calls(wxMock, 'createPayment')).toEqual([expect.objectContaining({ amountCents: 2000, tipCents: 601 })]);
  });

  test('paying on a slow network: a spinner on the Pay key, the line above says what is happening, the chips rest visibly', async () => {
    let answer: (value: typeof created) => void = () => undefined;
    const wxMock = installWx({ createPayment: () => new Promise((resolve) => (answer = resolve)) }, 'en');
    const page = await openPage(payPage);
    await typeKeys(page, '8');
    expect(find(page, '#keypad').querySelector('#key-action-spinner')).toBeFalsy();
    await tapAction(page);
    expect(find(page, '#keypad').querySelector('#key-action-spinner')).toBeTruthy();
    expect(actionKey(page)).toEqual({ text: 'Paying', disabled: true });
    expect(String(key(page, '#key-action').toJSON().attrs.find((a) => a.name === 'class')?.value)).not.toContain('key--off');
    expect(text(page, '#message-text')).toBe('Connecting to WeChat Pay…');
    for (const chip of ['#tip-0', '#tip-10', '#tip-15', '#tip-20', '#tip-custom']) {
      expect(attr(page, chip, 'class')).toContain('tip--disabled');
      expect(attr(page, chip, 'aria-disabled')).toBe(true);
    }
    await tap(page, '#tip-15');
    expect(attr(page, '#tip-15', 'aria-checked')).toBe(false);
    answer(created);
    await flush();
    expect(calls(wxMock, 'createPayment')).toHaveLength(1);
    expect(find(page, '#keypad').querySelector('#key-action-spinner')).toBeFalsy();
    expect(attr(page, '#tip-15', 'class')).not.toContain('tip--disabled');
  });
});
