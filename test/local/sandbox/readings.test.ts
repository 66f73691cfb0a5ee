import { unseal } from '../../../server/ottpay/codec';
import { DEFAULT_READINGS, readingsFromEnvironment, type ReadingsPatch } from '../../../local/sandbox';
import {
  callOtt,
  createPayment,
  KEY,
  mapppayData,
  newOrderId,
  opened,
  openSandbox,
  payOrder,
  request,
  sandboxForFile,
  waitFor,
  walletPay,
} from './helpers';

const t = sandboxForFile({ callbackRetryScheduleMs: [] });

/** Pays 12.34 with a 1.00 tip, with the sandbox reading OTT's documents as `readings` say. */
async function paidWithTip(readings: ReadingsPatch = {}): Promise<string> {
  t.sandbox.readings.set(readings);
  const orderId = newOrderId('RD');
  await payOrder(t.sandbox, orderId, t.receiver.url, { tip: '100' });
  return orderId;
}

async function statusOf(orderId: string): Promise<Record<string, unknown>> {
  return opened(await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId })) as Record<string, unknown>;
}

/** The payment call-back the merchant's receiver got for the order, decrypted. */
async function callbackDataOf(orderId: string): Promise<Record<string, unknown>> {
  const received = await waitFor('the call-back', () => t.receiver.received.find((r) => unseal(r.body, KEY).order_id === orderId));
  return unseal(received.body, KEY) as Record<string, unknown>;
}

function refund(refundId: string, originalId: string, amount: string) {
  return callOtt(t.sandbox, 'REFUND', { order_id: refundId, ori_order_id: originalId, refund_amt: amount });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the readings switch', () => {
  it('answers GET /sandbox/readings with the defaults, and POST changes only what it names', async () => {
    expect((await request('GET', `${t.sandbox.url}/sandbox/readings`)).body).toEqual({
      refundBooking: 'immediate',
      statusCase: 'lower',
      undocumentedStatus: 'off',
      tip: 'separate',
      replyNumbers: 'string',
      callbackFields: 'standard',
    });
    const changed = await request('POST', `${t.sandbox.url}/sandbox/readings`, { statusCase: 'upper', refundBooking: 3000 });
    expect(changed.body).toEqual({ ...DEFAULT_READINGS, statusCase: 'upper', refundBooking: 3000 });
  });

  it.each([
    [{ statusCase: 'Upper' }, 'statusCase must be one of lower, upper'],
    [{ refundBooking: -1 }, "refundBooking must be 'immediate' or a delay in ms"],
    [{ undocumentedStatus: 'SUCCESS' }, 'undocumentedStatus SUCCESS is a documented status'],
    [{ undocumentedStatus: 'user paying' }, "undocumentedStatus must be 'off' or a word"],
    [{ tipp: 'in-both' }, 'unknown reading "tipp"'],
  ])('refuses %j with 400 naming the reading, and changes nothing', async (patch, message) => {
    const reply = await request('POST', `${t.sandbox.url}/sandbox/readings`, { tip: 'in-both', ...patch });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toContain(message);
    expect(t.sandbox.readings.get()).toEqual(DEFAULT_READINGS);
  });

  it('is left as it is by a reset of the faults', async () => {
    t.sandbox.readings.set({ tip: 'in-neither' });
    await request('POST', `${t.sandbox.url}/sandbox/faults/reset`);
    expect(t.sandbox.readings.get().tip).toBe('in-neither');
  });

  it('starts from the readings option, or from OTT_SANDBOX_READINGS under npm start', async () => {
    const env = { OTT_SANDBOX_READINGS: '{"statusCase":"upper","refundBooking":5000}' };
    const own = await openSandbox({ readings: readingsFromEnvironment(env) });
    try {
      expect(own.sandbox.readings.get()).toEqual({ ...DEFAULT_READINGS, statusCase: 'upper', refundBooking: 5000 });
    } finally {
      await own.stop();
    }
    expect(readingsFromEnvironment({})).toEqual({});
    expect(() => readingsFromEnvironment({ OTT_SANDBOX_READINGS: 'upper' })).toThrow('OTT_SANDBOX_READINGS is not JSON');
    expect(() => readingsFromEnvironment({ OTT_SANDBOX_READINGS: '{"tip":"both"}' })).toThrow('OTT_SANDBOX_READINGS: tip must be one of');
  });
});

describe('refundBooking', () => {
  it('shows a refund in STATUS_QUERY only once the delay has passed; REFUND, the refundable balance and ORDER_USED are not delayed', async () => {
    const orderId = await paidWithTip({ refundBooking: 400 });
    const first = newOrderId('RF');
    const booked = Date.now();
    expect(opened(await refund(first, orderId, '300'))).toMatchObject({ order_id: first, refund_amt: '300', refund_status: 'success' });
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'success', refund_fee: '0', total_amount: '1334' });

    expect((await refund(newOrderId('RF'), orderId, '1035')).body).toEqual({ rsp_code: 'FAIL', rsp_msg: expect.stringContaining('exceeds the refundable amount 1034') });
    expect((await refund(first, orderId, '300')).body).toEqual({ rsp_code: 'ORDER_USED', rsp_msg: 'order number duplicated' });
    expect(await statusOf(orderId)).toMatchObject({ refund_fee: '0' });

    await sleep(booked + 450 - Date.now());
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'partial_refunded', refund_fee: '300' });
    expect((await refund(first, orderId, '300')).body.rsp_code).toBe('ORDER_USED');

    const rest = Date.now();
    opened(await refund(newOrderId('RF'), orderId, '1034'));
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'partial_refunded', refund_fee: '300' });
    await sleep(rest + 450 - Date.now());
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'fully_refunded', refund_fee: '1334' });
  });

  it('immediate (the default) shows a refund at once', async () => {
    const orderId = await paidWithTip();
    opened(await refund(newOrderId('RF'), orderId, '1334'));
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'fully_refunded', refund_fee: '1334' });
  });
});

