/** Whether sweeps still run: what `ops doctor` and `ops review` say of the sweep_state document. */
import type { SweepState } from '../server/orders/store';

/** The V1 timer's period, which an outside scheduler on V2 is asked to match (README, Deploying). */
export const SWEEP_PERIOD_MS = 5 * 60_000;
/** A completed sweep older than this many periods means sweeps stopped, or never keep up. */
export const STALE_AFTER_PERIODS = 3;

export interface Freshness {
  ok: boolean;
  text: string;
}

function minutes(ms: number): number {
  return Math.floor(ms / 60_000);
}

export function sweepFreshness(state: SweepState | null, now: Date): Freshness {
  const limit = STALE_AFTER_PERIODS * SWEEP_PERIOD_MS;
  const hint = 'on V1 check the sweep function\'s timer trigger; on V2 check the scheduler that calls the sweep\'s HTTP route (README, Deploying)';
  if (!state || state.lastRun === null) return { ok: false, text: `no sweep has run yet: ${hint}` };
  const last = state.lastRun;
  const lastRun = `last run ${minutes(now.getTime() - Date.parse(last.at))} min ago (${last.by}, ${last.checked} checked${last.failed > 0 ? `, ${last.failed} failed` : ''}${last.complete ? '' : ', stopped before the end of the due list'})`;
  if (state.lastCompletedAt === null) return { ok: false, text: `no sweep has reached the end of the due list yet; ${lastRun}: ${hint}` };
  const age = now.getTime() - Date.parse(state.lastCompletedAt);
  if (age > limit) return { ok: false, text: `the last complete sweep ended ${minutes(age)} min ago, more than ${minutes(limit)} min; ${lastRun}: ${hint}` };
  return { ok: true, text: `the last complete sweep ended ${minutes(age)} min ago; ${lastRun}` };
}
