import { readFileSync } from 'fs';
import { join } from 'path';
import { REQUEST_LOG_LIMIT, RequestLog, type Exchange } from '../../../local/sandbox/request-log';
import {
  callInApp,
  callOtt,
  CREDENTIALS,
  envelope,
  inAppData,
  KEY,
  mapppayData,
  newOrderId,
  opened,
  payOrder,
  sandboxForFile,
  removeDir,
  request,
  tempDir,
} from './helpers';

const t = sandboxForFile();

describe('GET /sandbox/requests', () => {
  it('lists each exchange newest first with its action, decrypted data, code and duration', async () => {
    const orderId = newOrderId('RL');
    const sent = mapppayData(orderId, t.receiver.url, { tip: '185' });
    const answer = opened(await callOtt(t.sandbox, 'MAPPPAY', sent));
    await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId });

    const { body } = await request('GET', `${t.sandbox.url}/sandbox/requests?orderId=${orderId}`);
    expect(body.matching).toBe(2);
    expect(body.requests.map((r: { action: string }) => r.action)).toEqual(['STATUS_QUERY', 'MAPPPAY']);
    const mapppay = body.requests[1];
    expect(mapppay).toMatchObject({
      path: '/processV2',
      orderIds: [orderId],
      envelope: { action: 'MAPPPAY', version: '1.0', merchant_id: CREDENTIALS.merchantId },
      request: sent,
      code: 'SUCCESS',
      message: 'success',
      reply: { ...answer },
      fault: null,
      durationMs: expect.any(Number),
    });
    expect(mapppay.reply).toMatchObject({ order_id: orderId, amount: '1234' });
    expect(Date.parse(mapppay.at)).toBeLessThanOrEqual(Date.parse(body.requests[0].at));
    expect(JSON.stringify(body)).not.toContain(KEY);
  });

  it('files a refund under its original order, and notes what could not be read', async () => {
    const paid = newOrderId('RP');
    const refundId = newOrderId('RR');
    await payOrder(t.sandbox, paid, t.receiver.url);
    opened(await callOtt(t.sandbox, 'REFUND', { order_id: refundId, ori_order_id: paid, refund_amt: '34' }));
    await request('POST', `${t.sandbox.url}/processV2`, envelope('STATUS_QUERY', { order_id: paid }, { md5: '0'.repeat(32) }));
    await request('POST', `${t.sandbox.url}/processV2`, 'not json');

    const forOrder = (await t.sandbox.requests({ orderId: paid })).requests;
    expect(forOrder.map((r) => r.action)).toEqual(['REFUND', 'MAPPPAY']);
    expect(forOrder[0]).toMatchObject({ orderIds: [paid, refundId], reply: { refund_status: 'success', refund_amt: '34' } });
    expect((await t.sandbox.requests({ orderId: refundId })).requests.map((r) => r.action)).toEqual(['REFUND']);

    const [notJson, badMd5] = (await t.sandbox.requests({ limit: 2 })).requests;
    expect(notJson).toMatchObject({ action: '', request: null, requestNote: 'the body is not JSON', code: 'PARAM_ERROR', reply: null });
    expect(badMd5.code).toBe('PARAM_ERROR');
    expect(badMd5.requestNote).toMatch(/^cannot be decrypted: /);
  });

  it('shows the fault applied: an altered md5 that no longer unseals, a held answer and when it came', async () => {
    const orderId = newOrderId('RF');
    t.sandbox.faults.set({ response: { mode: 'WRONG_MD5', actions: ['MAPPPAY'], times: 1 } });
    await callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, t.receiver.url));
    t.sandbox.faults.set({ response: { mode: 'TIMEOUT', actions: ['STATUS_QUERY'], times: 1, replyAfterMs: 150 } });
    await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId });

    const [held, altered] = (await t.sandbox.requests({ orderId })).requests;
    expect(altered).toMatchObject({ action: 'MAPPPAY', code: 'SUCCESS', fault: 'WRONG_MD5', reply: null, request: { order_id: orderId } });
    expect(altered.replyNote).toMatch(/^cannot be decrypted: /);
    expect(held).toMatchObject({ action: 'STATUS_QUERY', code: 'TIMEOUT' });
    expect(held.fault).toMatch(/^TIMEOUT, answered after \d+ ms$/);
    expect(held.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('logs /inAppPay as plain JSON with the WeChat API key hidden', async () => {
    const orderId = newOrderId('RA');
    const reply = await callInApp(t.sandbox, inAppData(orderId, t.receiver.url));
    expect(reply.body.wxapikey).toBe(CREDENTIALS.wechatApiKey);
    const [logged] = (await t.sandbox.requests({ orderId })).requests;
    expect(logged).toMatchObject({ path: '/inAppPay', action: 'INAPP', envelope: null, request: inAppData(orderId, t.receiver.url), code: 'SUCCESS' });
    expect(logged.reply).toMatchObject({ prepay_id: reply.body.prepay_id, wxapikey: '(the WeChat API key, not shown)' });
    expect(readFileSync(join(t.dataDir, 'requests.db'), 'utf8')).not.toContain(CREDENTIALS.wechatApiKey);
  });
});

describe('the log on disk', () => {
  it(`keeps the newest ${REQUEST_LOG_LIMIT} requests, also after a restart, and never the sign key`, async () => {
    const dataDir = await tempDir();
    const exchange = (n: number): Exchange => ({
      path: '/processV2',
      startedAt: Date.now(),
      body: JSON.stringify(envelope('STATUS_QUERY', { order_id: `N${n}` })),
      outcome: { action: 'STATUS_QUERY', orderId: `N${n}`, reply: { rsp_code: 'FAIL', rsp_msg: `order not found: N${n}` } },
      answered: true,
    });
    let seq = 0;
    const open = () => RequestLog.open(dataDir, { signKey: KEY, nextSeq: () => ++seq, log: () => undefined });
    try {
      const first = await open();
      for (let n = 1; n <= REQUEST_LOG_LIMIT + 150; n++) first.record(exchange(n));
      const listed = await first.list();
      expect(listed.total).toBe(REQUEST_LOG_LIMIT);
      expect(listed.requests[0].orderIds).toEqual([`N${REQUEST_LOG_LIMIT + 150}`]);
      expect(listed.requests.at(-1)!.orderIds).toEqual(['N151']);
      expect(listed.requests[0].request).toEqual({ order_id: `N${REQUEST_LOG_LIMIT + 150}` });
      await first.close();
      expect(readFileSync(join(dataDir, 'requests.db'), 'utf8')).not.toContain(KEY);

      const second = await open();
      const again = await second.list({ orderId: 'n1150', limit: 5 });
      expect(again).toMatchObject({ total: REQUEST_LOG_LIMIT, matching: 1, requests: [{ orderIds: ['N1150'] }] });
      await second.close();
    } finally {
      await removeDir(dataDir);
    }
  });
});
