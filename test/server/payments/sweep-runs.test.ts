/**
 * Who sweeps, and when: every run holds the lease on the sweep_state document, so two never
 * overlap; a step of traffic runs at most once a minute in the environment and looks at a few
 * orders only; every run is recorded for `ops doctor`.
 */
import { createPayment } from '../../../server/payments/create-payment';
import { resetTrafficStepGate, runSweep, STEP_EVERY_MS, trafficSweepStep } from '../../../server/payments/sweep-runs';
import { sweepFreshness } from '../../../scripts/sweep-freshness';
import { openHarness, STORE_KINDS, type Harness } from './harness';

describe.each(STORE_KINDS)('sweep runs through %s', (kind) => {
  let h: Harness;

  beforeEach(async () => {
    h = await openHarness(kind, { env: { SWEEP_PENDING_AFTER_MS: '0', QUERY_PENDING_AFTER_MS: '0', SWEEP_STEP_ORDERS: '3' } });
    resetTrafficStepGate();
  });

  afterEach(() => h.dispose());

  async function pendingOrders(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const created = await h.call(createPayment, { amountCents: 100 + i, tipCents: 0, requestId: `step-${kind}-${i}`.padEnd(16, '0') });
      if (!created.ok) throw new Error(created.code);
      ids.push(created.orderId);
    }
    h.clock.advance(h.inFlightMs + 1);
    return ids;
  }

  it('lets only one of two runs started at once sweep, and records the one that ran', async () => {
    await pendingOrders(2);
    const runs = await Promise.all([runSweep(h.platform, 'timer'), runSweep(h.platform, 'route')]);
    expect(runs.filter((r) => r.ran)).toHaveLength(1);
    const skipped = runs.find((r) => !r.ran);
    expect(skipped).toMatchObject({ ran: false });
    const state = await h.platform.store.getSweepState();
    expect(state?.lastRun).toMatchObject({ complete: true, checked: 2, failed: 0 });
    expect(state?.lastCompletedAt).toBe(state?.lastRun?.at);
    // the lease was given back: the next run goes ahead
    expect((await runSweep(h.platform, 'route')).ran).toBe(true);
  });

  it('takes the lease over once its holder overran it (a run that died keeps nobody out for long)', async () => {
    const start = h.clock.now().toISOString();
    expect(await h.platform.store.claimSweepLease('dead-run', { now: start, until: new Date(h.clock.now().getTime() + 65_000).toISOString() })).toBe(true);
    expect((await runSweep(h.platform, 'timer')).ran).toBe(false);
    h.clock.advance(65_001);
    expect((await runSweep(h.platform, 'timer')).ran).toBe(true);
  });

  it('steps through a few due orders beside traffic, at most once a minute in the whole environment', async () => {
    await pendingOrders(5);
    await trafficSweepStep(h.platform);
    let state = await h.platform.store.getSweepState();
    expect(state?.lastRun).toMatchObject({ by: 'traffic', checked: 3, complete: false });
    expect(state?.lastCompletedAt).toBeNull();

    // another instance (its own gate) within the minute: the lease document says no
    resetTrafficStepGate();
    h.clock.advance(STEP_EVERY_MS - 1_000);
    await trafficSweepStep(h.platform);
    expect((await h.platform.store.getSweepState())?.lastRun?.at).toBe(state?.lastRun?.at);

    // this instance asks at most once a minute, without reading the database in between
    h.clock.advance(2_000);
    const before = h.storeCalls.length;
    await trafficSweepStep(h.platform);
    expect(h.storeCalls.length).toBe(before + 0);

    resetTrafficStepGate();
    await trafficSweepStep(h.platform);
    state = await h.platform.store.getSweepState();
    expect(state?.lastRun).toMatchObject({ by: 'traffic', checked: 3 });
    // steps alone that never reach the end of the due list are not a working sweep
    expect(sweepFreshness(state, h.clock.now())).toMatchObject({ ok: false });
    expect((await runSweep(h.platform, 'route')).ran).toBe(true);
    expect(sweepFreshness(await h.platform.store.getSweepState(), h.clock.now()).ok).toBe(true);
  });

  it('costs one database round trip to take a free lease, and one to give it back', async () => {
    expect((await runSweep(h.platform, 'route')).ran).toBe(true);
    const before = h.storeCalls.length;
    const claimed = await h.platform.store.claimSweepLease('next', { now: h.clock.now().toISOString(), until: new Date(h.clock.now().getTime() + 1000).toISOString() });
    expect(claimed).toBe(true);
    expect(h.storeCalls.slice(before)).toEqual(['update sweep_state']);
    await h.platform.store.endSweepRun('next', { at: h.clock.now().toISOString(), by: 'route', complete: true, checked: 0, failed: 0 });
    expect(h.storeCalls.slice(before)).toEqual(['update sweep_state', 'update sweep_state']);
  });

  it('never fails the request it runs beside when the database is down', async () => {
    h.backend.setUnavailable(true);
    await expect(trafficSweepStep(h.platform)).resolves.toBeUndefined();
    h.backend.setUnavailable(false);
  });

  it('says when sweeps stopped', async () => {
    expect(sweepFreshness(null, h.clock.now())).toMatchObject({ ok: false });
    await runSweep(h.platform, 'route');
    const state = await h.platform.store.getSweepState();
    expect(sweepFreshness(state, h.clock.now()).ok).toBe(true);
    h.clock.advance(16 * 60_000);
    expect(sweepFreshness(state, h.clock.now()).text).toMatch(/^the last complete sweep ended 16 min ago, more than 15 min/);
  });
});
