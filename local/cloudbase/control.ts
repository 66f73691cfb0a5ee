/**
 * `POST /local/database` on the local cloud runtime: the local CloudBase database's switches and
 * faults, set over HTTP by a developer or a test, answered with how they stand.
 *
 * Body (every field optional): `available` (false: every request answers 503), `switches`
 * (DatabaseSwitches), `failNext` ({ count, ops, afterWrite, slowMs, status }), `clearFailures`.
 */
import { DEFAULT_SWITCHES, type DatabaseOp, type DatabaseSwitches, type FailureSpec, type LocalCloudBaseDatabase } from './database';

export class DatabaseControlError extends Error {}

const OPS: DatabaseOp[] = ['add', 'get', 'update', 'count', 'remove'];
const CHOICES: Partial<Record<keyof DatabaseSwitches, readonly string[]>> = {
  updatedMeans: ['matched', 'modified'],
  duplicateCode: ['DATABASE_DUPLICATE_WRITE', 'DATABASE_REQUEST_FAILED'],
};

function wholeNumber(value: unknown, what: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw new DatabaseControlError(`${what} must be a whole number from 0 to ${max}`);
  return value;
}

function switchesFrom(value: unknown): Partial<DatabaseSwitches> {
  if (typeof value !== 'object' || value === null) throw new DatabaseControlError('switches must be an object');
  const out: Partial<DatabaseSwitches> = {};
  for (const [name, setting] of Object.entries(value)) {
    const key = name as keyof DatabaseSwitches;
    if (!(key in DEFAULT_SWITCHES)) throw new DatabaseControlError(`no switch ${name}; the switches are ${Object.keys(DEFAULT_SWITCHES).join(', ')}`);
    const choices = CHOICES[key];
    if (choices && !choices.includes(setting as string)) throw new DatabaseControlError(`${name} must be one of ${choices.join(', ')}`);
    if (typeof DEFAULT_SWITCHES[key] === 'boolean' && typeof setting !== 'boolean') throw new DatabaseControlError(`${name} must be true or false`);
    if (typeof DEFAULT_SWITCHES[key] === 'number') wholeNumber(setting, name, key === 'documentCap' ? 1000 : 60_000);
    Object.assign(out, { [key]: setting });
  }
  return out;
}

function failureFrom(value: unknown): { count: number; spec: FailureSpec } {
  if (typeof value !== 'object' || value === null) throw new DatabaseControlError('failNext must be an object');
  const { count = 1, ops, afterWrite, slowMs, status } = value as Record<string, unknown>;
  const spec: FailureSpec = {};
  if (ops !== undefined) {
    if (!Array.isArray(ops) || !ops.every((op) => OPS.includes(op as DatabaseOp))) throw new DatabaseControlError(`failNext.ops must list some of ${OPS.join(', ')}`);
    spec.ops = ops as DatabaseOp[];
  }
  if (afterWrite !== undefined) {
    if (typeof afterWrite !== 'boolean') throw new DatabaseControlError('failNext.afterWrite must be true or false');
    spec.afterWrite = afterWrite;
  }
  if (slowMs !== undefined) spec.slowMs = wholeNumber(slowMs, 'failNext.slowMs', 120_000);
  if (status !== undefined) {
    spec.status = wholeNumber(status, 'failNext.status', 599);
    if (spec.status < 400) throw new DatabaseControlError('failNext.status must be an HTTP error status');
  }
  return { count: wholeNumber(count, 'failNext.count', 1000), spec };
}

export function controlDatabase(database: LocalCloudBaseDatabase, body: unknown): unknown {
  if (typeof body !== 'object' || body === null) throw new DatabaseControlError('the body must be a JSON object');
  const { available, switches, failNext, clearFailures } = body as Record<string, unknown>;
  if (available !== undefined && typeof available !== 'boolean') throw new DatabaseControlError('available must be true or false');
  const nextSwitches = switches === undefined ? {} : switchesFrom(switches);
  const failure = failNext === undefined ? undefined : failureFrom(failNext);
  if (clearFailures === true) database.clearFailures();
  if (available !== undefined) database.unavailable = !available;
  Object.assign(database.switches, nextSwitches);
  if (failure) database.failNext(failure.count, failure.spec);
  return { available: !database.unavailable, switches: database.switches, pendingFailures: database.pendingFailures() };
}