describe('statusCase and undocumentedStatus', () => {
  it('upper writes every order_status in upper case, in STATUS_QUERY and in a call-back that carries one', async () => {
    t.sandbox.readings.set({ statusCase: 'upper' });
    const unpaid = newOrderId('UC');
    await createPayment(t.sandbox, unpaid, t.receiver.url);
    expect((await statusOf(unpaid)).order_status).toBe('NOTPAY');
    const orderId = await paidWithTip({ callbackFields: 'extra' });
    expect((await statusOf(orderId)).order_status).toBe('SUCCESS');
    expect((await callbackDataOf(orderId)).order_status).toBe('SUCCESS');
    opened(await refund(newOrderId('RF'), orderId, '1'));
    expect((await statusOf(orderId)).order_status).toBe('PARTIAL_REFUNDED');
  });

  it('a word answers for a transaction still payable, cancelled included; paid, failed and closed ones keep their documented status', async () => {
    t.sandbox.readings.set({ undocumentedStatus: 'USERPAYING' });
    const [unpaid, cancelled, failed, closed] = ['UN', 'UX', 'UF', 'UL'].map((prefix) => newOrderId(prefix));
    for (const orderId of [unpaid, cancelled, failed, closed]) await createPayment(t.sandbox, orderId, t.receiver.url);
    const qr = newOrderId('UQ');
    opened(await callOtt(t.sandbox, 'ACTIVEPAY', mapppayData(qr, t.receiver.url)));
    await request('POST', `${t.sandbox.url}/sandbox/transactions/${cancelled}/cancel`);
    await request('POST', `${t.sandbox.url}/sandbox/transactions/${failed}/fail`);
    await request('POST', `${t.sandbox.url}/sandbox/transactions/${closed}/close`);
    const paid = await paidWithTip();
    const statuses = await Promise.all([unpaid, qr, cancelled, failed, closed, paid].map(async (id) => (await statusOf(id)).order_status));
    expect(statuses).toEqual(['USERPAYING', 'USERPAYING', 'USERPAYING', 'failure', 'orderclosed', 'success']);
  });

  it('the wallet can still pay a transaction answered with the undocumented word', async () => {
    t.sandbox.readings.set({ undocumentedStatus: 'USERPAYING', statusCase: 'upper' });
    const orderId = newOrderId('UP');
    const params = await createPayment(t.sandbox, orderId, t.receiver.url);
    expect((await statusOf(orderId)).order_status).toBe('USERPAYING');
    expect((await walletPay(t.sandbox, params, 'success')).body).toEqual({ errMsg: 'requestPayment:ok' });
    expect((await statusOf(orderId)).order_status).toBe('SUCCESS');
  });
});

describe('tip', () => {
  it.each([
    ['separate', '1234', '1334'],
    ['in-both', '1334', '1334'],
    ['in-neither', '1234', '1234'],
  ] as const)("%s: the call-back's amount is %s and STATUS_QUERY's total_amount %s; tip 100 in both, 1334 refundable", async (tip, callbackAmount, totalAmount) => {
    const orderId = await paidWithTip({ tip });
    expect(await callbackDataOf(orderId)).toMatchObject({ amount: callbackAmount, tip: '100' });
    expect(await statusOf(orderId)).toMatchObject({ total_amount: totalAmount, tip: '100' });
    opened(await refund(newOrderId('RF'), orderId, '1334'));
    expect(await statusOf(orderId)).toMatchObject({ order_status: 'fully_refunded', refund_fee: '1334' });
  });
});

describe('replyNumbers', () => {
  it("string (the default) writes STATUS_QUERY's and MAPPPAY's numbers as strings of digits; number as JSON numbers", async () => {
    const asStrings = await paidWithTip();
    expect(await statusOf(asStrings)).toMatchObject({ total_amount: '1334', refund_fee: '0', tip: '100', exchange_rate: '5.20000000' });
    const asNumbers = await paidWithTip({ replyNumbers: 'number' });
    expect(await statusOf(asNumbers)).toMatchObject({ total_amount: 1334, refund_fee: 0, tip: 100, exchange_rate: '5.20000000' });
    expect(opened(await callOtt(t.sandbox, 'MAPPPAY', mapppayData(newOrderId('RN'), t.receiver.url))).amount).toBe(1234);
  });
});

describe('callbackFields', () => {
  it('standard: the documented fields and no others', async () => {
    const orderId = await paidWithTip();
    expect(Object.keys(await callbackDataOf(orderId)).sort()).toEqual(['amount', 'bizpay_order_id', 'exchange_rate', 'finish_time', 'merchant_id', 'order_id', 'tip']);
  });

  it('no-finish-time: the payment call-back lacks finish_time', async () => {
    const data = await callbackDataOf(await paidWithTip({ callbackFields: 'no-finish-time' }));
    expect(data).not.toHaveProperty('finish_time');
    expect(data).toMatchObject({ amount: '1234', tip: '100' });
  });

  it('extra: the call-back also carries order_status, currency_type, trade_type and total_amount (per the tip reading)', async () => {
    const data = await callbackDataOf(await paidWithTip({ callbackFields: 'extra', tip: 'in-neither' }));
    expect(data).toMatchObject({
      amount: '1234',
      tip: '100',
      finish_time: expect.stringMatching(/^\d{14}$/),
      order_status: 'success',
      currency_type: 'CAD',
      trade_type: 'JSAPI',
      total_amount: '1234',
    });
  });
});
