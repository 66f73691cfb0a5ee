import { JSDOM } from 'jsdom';
import { callOtt, CREDENTIALS, createAppPayment, createPayment, KEY, mapppayData, newOrderId, opened, openSandbox, payOrder, Receiver, request, TestSandbox } from './helpers';

let t: TestSandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await new Receiver(() => ({ status: 200, body: 'SUCCESS' })).start();
  t = await openSandbox({ callbackRetryScheduleMs: [] });
});

afterAll(async () => {
  await t.stop();
  await receiver.close();
});

describe('web console', () => {
  it('lists transactions with formatted amounts, call-back replies, buttons and fault switches, escaped', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const pending = newOrderId('CP');
    const paid = newOrderId('CD');
    await createPayment(t.sandbox, pending, receiver.url, { amount: '123456', open_id: hostile });
    receiver.setAnswer(() => ({ status: 500, body: '<b>"nope" & \'no\'</b>' }));
    await payOrder(t.sandbox, paid, receiver.url, { amount: '1999', tip: '1' });
    await t.sandbox.waitForDeliveries(paid, (d) => d[0]?.state === 'failed');
    t.sandbox.faults.set({ duplicate: 2, response: { mode: 'WRONG_MD5', actions: ['REFUND'], times: 3 } });

    const page = await request('GET', `${t.sandbox.url}/`);
    t.sandbox.faults.reset();
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = page.text;
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(pending);
    expect(html).toContain(paid);
    expect(html.indexOf(paid)).toBeLessThan(html.indexOf(pending));
    expect(html).toContain('1,234.56 CAD');
    expect(html).toContain('20.00 CAD');
    expect(html).toContain('notpay');
    expect(html).toContain(`data-action="approve" data-order="${pending}"`);
    expect(html).toContain(`data-action="resend-callback" data-order="${paid}"`);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;b&gt;&quot;nope&quot; &amp; &#39;no&#39;&lt;/b&gt;');
    expect(html).toContain('HTTP 500');
    expect(html).toContain('call-backs sent 2×');
    expect(html).toContain('/processV2 WRONG_MD5 for REFUND, 3 more time(s)');
    expect(html).toContain(CREDENTIALS.merchantId);
    expect(html).not.toContain(KEY);
    expect(html).not.toMatch(/<(link|img|script)[^>]+(src|href)=/i);
  });

  it('shows each call-back reply with whether and why it counted as acknowledged, and the policy in force', async () => {
    const orderId = newOrderId('CK');
    let calls = 0;
    receiver.setAnswer(() => (calls++ === 0 ? { status: 200, body: 'OK' } : { status: 200, body: '{"rsp_code":"SUCCESS"}' }));
    await payOrder(t.sandbox, orderId, receiver.url);
    await t.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'failed');
    t.sandbox.faults.set({ callbackAck: 'json-rsp-code' });
    await request('POST', `${t.sandbox.url}/sandbox/transactions/${orderId}/resend-callback`);
    await t.sandbox.waitForDeliveries(orderId, (d) => d[1]?.state === 'delivered');

    const html = (await request('GET', `${t.sandbox.url}/`)).text;
    t.sandbox.faults.reset();
    expect(html).toContain('<code>OK</code> · <span class="ack" title="policy: HTTP 200 with the body SUCCESS">not acknowledged: HTTP 200 but the body is not SUCCESS</span>');
    expect(html).toContain('<code>{&quot;rsp_code&quot;:&quot;SUCCESS&quot;}</code> · <span class="ack" title="policy: HTTP 2xx with JSON rsp_code SUCCESS">acknowledged: HTTP 200, JSON rsp_code SUCCESS</span>');
    expect(html).toContain('<option value="json-rsp-code" selected>');
    expect(html).toContain('A call-back counts as acknowledged on HTTP 2xx with JSON rsp_code SUCCESS;');
  });

  it("flags JavaScript-digested replies as a fault, since OTT's SDK refuses them", async () => {
    expect((await request('GET', `${t.sandbox.url}/`)).text).not.toContain('renders numbers as JavaScript');
    t.sandbox.faults.set({ numberDigest: 'js' });
    const html = (await request('GET', `${t.sandbox.url}/`)).text;
    t.sandbox.faults.reset();
    expect(html).toContain("reply md5 renders numbers as JavaScript does, which OTT&#39;s SDK refuses");
  });

  it('shows the channel of each transaction: mini-program, QR code or app, and the app it was issued for', async () => {
    const mini = newOrderId('HM');
    const qr = newOrderId('HQ');
    const app = newOrderId('HA');
    await createPayment(t.sandbox, mini, receiver.url);
    await callOtt(t.sandbox, 'ACTIVEPAY', { order_id: qr, operator_id: CREDENTIALS.operatorId, amount: '800', biz_type: 'WECHATPAY', call_back_url: receiver.url });
    await createAppPayment(t.sandbox, app, receiver.url);
    const { document } = new JSDOM((await request('GET', `${t.sandbox.url}/`)).text).window;
    const channel = (orderId: string) => {
      const row = [...document.querySelectorAll('tr.tx')].find((tr) => tr.textContent!.includes(orderId))!;
      return [...row.querySelector('td.channel')!.children].map((part) => part.textContent);
    };
    expect(channel(mini)).toEqual(['mini-program', 'MAPPPAY']);
    expect(channel(qr)).toEqual(['QR code', 'ACTIVEPAY']);
    expect(channel(app)).toEqual(['app', 'INAPP']);
    expect(document.querySelector('header')!.textContent).toContain(`app ${CREDENTIALS.nativeAppId}`);
  });

  it('renders an empty ledger', async () => {
    const empty = await openSandbox();
    try {
      expect((await request('GET', `${empty.sandbox.url}/`)).text).toContain('No transaction yet');
    } finally {
      await empty.stop();
    }
  });
});

