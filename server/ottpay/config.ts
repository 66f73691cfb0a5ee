/**
 * The OTT Pay settings of one merchant, read from environment variables. Errors name the
 * variable and what is wrong with it, and never repeat a value.
 */
export interface OttVersions {
  mappPay: string;
  activePay: string;
  statusQuery: string;
  refund: string;
  exRate: string;
}

export interface OttConfig {
  /** The legacy API endpoint, e.g. https://frontapi.ottpay.com:443/processV2 (D1). */
  apiUrl: string;
  merchantId: string;
  operatorId: string;
  /** The 16-character merchant sign key. Secret: never log it (use describeConfig). */
  signKey: string;
  /** Where OTT Pay POSTs its call-backs (sent as call_back_url). */
  callbackUrl: string;
  /** Overall time allowed for one request to OTT Pay, connection to last byte. */
  timeoutMs: number;
  versions: OttVersions;
  /** ISO 4217 code of the merchant account's currency. */
  currency: string;
}

export interface ConfigProblem {
  variable: string;
  problem: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`OTT Pay configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_TIMEOUT_MS = 8000;
const MIN_TIMEOUT_MS = 500;
const MAX_TIMEOUT_MS = 20000;
export const SIGN_KEY_PATTERN = /^[0-9A-Za-z]{16}$/;

type Reader = (variable: string) => string | undefined;

function httpUrl(read: Reader, problems: ConfigProblem[], variable: string): string {
  const text = read(variable);
  if (text === undefined) return '';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push({ variable, problem: 'is not a valid URL' });
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push({ variable, problem: 'must be an http or https URL' });
    return '';
  }
  return text;
}

function matching(read: Reader, problems: ConfigProblem[], variable: string, pattern: RegExp, rule: string): string {
  const text = read(variable);
  if (text === undefined) return '';
  if (!pattern.test(text)) {
    problems.push({ variable, problem: `must be ${rule}` });
    return '';
  }
  return text;
}

/**
 * Reads the OTT_* variables. Surrounding whitespace (a pasted newline) is ignored; an empty
 * variable counts as missing. Every problem is reported at once in one ConfigError.
 */
export function loadOttConfig(env: NodeJS.ProcessEnv = process.env): OttConfig {
  const problems: ConfigProblem[] = [];
  const value = (variable: string): string | undefined => {
    const raw = env[variable];
    const text = raw === undefined ? '' : raw.trim();
    return text === '' ? undefined : text;
  };
  const required: Reader = (variable) => {
    const text = value(variable);
    if (text === undefined) problems.push({ variable, problem: 'is missing' });
    return text;
  };
  const withDefault = (fallback: string): Reader => (variable) => value(variable) ?? fallback;
  const version = (variable: string): string =>
    matching(withDefault('1.0'), problems, variable, /^[0-9]+(\.[0-9]+)*$/, 'a version number such as 1.0');

  const apiUrl = httpUrl(required, problems, 'OTT_API_URL');
  const merchantId = matching(required, problems, 'OTT_MERCHANT_ID', /^[0-9A-Za-z]{1,32}$/, 'letters and digits only');
  const operatorId = matching(required, problems, 'OTT_OPERATOR_ID', /^[\x21-\x7e]{1,64}$/, 'printable ASCII without spaces');
  const signKey = matching(required, problems, 'OTT_SIGN_KEY', SIGN_KEY_PATTERN, 'exactly 16 characters of 0-9, A-Z, a-z');
  const callbackUrl = httpUrl(required, problems, 'OTT_CALLBACK_URL');
  const timeoutText = matching(withDefault(String(DEFAULT_TIMEOUT_MS)), problems, 'OTT_TIMEOUT_MS', /^[0-9]{1,6}$/, 'a whole number of milliseconds');
  const timeoutMs = Number(timeoutText);
  if (timeoutText !== '' && (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS)) {
    problems.push({ variable: 'OTT_TIMEOUT_MS', problem: `must be from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}` });
  }
  const versions: OttVersions = {
    mappPay: version('OTT_MAPPPAY_VERSION'),
    activePay: version('OTT_ACTIVEPAY_VERSION'),
    statusQuery: version('OTT_STATUS_QUERY_VERSION'),
    refund: version('OTT_REFUND_VERSION'),
    exRate: version('OTT_EX_RATE_VERSION'),
  };
  const currency = matching(withDefault('CAD'), problems, 'OTT_CURRENCY', /^[A-Z]{3}$/, 'three uppercase letters (ISO 4217)');

  if (problems.length > 0) throw new ConfigError(problems);
  return { apiUrl, merchantId, operatorId, signKey, callbackUrl, timeoutMs, versions, currency };
}

/** The configuration as it may be logged: the sign key is replaced. */
export function describeConfig(config: OttConfig): Omit<OttConfig, 'signKey'> & { signKey: '[redacted]' } {
  return { ...config, versions: { ...config.versions }, signKey: '[redacted]' };
}
