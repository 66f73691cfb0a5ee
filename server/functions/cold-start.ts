/**
 * A deployed function's configuration, checked once when its module loads (its cold start), with
 * one log line naming every problem (`npm start` also checks the same before anything starts).
 */
import { configurationProblems, type Needs } from '../app/configuration';
import { databaseAccessProblems } from '../app/database-access';
import type { SettingProblem } from '../app/settings';

export function coldStartProblems(name: string, needs: Needs, env: NodeJS.ProcessEnv = process.env): readonly SettingProblem[] {
  const problems = [...configurationProblems(env, needs), ...databaseAccessProblems(env)];
  if (problems.length > 0) {
    const listed = problems.map((p) => `${p.variable} ${p.problem}`).join('; ');
    console.error(JSON.stringify({ level: 'error', event: 'config.invalid', function: name, problems: listed, at: new Date().toISOString() }));
  }
  return problems;
}

export const NOT_CONFIGURED_MESSAGE = 'The payment service is not set up correctly yet. Please tell the merchant.';
