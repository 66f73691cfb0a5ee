/**
 * The uploaded bundles, with the real wx-server-sdk, against the local CloudBase database when it
 * is slow, fails at its gateway, or loses an answer after a write.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { DEFAULT_SWITCHES } from '../../local/cloudbase/database';
import { COLLECTIONS } from '../../server/orders/store';
import { newRequestId, PAYER, startTestStack, type TestStack, ON_V2 } from './harness';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { DATABASE_TIMEOUT_MS: '700' } });
});
afterAll(() => stack.close());
afterEach(() => stack.database.clearFailures());

it('runs the functions from their bundles through wx-server-sdk over HTTP', async () => {
  const created = await stack.call('createPayment', { amountCents: 1500, requestId: newRequestId('sdk') }, PAYER);
  expect(created.ok).toBe(true);
  // V1: wx-server-sdk with the platform's keys; V2: node-sdk 3.18.3 with the API key
  expect([...stack.database.clients]).toEqual([ON_V2 ? 'tcb-node-sdk/3.18.3' : expect.stringMatching(/^wx-server-sdk\/4\.0\.2$/)]);
});

it('ends listPayments with SERVICE_UNAVAILABLE well inside its 10 s timeout when the database is slower than DATABASE_TIMEOUT_MS', async () => {
  stack.database.failNext(1, { ops: ['get'], slowMs: 3000 });
  const started = Date.now();
  const result = await stack.call('listPayments', {}, PAYER);
  expect(result).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
  expect(Date.now() - started).toBeLessThan(2500);
  expect(await stack.call('listPayments', {}, PAYER)).toMatchObject({ ok: true });
});

it('answers SERVICE_UNAVAILABLE when the database gateway answers 502, and the next call works', async () => {
  stack.database.failNext(1, { ops: ['get'], status: 502 });
  expect(await stack.call('listPayments', {}, PAYER)).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
  expect(await stack.call('listPayments', {}, PAYER)).toMatchObject({ ok: true });
});

it('keeps one order when the answer to its insert was lost and the payer retries', async () => {
  const requestId = newRequestId('lost-insert');
  stack.database.failNext(1, { ops: ['add'], afterWrite: true });
  const first = await stack.call('createPayment', { amountCents: 2100, requestId }, PAYER);
  const second = await stack.call('createPayment', { amountCents: 2100, requestId }, PAYER);
  const ids = [first, second].filter((r) => r.ok).map((r) => (r as { orderId: string }).orderId);
  expect(new Set(ids).size).toBeLessThanOrEqual(1);
  expect(second.ok).toBe(true);
  const stored = (await stack.database.documents(COLLECTIONS.orders)).filter((d) => d.requestId === requestId);
  expect(stored).toHaveLength(1);
});

describe('POST /local/database', () => {
  const control = (body: unknown) => stack.post(`${stack.runtime.url}/local/database`, body);

  it('sets a switch and a fault, and says how they stand', async () => {
    const reply = await control({ switches: { updatedMeans: 'modified' }, failNext: { count: 2, ops: ['get'], status: 502 } });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toMatchObject({ available: true, switches: { updatedMeans: 'modified', enforceIndexes: true }, pendingFailures: 2 });
    expect(await stack.call('listPayments', {}, PAYER)).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.parse((await control({ clearFailures: true, switches: { updatedMeans: 'matched' } })).text)).toMatchObject({ pendingFailures: 0 });
    expect(await stack.call('listPayments', {}, PAYER)).toMatchObject({ ok: true });
  });

  it('refuses what it does not know, changing nothing', async () => {
    expect(await control({ switches: { updatedMeans: 'sometimes' } })).toEqual({ status: 400, text: expect.stringContaining('updatedMeans must be one of matched, modified') });
    expect(await control({ switches: { latency: 5 } })).toEqual({ status: 400, text: expect.stringContaining('no switch latency') });
    expect(await control({ failNext: { ops: ['drop'] } })).toEqual({ status: 400, text: expect.stringContaining('failNext.ops must list some of') });
    expect(JSON.parse((await control({})).text)).toMatchObject({ pendingFailures: 0, switches: { updatedMeans: 'matched' } });
  });
});

it("the README's local CloudBase section explains every switch of the local database", () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The local CloudBase'), readme.indexOf('\n## ', readme.indexOf('## The local CloudBase') + 5));
  const documented = [...section.matchAll(/^\| `switches\.(\w+)` \|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual(Object.keys(DEFAULT_SWITCHES).sort());
  for (const field of ['available', 'failNext', 'clearFailures']) expect(section).toContain(`| \`${field}\` |`);
  expect(section).toContain('ops -- doctor --probe');
});
