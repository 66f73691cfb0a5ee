/**
 * A function's configuration, checked as a whole: every problem at once, by variable name (never
 * by value). Only the functions that call OTT Pay need its settings.
 */
import { ConfigError, loadOttConfig } from '../ottpay/config';
import { loadInAppConfig } from './in-app-settings';
import { loadPaymentSettings, SettingsError, type SettingProblem } from './settings';

export interface Needs {
  /** The function calls OTT Pay (or verifies its call-backs), so it needs the OTT_* settings. */
  ott: boolean;
  /** It asks for payments of the merchant's native app, so it also needs the app's settings. */
  app?: boolean;
}

/** The one currency orders are kept in (typings/payments.d.ts OrderView.currency). */
export const PAYMENT_CURRENCY = 'CAD';

export const CALLS_OTT: Needs = { ott: true };
export const NO_OTT: Needs = { ott: false };
export const APP_PAYMENTS: Needs = { ott: true, app: true };

export function configurationProblems(env: NodeJS.ProcessEnv, needs: Needs): SettingProblem[] {
  const problems: SettingProblem[] = [];
  try {
    loadPaymentSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
  }
  if (needs.ott) {
    try {
      const ott = loadOttConfig(env);
      if (ott.currency !== PAYMENT_CURRENCY) {
        problems.push({ variable: 'OTT_CURRENCY', problem: `must be ${PAYMENT_CURRENCY}: orders, pages and takings are kept in ${PAYMENT_CURRENCY}` });
      }
      if (needs.app) loadInAppConfig(env, ott);
    } catch (error) {
      if (error instanceof ConfigError || error instanceof SettingsError) problems.push(...error.problems);
      else throw error;
    }
  }
  return problems;
}

/** The configuration cannot be used: one message per problem. */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly SettingProblem[]) {
    super(`the configuration has ${problems.length} problem(s): ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`);
    this.name = 'ConfigurationError';
  }
}
