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

describe('finding things on the console', () => {
  const page = async (query = '') => new JSDOM((await request('GET', `${t.sandbox.url}/${query}`)).text).window.document;
  const rows = (document: Document) => [...document.querySelectorAll('tr.tx')].map((tr) => tr.getAttribute('data-order'));

  it('searches by part of an order id, filters by state, says how many of how many, and shows more on request', async () => {
    const prefix = `PG${Date.now().toString(36).toUpperCase()}`;
    const ids = Array.from({ length: 55 }, (_, i) => `${prefix}X${String(i).padStart(2, '0')}`);
    for (const id of ids.slice(0, 54)) await createPayment(t.sandbox, id, receiver.url);
    await payOrder(t.sandbox, ids[54], receiver.url);

    const first = await page(`?order=${prefix.toLowerCase()}`);
    expect(rows(first)).toEqual([...ids].reverse().slice(0, 50));
    const all = (await t.sandbox.transactions()).length;
    expect(first.getElementById('transaction-count')!.textContent).toBe(
      `Showing 50 of 55 transactions whose order id contains “${prefix.toLowerCase()}”, newest first (${all} in all).`,
    );
    const options = [...first.querySelectorAll('#search select[name=state] option')].map((o) => o.textContent);
    expect(options).toEqual(expect.arrayContaining(['every state (55)', 'notpay (54)', 'success (1)', 'failure (0)']));
    const more = first.getElementById('more-transactions') as HTMLAnchorElement;
    expect(more.textContent).toBe('Show 5 more');

    const second = await page(more.getAttribute('href')!.replace(/#.*$/, ''));
    expect(rows(second)).toEqual([...ids].reverse());
    expect(second.getElementById('more-transactions')).toBeNull();

    const paid = await page(`?order=${prefix}&state=success`);
    expect(rows(paid)).toEqual([ids[54]]);
    expect(paid.getElementById('transaction-count')!.textContent).toMatch(/^Showing 1 of 1 transaction whose order id contains “.+” and in state success, newest first/);
    expect(rows(await page('?order=NOSUCHORDER')).length).toBe(0);
  });

  it('lists the requests to /processV2 newest first with their data decrypted, for the order searched', async () => {
    const orderId = newOrderId('RQ');
    await payOrder(t.sandbox, orderId, receiver.url, { tip: '185' });
    t.sandbox.readings.set({ replyNumbers: 'number' });
    await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId }).finally(() => t.sandbox.readings.set({ replyNumbers: 'string' }));
    const document = await page(`?order=${orderId}`);
    expect(document.getElementById('request-count')!.textContent).toMatch(
      new RegExp(`^Showing 2 of 2 requests naming an order id that contains “${orderId}”, newest first \\(\\d+ in the log\\)`),
    );
    const entries = [...document.querySelectorAll('#requests details.request')];
    expect(entries.map((e) => e.querySelector('.action')!.textContent)).toEqual(['STATUS_QUERY', 'MAPPPAY']);
    const [sent, answered] = [...entries[1].querySelectorAll('.exchange > div')].map((side) => ({
      title: side.querySelector('h3')!.textContent,
      head: side.querySelector('.facts')!.textContent,
      data: Object.fromEntries([...side.querySelectorAll('table.kv tr')].map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent])),
    }));
    expect(sent).toMatchObject({
      title: 'Request data, decrypted',
      head: `action=MAPPPAY version=1.0 merchant_id=${CREDENTIALS.merchantId}`,
      data: { order_id: orderId, amount: '1234', tip: '185', open_id: 'oTESTOPENID0000000000000000000', call_back_url: receiver.url },
    });
    expect(answered).toMatchObject({ title: 'Reply data, decrypted', head: 'rsp_code=SUCCESS rsp_msg=success', data: { order_id: orderId, amount: '1234' } });
    const queried = entries[0].querySelectorAll('.exchange > div')[1];
    const total = [...queried.querySelectorAll('table.kv tr')].find((tr) => tr.querySelector('th')!.textContent === 'total_amount')!;
    expect(total.querySelector('td')!.textContent).toBe('1419 number');
    expect(answered.data.payInfo).toMatch(/^\{"appId":/);
    expect(entries[1].querySelector('summary')!.textContent!.replace(/\s+/g, ' ')).toMatch(new RegExp(`/processV2 MAPPPAY ${orderId} SUCCESS \\d+ ms`));
  });

  it('shows each call-back payload decrypted, and every console action on the timeline of its transaction', async () => {
    const orderId = newOrderId('TL');
    await createPayment(t.sandbox, orderId, receiver.url);
    const command = (name: string) => request('POST', `${t.sandbox.url}/sandbox/transactions/${orderId}/${name}`);
    expect((await command('cancel')).body.message).toBe(`Cancelled by the payer: still payable: ${orderId} is now notpay.`);
    expect((await command('approve')).body.message).toBe(`Approved: the payer paid: ${orderId} is now success.`);
    await t.sandbox.waitForDeliveries(orderId, (d) => d[0]?.state === 'delivered');
    expect((await command('resend-callback')).body.message).toBe(`Re-sent the call-back of ${orderId} to ${receiver.url}.`);
    await t.sandbox.waitForDeliveries(orderId, (d) => d[1]?.state === 'delivered');

    const details = (await page(`?order=${orderId}`)).querySelector(`tr.details[data-order="${orderId}"]`)!;
    const timeline = [...details.querySelectorAll('.timeline li')].map((li) => li.textContent!.replace(/^\S+ \S+ UTC /, ''));
    expect(timeline).toEqual(['MAPPPAY created', 'console: cancel', 'console: approve', 'console: re-send call-back']);
    expect(details.querySelectorAll('.timeline li.by-console')).toHaveLength(3);
    const payloads = [...details.querySelectorAll('.callback .payload')].map((p) => p.textContent);
    expect(payloads).toHaveLength(2);
    for (const payload of payloads) {
      expect(payload).toMatch(new RegExp(`^payload, decrypted: amount=1234 bizpay_order_id=WX\\d{17} merchant_id=${CREDENTIALS.merchantId} order_id=${orderId} finish_time=\\d{14} exchange_rate=5\\.200000$`));
    }
  });

  it('explains every fault switch, offers a test payment with a call_back_url and shows no merchant state when alone', async () => {
    const orderId = newOrderId('EX');
    await createPayment(t.sandbox, orderId, receiver.url);
    const document = await page(`?order=${orderId}`);
    const controls = [...document.querySelectorAll('#faults input, #faults select')];
    expect(controls.map((c) => c.getAttribute('name'))).toEqual([
      'delayMs', 'duplicate', 'drop', 'reorder', 'reorderTimeoutMs', 'callbackAck', 'mode', 'actions', 'times', 'afterProcessing', 'replyAfterMs', 'numberDigest',
    ]);
    for (const control of controls) expect(control.closest('label.field')!.querySelector('.help')!.textContent!.length).toBeGreaterThan(30);
    const help = (name: string) => document.querySelector(`#faults [name=${name}]`)!.closest('label')!.querySelector('.help')!.textContent;
    expect(help('reorderTimeoutMs')).toContain('once the oldest has waited this long');
    expect(help('replyAfterMs')).toContain('TIMEOUT only');
    expect(help('numberDigest')).toContain("1234 as 1234.0), as OTT's own SDK checks it");
    expect(help('callbackAck')).toContain('Any other reply is not retried.');

    const form = document.getElementById('test-payment-form')!;
    expect([...form.querySelectorAll('[name]')].map((c) => c.getAttribute('name'))).toEqual(['amount', 'tip', 'outcome', 'callbackUrl']);
    expect([...form.querySelectorAll('select[name=outcome] option')].map((o) => o.textContent)).toEqual([
      'the payer pays', 'the payer cancels', 'the wallet declines', 'leave unpaid',
    ]);
    expect(document.querySelector(`tr.tx[data-order="${orderId}"] td.merchant-state`)!.textContent).toBe('—');
  });
});