describe('control endpoints', () => {
  it('lists transactions newest first and shows one with its deliveries', async () => {
    const a = newOrderId('LA');
    const b = newOrderId('LB');
    await createPayment(t.sandbox, a, receiver.url);
    await payOrder(t.sandbox, b, receiver.url);
    await t.sandbox.waitForDeliveries(b, (d) => d[0]?.attempts.length === 1);
    const list = (await request('GET', `${t.sandbox.url}/sandbox/transactions`)).body.transactions;
    const ids = list.map((tx: { orderId: string }) => tx.orderId);
    expect(ids.indexOf(b)).toBeLessThan(ids.indexOf(a));
    expect(list[ids.indexOf(b)]).toMatchObject({ state: 'success', amount: 1234, tip: 0, total: 1234, refunded: 0 });

    const one = await request('GET', `${t.sandbox.url}/sandbox/transactions/${b}`);
    expect(one.status).toBe(200);
    expect(one.body.transaction.orderId).toBe(b);
    expect(one.body.refunds).toEqual([]);
    expect(one.body.deliveries).toHaveLength(1);
    expect(one.body.deliveries[0].attempts[0]).toMatchObject({ httpStatus: expect.any(Number) });
    expect((await request('GET', `${t.sandbox.url}/sandbox/transactions/NOSUCH`)).status).toBe(404);
  });

  it('approves, cancels, fails and closes pending payments; refuses what is not pending', async () => {
    const url = (id: string, command: string) => `${t.sandbox.url}/sandbox/transactions/${id}/${command}`;
    const approved = newOrderId('AP');
    await createPayment(t.sandbox, approved, receiver.url);
    receiver.setAnswer(() => ({ status: 200, body: 'SUCCESS' }));
    const reply = await request('POST', url(approved, 'approve'));
    expect(reply.status).toBe(200);
    expect(reply.body.transaction).toMatchObject({ orderId: approved, state: 'success' });
    const [delivery] = await t.sandbox.waitForDeliveries(approved, (d) => d[0]?.state === 'delivered');
    expect(delivery.trigger).toBe('payment');
    expect((await request('POST', url(approved, 'approve'))).status).toBe(409);
    expect((await request('POST', url(approved, 'close'))).status).toBe(409);

    const resent = await request('POST', url(approved, 'resend-callback'));
    expect(resent.status).toBe(200);
    await t.sandbox.waitForDeliveries(approved, (d) => d.length === 2 && d[1].state === 'delivered');

    const cancelled = newOrderId('CA');
    await createPayment(t.sandbox, cancelled, receiver.url);
    expect((await request('POST', url(cancelled, 'cancel'))).body.transaction.state).toBe('notpay');
    expect((await request('POST', url(cancelled, 'resend-callback'))).status).toBe(409);
    expect((await request('POST', url(cancelled, 'fail'))).body.transaction.state).toBe('failure');
    expect((await request('POST', url(cancelled, 'close'))).status).toBe(409);

    const closed = newOrderId('CL');
    opened(await callOtt(t.sandbox, 'MAPPPAY', mapppayData(closed, receiver.url)));
    expect((await request('POST', url(closed, 'close'))).body.transaction.state).toBe('orderclosed');
    const history = (await t.sandbox.transaction(closed))!.transaction.history.map((h) => h.event);
    expect(history).toEqual(['MAPPPAY created', 'console: close']);

    expect((await request('POST', url('NOSUCH', 'approve'))).status).toBe(404);
    expect((await request('POST', url(closed, 'explode'))).status).toBe(404);
    expect((await request('GET', `${t.sandbox.url}/nowhere`)).status).toBe(404);
  });
});
