/**
 * Who may sweep, and when: every run (the V1 timer, the secret HTTP route for an outside
 * scheduler, a step of normal traffic) first takes the lease on the sweep_state document, so two
 * instances never sweep at once, and records how it ended, so `ops doctor` can tell when sweeps
 * stopped. A step of traffic runs at most once a minute in the whole environment, and each
 * instance asks for it at most once a minute.
 */
import { randomBytes } from 'crypto';
import type { Platform } from '../app/platform';
import type { SweepTrigger } from '../orders/store';
import { uploadDueShipping, type ShippingReport } from './shipping-uploads';
import { runBudgetMs, sweep, SWEEP_TIMEOUT_MS, type SweepReport } from './sweep';

/** At most one step of traffic in this long, in the whole environment. */
export const STEP_EVERY_MS = 60_000;
/** A step starts no new order after this long: it runs beside a person's request. */
export const STEP_BUDGET_MS = 1_000;
/** The run's store calls after its last order: a claim, a result write, the lease's release. */
const LEASE_MARGIN_MS = 5_000;

/** `shipping`: what the run uploaded to WeChat's order-shipping management (a timer or route run, with WECHAT_SHIPPING_UPLOAD on). */
export type SweepRun = { ran: true; report: SweepReport; shipping?: ShippingReport } | { ran: false; heldUntil: string | null };

function leaseMs(platform: Platform, by: SweepTrigger): number {
  if (by !== 'traffic') return SWEEP_TIMEOUT_MS + LEASE_MARGIN_MS;
  return STEP_BUDGET_MS + 2 * platform.settings.sweepQueryTimeoutMs + LEASE_MARGIN_MS;
}

/** One sweep run under the lease; `{ ran: false }` when another run holds it (or, for a step, ran within the minute). */
export async function runSweep(platform: Platform, by: SweepTrigger): Promise<SweepRun> {
  const { store, log } = platform;
  const holder = `${by}-${randomBytes(6).toString('hex')}`;
  const start = platform.now().getTime();
  const claim = {
    now: new Date(start).toISOString(),
    until: new Date(start + leaseMs(platform, by)).toISOString(),
    ...(by === 'traffic' ? { startedBefore: new Date(start - STEP_EVERY_MS).toISOString() } : {}),
  };
  if (!(await store.claimSweepLease(holder, claim))) {
    if (by !== 'traffic') {
      const state = await store.getSweepState().catch(() => null);
      log.info('sweep.skipped', { by, reason: 'another sweep holds the lease', heldUntil: state?.leaseUntil ?? null });
      return { ran: false, heldUntil: state?.leaseUntil ?? null };
    }
    return { ran: false, heldUntil: null };
  }
  let report: SweepReport | undefined;
  try {
    report = await sweep(platform, by === 'traffic' ? { budgetMs: STEP_BUDGET_MS, maxOrders: platform.settings.sweepStepOrders } : undefined);
    if (by === 'traffic' || !platform.shipping) return { ran: true, report };
    // the payments first; with what is left of the run's time, their shipping information
    const deadline = start + runBudgetMs(platform);
    const shipping = await uploadDueShipping(platform, () => platform.now().getTime() >= deadline);
    return { ran: true, report, shipping };
  } finally {
    const record = {
      at: platform.now().toISOString(),
      by,
      complete: report !== undefined && !report.moreDue && report.left === 0,
      checked: report?.checked ?? 0,
      failed: report?.failed ?? 0,
    };
    await store.endSweepRun(holder, record).catch((error: Error) => log.warn('sweep.unrecorded', { by, message: error.message }));
  }
}

/** When this instance next asks for a step (module state: it holds no caller's data). */
let nextStepCheckAt = 0;

/**
 * A small sweep beside a request, where no timer runs (CloudBase's functions V2) and as a safety
 * net where one does. It never fails the request it runs beside.
 */
export async function trafficSweepStep(platform: Platform): Promise<void> {
  if (platform.settings.sweepStepOrders === 0 || runBudgetMs(platform) === 0) return;
  const now = platform.now().getTime();
  if (now < nextStepCheckAt) return;
  nextStepCheckAt = now + STEP_EVERY_MS;
  try {
    await runSweep(platform, 'traffic');
  } catch (error) {
    platform.log.warn('sweep.step_failed', { message: (error as Error)?.message ?? String(error) });
  }
}

/** For tests: this instance asks for a step on its next request. */
export function resetTrafficStepGate(): void {
  nextStepCheckAt = 0;
}
