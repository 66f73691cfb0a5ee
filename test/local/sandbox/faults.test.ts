import { unseal, VerificationError } from '../../../server/ottpay/codec';
import { callOtt, envelope, KEY, mapppayData, newOrderId, opened, openSandbox, request, TestSandbox, waitFor } from './helpers';

const CALLBACK = 'http://127.0.0.1:9/ottpay/callback';

let t: TestSandbox;

beforeAll(async () => {
  t = await openSandbox();
});

afterEach(() => {
  t.sandbox.faults.reset();
});

afterAll(async () => {
  await t.stop();
});

async function statusCode(orderId: string): Promise<string> {
  return (await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId })).body.rsp_code;
}

function mapppay(orderId: string, timeoutMs?: number) {
  return callOtt(t.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK), {}, timeoutMs);
}

describe('response faults on /processV2', () => {
  it('SYSTEM_ERROR without processing: nothing is created, and the fault counts down', async () => {
    t.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['MAPPPAY'], times: 1 } });
    const lost = newOrderId('SE');
    expect((await mapppay(lost)).body).toEqual({ rsp_code: 'SYSTEM_ERROR', rsp_msg: 'system error' });
    expect(t.sandbox.faults.get().response).toBeNull();
    expect(await statusCode(lost)).toBe('FAIL');
    expect((await mapppay(lost)).body.rsp_code).toBe('SUCCESS');
  });

  it('SYSTEM_ERROR after processing: the order exists and STATUS_QUERY finds it', async () => {
    t.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', actions: ['MAPPPAY'], afterProcessing: true } });
    const orderId = newOrderId('SA');
    expect((await mapppay(orderId)).body.rsp_code).toBe('SYSTEM_ERROR');
    expect(opened(await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: orderId })).order_status).toBe('notpay');
    expect((await mapppay(orderId)).body.rsp_code).toBe('SYSTEM_ERROR');
    expect(t.sandbox.faults.get().response).toMatchObject({ mode: 'SYSTEM_ERROR', times: null });
  });

  it('PROCESSING affects only the listed actions', async () => {
    t.sandbox.faults.set({ response: { mode: 'PROCESSING', actions: ['STATUS_QUERY'], times: 2 } });
    expect((await callOtt(t.sandbox, 'EX_RATE_QUERY', { fee_type: 'CAD' })).body.rsp_code).toBe('SUCCESS');
    const orderId = newOrderId('PR');
    expect((await mapppay(orderId)).body.rsp_code).toBe('SUCCESS');
    expect(await statusCode(orderId)).toBe('PROCESSING');
    expect(await statusCode(orderId)).toBe('PROCESSING');
    expect(await statusCode(orderId)).toBe('SUCCESS');
  });

  it('TIMEOUT never answers; close() still ends the held connection', async () => {
    const own = await openSandbox({ faults: { response: { mode: 'TIMEOUT', afterProcessing: true } } });
    const orderId = newOrderId('TN');
    const pending = callOtt(own.sandbox, 'MAPPPAY', mapppayData(orderId, CALLBACK), {}, 10_000).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    try {
      const state = await waitFor('the order', async () => (await own.sandbox.transaction(orderId))?.transaction.state);
      expect(state).toBe('notpay');
    } finally {
      const started = Date.now();
      await own.stop();
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect(await pending).toMatch(/socket hang up|ECONNRESET/);
  });

  it('TIMEOUT without processing: the client gives up and no order exists', async () => {
    t.sandbox.faults.set({ response: { mode: 'TIMEOUT', actions: ['MAPPPAY'], times: 1 } });
    const orderId = newOrderId('TC');
    await expect(mapppay(orderId, 200)).rejects.toThrow('no answer within 200 ms');
    expect(await statusCode(orderId)).toBe('FAIL');
  });

  it('TIMEOUT with replyAfterMs answers late: the real answer when processed, else rsp_code TIMEOUT', async () => {
    t.sandbox.faults.set({ response: { mode: 'TIMEOUT', actions: ['MAPPPAY'], times: 1, afterProcessing: true, replyAfterMs: 150 } });
    const started = Date.now();
    const late = await mapppay(newOrderId('TL'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(opened(late).payInfo).toEqual(expect.any(String));

    t.sandbox.faults.set({ response: { mode: 'TIMEOUT', times: 1, replyAfterMs: 50 } });
    expect((await callOtt(t.sandbox, 'EX_RATE_QUERY', { fee_type: 'CAD' })).body).toEqual({ rsp_code: 'TIMEOUT', rsp_msg: 'timeout' });
  });

  it('CORRUPT_DATA answers SUCCESS with data that does not verify (the order is created)', async () => {
    t.sandbox.faults.set({ response: { mode: 'CORRUPT_DATA', times: 1 } });
    const orderId = newOrderId('CD');
    const reply = await mapppay(orderId);
    expect(reply.body.rsp_code).toBe('SUCCESS');
    expect(() => unseal(reply.body, KEY)).toThrow(VerificationError);
    expect(await statusCode(orderId)).toBe('SUCCESS');
  });

  it('CORRUPT_DATA waits for a SUCCESS answer to alter', async () => {
    t.sandbox.faults.set({ response: { mode: 'CORRUPT_DATA', times: 1 } });
    expect((await callOtt(t.sandbox, 'STATUS_QUERY', { order_id: 'NOSUCHORDER3' })).body.rsp_code).toBe('FAIL');
    expect(t.sandbox.faults.get().response).not.toBeNull();
    const reply = await callOtt(t.sandbox, 'EX_RATE_QUERY', { fee_type: 'CAD' });
    expect(() => unseal(reply.body, KEY)).toThrow(VerificationError);
  });

  it('WRONG_MD5 answers SUCCESS with an md5 that does not verify', async () => {
    t.sandbox.faults.set({ response: { mode: 'WRONG_MD5', actions: ['EX_RATE_QUERY'], times: 1 } });
    const reply = await callOtt(t.sandbox, 'EX_RATE_QUERY', { fee_type: 'CAD' });
    expect(reply.body.rsp_code).toBe('SUCCESS');
    expect(reply.body.md5).toMatch(/^[0-9A-F]{32}$/);
    expect(() => unseal(reply.body, KEY)).toThrow(VerificationError);
    expect(opened(await callOtt(t.sandbox, 'EX_RATE_QUERY', { fee_type: 'CAD' })).rate).toBe('520000000');
  });

  it('applies the fault before checking the envelope when not processing', async () => {
    t.sandbox.faults.set({ response: { mode: 'SYSTEM_ERROR', times: 1 } });
    const reply = await request('POST', `${t.sandbox.url}/processV2`, { ...envelope('STATUS_QUERY', { order_id: 'X1' }), md5: 'bad' });
    expect(reply.body.rsp_code).toBe('SYSTEM_ERROR');
  });
});

describe('fault control endpoint', () => {
  it('reads, changes and resets the switches', async () => {
    const url = `${t.sandbox.url}/sandbox/faults`;
    expect((await request('GET', url)).body).toEqual({
      delayMs: 0,
      duplicate: 1,
      drop: 0,
      reorder: 0,
      reorderTimeoutMs: 5000,
      response: null,
      numberDigest: 'java',
      callbackAck: 'success-body',
    });
    const changed = await request('POST', url, { delayMs: 10, response: { mode: 'WRONG_MD5', actions: ['REFUND'] } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      delayMs: 10,
      response: { mode: 'WRONG_MD5', actions: ['REFUND'], times: null, afterProcessing: false, replyAfterMs: null },
    });
    expect(t.sandbox.faults.get().delayMs).toBe(10);
    expect((await request('POST', `${url}/reset`)).body).toMatchObject({ delayMs: 0, response: null });
  });

  it('refuses invalid settings and changes nothing', async () => {
    const url = `${t.sandbox.url}/sandbox/faults`;
    for (const bad of [
      { delayMs: -1 },
      { drop: 'some' },
      { response: { mode: 'EXPLODE' } },
      { response: { mode: 'TIMEOUT', actions: ['PAY'] } },
      { nonsense: true },
      { duplicate: 2, numberDigest: 'python' },
      { callbackAck: 'OK' },
    ]) {
      const reply = await request('POST', url, bad);
      expect(reply.status).toBe(400);
      expect(reply.body.error).toEqual(expect.any(String));
    }
    expect((await request('POST', url, '{oops')).status).toBe(400);
    expect(t.sandbox.faults.get().duplicate).toBe(1);
    expect(() => t.sandbox.faults.set({ reorder: 1.5 })).toThrow('reorder');
  });
});
