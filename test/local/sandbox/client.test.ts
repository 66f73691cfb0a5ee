import { createDecipheriv } from 'crypto';
import { OttClient } from '../../../server/ottpay/client';
import { deriveAesKey, digest, javaDoubleText } from '../../../server/ottpay/codec';
import { loadOttConfig } from '../../../server/ottpay/config';
import { postJson, type Transport } from '../../../server/ottpay/transport';
import { CREDENTIALS, KEY, newOrderId, openSandbox, TestSandbox, walletPay } from './helpers';

// The project's OTT Pay client against the sandbox, and what OTT's own Java SDK would make of each reply.
let t: TestSandbox;

beforeAll(async () => {
  t = await openSandbox({ callbackRetryScheduleMs: [] });
});

afterEach(() => {
  t.sandbox.faults.reset();
});

afterAll(async () => {
  await t.stop();
});

/** Fields of a STATUS_QUERY reply OTT's SDK reads with `new BigDecimal((String) value)`: a JSON number there cannot be read. */
const SDK_DECIMAL_FIELDS = ['exchange_rate', 'total_amount', 'refund_fee', 'tip'];

/**
 * OTT's SDK reading a reply: Gson reads the JSON into a TreeMap, every number becomes a Double,
 * and the md5 is recomputed over each value's toString(); STATUS_QUERY's decimals are then read
 * from strings.
 */
function javaSdkReads(action: string, replyText: string): boolean {
  const { md5, data } = JSON.parse(replyText) as { md5: string; data: string };
  const decipher = createDecipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, KEY), 'ascii'), null);
  const plaintext = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  const values = JSON.parse(plaintext) as Record<string, string | number>;
  const rendered = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, typeof value === 'number' ? javaDoubleText(value) : value]),
  );
  const decimalsReadable = action !== 'STATUS_QUERY' || SDK_DECIMAL_FIELDS.every((field) => typeof values[field] !== 'number');
  return digest(rendered) === md5 && decimalsReadable;
}

function recordingClient(): { client: OttClient; sdkVerdicts: [string, boolean][] } {
  const sdkVerdicts: [string, boolean][] = [];
  const transport: Transport = async (url, body, timeoutMs) => {
    const reply = await postJson(url, body, timeoutMs);
    const action = (body as { action: string }).action;
    sdkVerdicts.push([action, javaSdkReads(action, reply.text)]);
    return reply;
  };
  const config = loadOttConfig({
    OTT_API_URL: `${t.sandbox.url}/processV2`,
    OTT_MERCHANT_ID: CREDENTIALS.merchantId,
    OTT_OPERATOR_ID: CREDENTIALS.operatorId,
    OTT_SIGN_KEY: CREDENTIALS.signKey,
    OTT_CALLBACK_URL: 'http://127.0.0.1:9/ottpay/callback',
  });
  return { client: new OttClient(config, transport), sdkVerdicts };
}

async function payQueryAndRefund(client: OttClient, amountInReply: string | number): Promise<void> {
  const orderId = newOrderId('CL');
  const created = await client.mappPay({ orderId, amountCents: 1234, tipCents: 100, appId: CREDENTIALS.appId, openId: 'oCLIENT0001' });
  if (created.kind !== 'ok') throw new Error(`MAPPPAY: ${created.kind} ${created.code}`);
  expect(created.value).toMatchObject({ orderId, amountCents: 1234 });
  expect(created.data.amount).toBe(amountInReply);
  expect((await walletPay(t.sandbox, created.value.payment, 'success')).body).toEqual({ errMsg: 'requestPayment:ok' });

  expect(await client.statusQuery(orderId)).toMatchObject({
    kind: 'ok',
    value: { orderId, status: 'paid', totalAmountCents: 1334, tipCents: 100, refundedCents: 0 },
  });
  expect(await client.refund({ refundId: newOrderId('CR'), originalOrderId: orderId, amountCents: 300 })).toMatchObject({
    kind: 'ok',
    value: { amountCents: 300 },
  });
  expect(await client.statusQuery(orderId)).toMatchObject({
    kind: 'ok',
    value: { status: 'partially_refunded', totalAmountCents: 1334, refundedCents: 300 },
  });
}

it("the client pays, queries and refunds whatever form the reply numbers take; OTT's SDK reads only strings, or numbers digested as Java does outside STATUS_QUERY", async () => {
  const { client, sdkVerdicts } = recordingClient();
  await payQueryAndRefund(client, '1234');
  t.sandbox.readings.set({ replyNumbers: 'number' });
  try {
    await payQueryAndRefund(client, 1234);
    t.sandbox.faults.set({ numberDigest: 'js' });
    await payQueryAndRefund(client, 1234);
  } finally {
    t.sandbox.readings.set({ replyNumbers: 'string' });
  }

  const actions = ['MAPPPAY', 'STATUS_QUERY', 'REFUND', 'STATUS_QUERY'];
  expect(sdkVerdicts).toEqual([
    ...actions.map((action) => [action, true]),
    ...actions.map((action) => [action, action !== 'STATUS_QUERY']),
    ...actions.map((action) => [action, action === 'REFUND']),
  ]);
});
