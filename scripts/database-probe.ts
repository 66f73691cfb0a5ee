/**
 * `ops doctor --probe`: the same few requests, through node-sdk, against a CloudBase environment
 * and against the local CloudBase database, with their raw replies side by side, so that a person
 * can confirm in a minute where the local imitation answers as CloudBase does. It works in a
 * scratch collection (`ops_probe`) and removes its document afterwards.
 */
import { randomBytes } from 'crypto';
import { LocalCloudBaseDatabase } from '../local/cloudbase/database';
import { inProcessDatabase, releaseInProcess } from '../local/cloudbase/sdk-bindings';

/** The part of node-sdk's database the probe calls. */
export interface ProbeDatabase {
  readonly command: { gt(value: unknown): unknown };
  collection(name: string): {
    add(data: object): Promise<unknown>;
    doc(id: string): { remove(): Promise<unknown> };
    where(condition: object): {
      get(): Promise<unknown>;
      update(data: object): Promise<unknown>;
      orderBy(field: string, direction: 'asc' | 'desc'): { get(): Promise<unknown> };
    };
  };
  createCollection(name: string): Promise<unknown>;
}

export const PROBE_COLLECTION = 'ops_probe';
const RACERS = 20;

interface Step {
  name: string;
  reply: unknown;
}

/** A reply or an error as plain data, without what differs on every call (request ids). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (key !== 'requestId' && item !== undefined) out[key] = plain(item);
  return out;
}

async function attempt(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { answer: plain(await run()) };
  } catch (error) {
    const { code, errCode, message, errMsg } = error as { code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown };
    return { error: plain({ code, errCode, message: typeof message === 'string' ? message.split('\n')[0] : (errMsg ?? message) }) };
  }
}

/** The probe's requests, in order; `runId` keeps its documents apart from another run's. */
export async function probeDatabase(db: ProbeDatabase, runId: string): Promise<Step[]> {
  const id = `probe-${runId}`;
  const scratch = () => db.collection(PROBE_COLLECTION);
  const steps: Step[] = [];
  steps.push({ name: `create the scratch collection ${PROBE_COLLECTION}`, reply: await attempt(() => db.createCollection(PROBE_COLLECTION)) });
  steps.push({ name: 'insert { _id, version: 0 }', reply: await attempt(() => scratch().add({ _id: id, version: 0, n: 1 })) });
  steps.push({ name: 'insert the same _id again', reply: await attempt(() => scratch().add({ _id: id, version: 0, n: 2 })) });
  steps.push({ name: 'read a collection that does not exist', reply: await attempt(() => db.collection(`ops_probe_missing_${runId}`).where({ _id: id }).get()) });
  const race = await Promise.all(
    Array.from({ length: RACERS }, (_, i) => attempt(() => scratch().where({ _id: id, version: 0 }).update({ version: 1, winner: i }))),
  );
  const updated = race.map((r) => ((r as { answer?: { updated?: unknown } }).answer?.updated ?? r));
  steps.push({ name: `${RACERS} compare-and-sets at once on version 0`, reply: { winners: updated.filter((u) => u === 1).length, updated } });
  steps.push({ name: 'update filtered on { _id, version: undefined }', reply: await attempt(() => scratch().where({ _id: id, version: undefined }).update({ note: 'matched' })) });
  steps.push({ name: 'query no index serves (filter n, sort m)', reply: await attempt(() => scratch().where({ n: db.command.gt(0) }).orderBy('m', 'desc').get()) });
  steps.push({ name: 'remove the probe document', reply: await attempt(() => scratch().doc(id).remove()) });
  return steps;
}

/** Runs the probe on `cloudbase` and on a fresh in-memory local database, and prints both. */
export async function runProbe(cloudbase: ProbeDatabase, out: (text: string) => void): Promise<void> {
  const runId = randomBytes(6).toString('hex');
  const local = new LocalCloudBaseDatabase({});
  try {
    const [remote, imitation] = [await probeDatabase(cloudbase, runId), await probeDatabase(inProcessDatabase(local, 'node-sdk') as unknown as ProbeDatabase, runId)];
    out(`Probe ${runId}: the same requests through node-sdk, CloudBase's replies beside the local database's.\n`);
    remote.forEach((step, i) => {
      const theirs = JSON.stringify(step.reply);
      const ours = JSON.stringify(imitation[i].reply);
      out(`\n${step.name}${theirs === ours ? '  (same)' : ''}\n  cloudbase: ${theirs}\n  local:     ${ours}\n`);
    });
    out('\nThe local database refuses every query no declared index serves; CloudBase answers it until the collection is large, then times out.\n');
  } finally {
    local.close();
    releaseInProcess(local);
  }
}
