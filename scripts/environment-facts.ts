/**
 * What `ops doctor` asks Tencent Cloud about the environment (DescribeEnvs of the tcb API, signed
 * by Tencent Cloud's own SDK with TCB_SECRET_ID / TCB_SECRET_KEY): which function platform it
 * has and whether it has the document database. Fields this project has not seen answered are read
 * tolerantly: what cannot be told is said so, never guessed.
 */
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';

export type FunctionsBackend = 'v1' | 'v2' | 'unknown';
export type DatabaseMode = 'document' | 'postgresql' | 'none' | 'unknown';

export interface EnvironmentFacts {
  backend: FunctionsBackend;
  /** The raw Backend value(s) answered, for the record. */
  backendAnswer: string;
  database: DatabaseMode;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

/** Reads one EnvList entry: Functions[].Backend (`scf`: V1, `cbf`: V2), Databases[] (document) and PostgreSQL[]. */
export function readEnvironmentFacts(info: unknown): EnvironmentFacts {
  const env = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>;
  const backends = [...new Set(list(env.Functions).map((f) => String(f.Backend ?? '').toLowerCase()).filter((b) => b !== ''))];
  const backend: FunctionsBackend = backends.length !== 1 ? 'unknown' : backends[0] === 'scf' ? 'v1' : backends[0] === 'cbf' ? 'v2' : 'unknown';
  const documents = list(env.Databases).length;
  const postgres = list(env.PostgreSQL).length;
  const known = 'Databases' in env || 'PostgreSQL' in env;
  const database: DatabaseMode = !known ? 'unknown' : documents > 0 ? 'document' : postgres > 0 ? 'postgresql' : 'none';
  return { backend, backendAnswer: backends.join(',') || '(none)', database };
}

/** DescribeEnvs for one environment id. TCB_API_ENDPOINT changes the endpoint (`http://…` for a local stand-in). */
export async function describeEnvironment(env: NodeJS.ProcessEnv): Promise<EnvironmentFacts> {
  const endpoint = env.TCB_API_ENDPOINT?.trim() || 'tcb.tencentcloudapi.com';
  const plain = endpoint.startsWith('http://');
  const client = new CommonClient(endpoint.replace(/^https?:\/\//, ''), '2018-06-08', {
    credential: { secretId: env.TCB_SECRET_ID, secretKey: env.TCB_SECRET_KEY },
    region: env.TCB_REGION?.trim() || 'ap-shanghai',
    profile: { httpProfile: { protocol: plain ? 'http://' : 'https://', reqTimeout: 15 } },
  });
  const answer = (await client.request('DescribeEnvs', { EnvId: env.TCB_ENV_ID })) as { EnvList?: unknown };
  const found = list(answer.EnvList).find((e) => e.EnvId === env.TCB_ENV_ID);
  if (!found) throw new Error(`DescribeEnvs does not list the environment ${env.TCB_ENV_ID}`);
  return readEnvironmentFacts(found);
}

export interface PlatformLine {
  level: 'ok' | 'warn' | 'FAIL';
  what: string;
  detail: string;
}

/** What differs on the platform found, as doctor lines. */
export function platformLines(facts: EnvironmentFacts): PlatformLine[] {
  const lines: PlatformLine[] = [];
  if (facts.database === 'postgresql') {
    lines.push({ level: 'FAIL', what: 'database', detail: 'a PG-mode environment (PostgreSQL, no document database) is not supported: create the environment from WeChat DevTools, which still gives the document database' });
  } else if (facts.database === 'none') {
    lines.push({ level: 'FAIL', what: 'database', detail: 'the environment has no document database' });
  } else if (facts.database === 'unknown') {
    lines.push({ level: 'warn', what: 'database', detail: 'DescribeEnvs did not say which database the environment has: the console shows it' });
  } else {
    lines.push({ level: 'ok', what: 'database', detail: 'the document database' });
  }
  if (facts.backend === 'v1') {
    lines.push({ level: 'ok', what: 'functions', detail: 'V1 (Backend scf): deploy with cloudbaserc.json, runtime Nodejs24.11; the sweep runs on its timer, and its HTTP route is a safety net' });
  } else if (facts.backend === 'v2') {
    lines.push({ level: 'ok', what: 'functions', detail: 'V2 (Backend cbf): deploy with cloudbaserc.v2.json (Node 24 only); no timers: point a scheduler at the sweep\'s HTTP route with SWEEP_SECRET; turn on API Key 设置 and give the key to the functions as CLOUDBASE_APIKEY' });
  } else {
    lines.push({ level: 'warn', what: 'functions', detail: `DescribeEnvs did not say which function platform the environment has (Backend: ${facts.backendAnswer}): the console's cloud function page shows it; \`ops doctor\` with SWEEP_URL tells from what the sweep function sees` });
  }
  return lines;
}
