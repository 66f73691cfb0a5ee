/**
 * The readings of OTT's documents the chaos suite runs under: the sandbox's readings
 * (OTT_SANDBOX_READINGS) and the functions' settings that go with them, one set per round.
 */
import { applyReadings, DEFAULT_READINGS, READING_NAMES, type ReadingName, type ReadingsPatch } from '../local/sandbox/readings';

export interface ReadingSet {
  /** How the set is named on the command line and in the figures, e.g. `statusCase=upper`. */
  name: string;
  sandbox: ReadingsPatch;
  /** Settings of the functions, e.g. OTT_TIP_READING, CALLBACK_SETTLES. */
  functions: Record<string, string>;
}

/**
 * The functions' settings a set may change, and the platform the local runtime imitates; each is
 * cleared (its default) where a set does not name it.
 */
export const FUNCTION_SETTINGS = ['OTT_TIP_READING', 'CALLBACK_SETTLES', 'LOCAL_FUNCTIONS_PLATFORM'] as const;

export const DEFAULT_SET: ReadingSet = { name: 'default', sandbox: {}, functions: {} };

/** CloudBase's functions V2 (calls interleaved in one process, the caller in context, no timers, the API key): run in every sample. */
export const V2_SET: ReadingSet = { name: 'LOCAL_FUNCTIONS_PLATFORM=v2', sandbox: {}, functions: { LOCAL_FUNCTIONS_PLATFORM: 'v2' } };

/** A delay long enough to cross the functions' refund checks under the chaos suite's fast timers. */
export const CHAOS_REFUND_DELAY_MS = 3_000;

/** Every reading but the default, each in a set of its own. */
export const READING_SETS: readonly ReadingSet[] = [
  `refundBooking=${CHAOS_REFUND_DELAY_MS}`,
  'statusCase=upper',
  'undocumentedStatus=USERPAYING',
  'tip=in-both',
  'tip=in-neither',
  'replyNumbers=number',
  'callbackFields=no-finish-time',
  'callbackFields=extra',
  'CALLBACK_SETTLES=query',
].map((assignment) => readingSet([assignment]));

/** Every set that is not the default: the readings, and functions V2. */
export const OTHER_SETS: readonly ReadingSet[] = [V2_SET, ...READING_SETS];

export class ReadingUsageError extends Error {}

function readingValue(name: ReadingName, text: string): unknown {
  return name === 'refundBooking' && /^[0-9]+$/.test(text) ? Number(text) : text;
}

/**
 * One set from `NAME=VALUE` assignments: a reading of the sandbox, or a function setting in
 * FUNCTION_SETTINGS. `tip` sets the functions' OTT_TIP_READING to the same value, as a merchant
 * who knows OTT's reading would.
 */
export function readingSet(assignments: string[]): ReadingSet {
  const set: ReadingSet = { name: assignments.join(' '), sandbox: {}, functions: {} };
  for (const assignment of assignments) {
    const match = /^([A-Za-z_]+)=(.+)$/.exec(assignment);
    if (!match) throw new ReadingUsageError(`--reading takes NAME=VALUE, not ${JSON.stringify(assignment)}`);
    const [, name, value] = match;
    if ((FUNCTION_SETTINGS as readonly string[]).includes(name)) {
      set.functions[name] = value;
    } else if ((READING_NAMES as string[]).includes(name)) {
      Object.assign(set.sandbox, { [name]: readingValue(name as ReadingName, value) });
      if (name === 'tip') set.functions.OTT_TIP_READING = value;
    } else {
      throw new ReadingUsageError(`unknown reading ${name} (readings: ${[...READING_NAMES, ...FUNCTION_SETTINGS].join(', ')})`);
    }
  }
  try {
    applyReadings(DEFAULT_READINGS, set.sandbox);
  } catch (error) {
    throw new ReadingUsageError((error as Error).message);
  }
  return set;
}

/** How long OTT takes to show a refund under the set: the settle phase waits past it. */
export function refundDelayMs(set: ReadingSet): number {
  const delay = set.sandbox.refundBooking;
  return typeof delay === 'number' ? delay : 0;
}

/** `count` different sets of READING_SETS, chosen by `rand`. */
export function sampleSets(count: number, rand: () => number): ReadingSet[] {
  const pool = [...READING_SETS];
  const chosen: ReadingSet[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(...pool.splice(Math.floor(rand() * pool.length), 1));
  return chosen;
}
