/**
 * How a function reaches its environment's database, read from its environment variables:
 * - V1 hands every function temporary keys (TENCENTCLOUD_SECRETID, …) and its environment id
 *   (TCB_ENV / SCF_NAMESPACE);
 * - V2 hands it neither: the merchant turns on "API Key 设置" and gives the functions
 *   CLOUDBASE_APIKEY, and CLOUDBASE_ENV_ID when the platform does not say the environment.
 */
import type { SettingProblem } from './settings';

export type DatabaseAccess = { kind: 'apiKey'; apiKey: string; envId: string } | { kind: 'temporaryKeys'; envId: string };

function value(env: NodeJS.ProcessEnv, name: string): string {
  return env[name]?.trim() ?? '';
}

/** The environment id: CLOUDBASE_ENV_ID when set, else what the platform says. */
export function environmentId(env: NodeJS.ProcessEnv): string {
  return value(env, 'CLOUDBASE_ENV_ID') || value(env, 'TCB_ENV') || value(env, 'SCF_NAMESPACE');
}

export function databaseAccess(env: NodeJS.ProcessEnv): DatabaseAccess {
  const apiKey = value(env, 'CLOUDBASE_APIKEY');
  if (apiKey !== '') return { kind: 'apiKey', apiKey: apiKey.replace(/^Bearer\s+/i, ''), envId: environmentId(env) };
  return { kind: 'temporaryKeys', envId: environmentId(env) };
}

/** What stops a deployed function from reaching its database: checked at its cold start. */
export function databaseAccessProblems(env: NodeJS.ProcessEnv): SettingProblem[] {
  const access = databaseAccess(env);
  const problems: SettingProblem[] = [];
  if (access.envId === '') {
    problems.push({ variable: 'CLOUDBASE_ENV_ID', problem: 'must be set to the CloudBase environment id: the platform does not say it (TCB_ENV is empty)' });
  }
  if (access.kind === 'temporaryKeys' && value(env, 'TENCENTCLOUD_SECRETID') === '') {
    problems.push({ variable: 'CLOUDBASE_APIKEY', problem: 'must be set: the platform gives this function no temporary keys (functions V2: turn on API Key 设置 and give the key to the functions)' });
  }
  return problems;
}
