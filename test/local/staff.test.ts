import { runOps } from '../../scripts/ops';
import { newRequestId, PAYER, STAFF, startTestStack, type TestStack } from './harness';

const NEWCOMER = 'o-new-cashier-0001';
const SECOND_OWNER = 'o-co-owner-0001';

async function ops(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  let out = '';
  await runOps(args, env, (text) => (out += text));
  return out;
}

describe('staff: added and removed in one place, from the phone or the command line', () => {
  let stack: TestStack;
  let paidId = '';

  beforeAll(async () => {
    stack = await startTestStack();
    const paid = await stack.call('createPayment', { amountCents: 2000, requestId: newRequestId('staff') }, PAYER);
    if (!paid.ok) throw new Error(paid.code);
    await stack.wallet(paid.payment, 'success');
    await stack.sandbox.waitForDeliveries(paid.orderId, (d) => d.some((c) => c.state === 'delivered'));
    paidId = paid.orderId;
  });
  afterAll(() => stack.close());

  it('a newcomer is refused, with their own user id to give the owner', async () => {
    expect(await stack.call('merchantSummary', {}, NEWCOMER)).toMatchObject({ ok: false, code: 'FORBIDDEN', userId: NEWCOMER });
    expect(await stack.call('merchantStaff', {}, NEWCOMER)).toMatchObject({ ok: false, code: 'FORBIDDEN', userId: NEWCOMER });
  });

  it('the owner adds them; they can refund at once; plain staff cannot manage staff', async () => {
    const added = await stack.call('merchantStaff', { action: 'add', userId: NEWCOMER, name: ' Ana  Li ' }, STAFF);
    expect(added).toMatchObject({ ok: true, members: [{ userId: STAFF, role: 'owner' }, { userId: NEWCOMER, role: 'staff', name: 'Ana Li' }] });
    if (!added.ok) throw new Error(added.code);
    expect(added.changes[0]).toMatchObject({ action: 'add', userId: NEWCOMER, by: STAFF });

    expect(await stack.call('merchantSummary', {}, NEWCOMER)).toMatchObject({ ok: true, role: 'staff' });
    expect(await stack.call('refund', { orderId: paidId, amountCents: 100, requestId: newRequestId('staff') }, NEWCOMER)).toMatchObject({ ok: true });
    expect(await stack.call('merchantStaff', {}, NEWCOMER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await stack.call('merchantStaff', { action: 'add', userId: 'o-friend-of-ana', }, NEWCOMER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('a removed member is refused by every staff-only function at once', async () => {
    const removed = await stack.call('merchantStaff', { action: 'remove', userId: NEWCOMER }, STAFF);
    expect(removed).toMatchObject({ ok: true, members: [{ userId: STAFF }] });
    if (!removed.ok) throw new Error(removed.code);
    expect(removed.changes[0]).toMatchObject({ action: 'remove', userId: NEWCOMER, name: 'Ana Li', by: STAFF });
    expect(await stack.call('refund', { orderId: paidId, amountCents: 100, requestId: newRequestId('staff') }, NEWCOMER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await stack.call('collectByQr', { amountCents: 100, requestId: newRequestId('staff') }, NEWCOMER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await stack.call('merchantSummary', {}, NEWCOMER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // refused before anything is written: the order keeps the one refund
    const summary = await stack.call('merchantSummary', { orderId: paidId }, STAFF);
    expect(summary).toMatchObject({ ok: true, order: { refundedCents: 100 } });
  });

  it('refuses to leave the shop without an owner, and bad user ids or names', async () => {
    expect(await stack.call('merchantStaff', { action: 'remove', userId: STAFF }, STAFF)).toMatchObject({ ok: false, code: 'LAST_OWNER' });
    expect(await stack.call('merchantStaff', { action: 'add', userId: STAFF, role: 'staff' }, STAFF)).toMatchObject({ ok: false, code: 'LAST_OWNER' });
    for (const event of [{ action: 'add', userId: 'short' }, { action: 'add', userId: 'o-x y z 12' }, { action: 'add', userId: NEWCOMER, name: 'x'.repeat(21) }, { action: 'add', userId: NEWCOMER, role: 'boss' }, { action: 'promote', userId: NEWCOMER }]) {
      expect(await stack.call('merchantStaff', event, STAFF)).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    }
  });

  it('twenty owners adding at once: every change lands once, each with its record', async () => {
    await stack.call('merchantStaff', { action: 'add', userId: SECOND_OWNER, role: 'owner' }, STAFF);
    const ids = Array.from({ length: 10 }, (_, i) => `o-rush-${String(i).padStart(4, '0')}`);
    const results = await Promise.all(ids.flatMap((userId) => [STAFF, SECOND_OWNER].map((owner) => stack.call('merchantStaff', { action: 'add', userId }, owner))));
    // a change that kept losing the race says BUSY; none is written twice or lost without a word
    expect(results.every((r) => r.ok || r.code === 'BUSY')).toBe(true);
    const list = await stack.call('merchantStaff', {}, STAFF);
    if (!list.ok) throw new Error(list.code);
    const landed = ids.filter((id) => list.members.some((m) => m.userId === id));
    const busy = new Set(ids.filter((_, i) => !results[2 * i].ok && !results[2 * i + 1].ok));
    expect(landed.length + busy.size).toBe(ids.length);
    const adds = list.changes.filter((c) => c.action === 'add' && c.userId.startsWith('o-rush-'));
    expect(adds.map((c) => c.userId).sort()).toEqual([...landed].sort());
  });

  it('ops staff lists and changes the same list, through the running stack', async () => {
    const env = { LOCAL_DATA_DIR: stack.dataDir };
    const listedNow = await ops(['--local', 'staff', 'list'], env);
    expect(listedNow).toMatch(new RegExp(`^owner  ${STAFF}  -  since `, 'm'));
    // removed earlier: not on the list (ops prints only the ten latest changes, which the rush above filled)
    expect(listedNow).not.toMatch(new RegExp(`^\\w+ +${NEWCOMER} `, 'm'));
    const added = await ops(['--local', 'staff', 'add', NEWCOMER, '--name', 'Ana', '--by', 'Lin'], env);
    expect(added).toMatch(new RegExp(`added staff ${NEWCOMER} \\(Ana\\)  by ops: Lin`));
    expect(await stack.call('merchantSummary', {}, NEWCOMER)).toMatchObject({ ok: true });
    await expect(ops(['--local', 'staff', 'add', NEWCOMER], env)).rejects.toThrow('--by NAME');
    await expect(ops(['--local', 'staff', 'remove', 'no such'], env)).rejects.toThrow('USER_ID must be');
  });
});
