import { ConfigError, describeConfig, loadOttConfig } from '../../../server/ottpay/config';

const SIGN_KEY = 'Q7w8E9r0T1y2U3i4';

const VALID: NodeJS.ProcessEnv = {
  OTT_API_URL: 'https://frontapi.ottpay.com:443/processV2',
  OTT_MERCHANT_ID: 'QC00005496',
  OTT_OPERATOR_ID: '0000020156',
  OTT_SIGN_KEY: SIGN_KEY,
  OTT_CALLBACK_URL: 'https://merchant.example.com/ottpay/callback',
};

function problemsOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadOttConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadOttConfig', () => {
  it('reads the required settings and applies the defaults', () => {
    expect(loadOttConfig(VALID)).toEqual({
      apiUrl: 'https://frontapi.ottpay.com:443/processV2',
      merchantId: 'QC00005496',
      operatorId: '0000020156',
      signKey: SIGN_KEY,
      callbackUrl: 'https://merchant.example.com/ottpay/callback',
      timeoutMs: 8000,
      versions: { mappPay: '1.0', activePay: '1.0', statusQuery: '1.0', refund: '1.0', exRate: '1.0' },
      currency: 'CAD',
    });
  });

  it('reads the optional settings', () => {
    const config = loadOttConfig({
      ...VALID,
      OTT_API_URL: 'http://127.0.0.1:8700/processV2',
      OTT_TIMEOUT_MS: '500',
      OTT_MAPPPAY_VERSION: '1.1',
      OTT_ACTIVEPAY_VERSION: '1.1',
      OTT_STATUS_QUERY_VERSION: '2.0',
      OTT_REFUND_VERSION: '1.0',
      OTT_EX_RATE_VERSION: '1.0',
      OTT_CURRENCY: 'USD',
    });
    expect(config).toMatchObject({
      apiUrl: 'http://127.0.0.1:8700/processV2',
      timeoutMs: 500,
      versions: { mappPay: '1.1', activePay: '1.1', statusQuery: '2.0', refund: '1.0', exRate: '1.0' },
      currency: 'USD',
    });
  });

  it('ignores a pasted trailing newline', () => {
    expect(loadOttConfig({ ...VALID, OTT_SIGN_KEY: `${SIGN_KEY}\n` }).signKey).toBe(SIGN_KEY);
  });

  it.each(['OTT_API_URL', 'OTT_MERCHANT_ID', 'OTT_OPERATOR_ID', 'OTT_SIGN_KEY', 'OTT_CALLBACK_URL'])(
    'names %s when it is missing or empty',
    (variable) => {
      expect(problemsOf({ ...VALID, [variable]: undefined }).message).toContain(`${variable} is missing`);
      expect(problemsOf({ ...VALID, [variable]: '  ' }).problems).toEqual([{ variable, problem: 'is missing' }]);
    },
  );

  it.each([
    ['OTT_API_URL', 'frontapi.ottpay.com/processV2', 'not a valid URL'],
    ['OTT_API_URL', 'ftp://frontapi.ottpay.com/processV2', 'http or https'],
    ['OTT_CALLBACK_URL', 'javascript:alert(1)', 'http or https'],
    ['OTT_MERCHANT_ID', 'QC-00005496', 'letters and digits'],
    ['OTT_OPERATOR_ID', '0000 020156', 'printable ASCII'],
    ['OTT_TIMEOUT_MS', '8s', 'whole number'],
    ['OTT_TIMEOUT_MS', '499', 'from 500 to 20000'],
    ['OTT_TIMEOUT_MS', '20001', 'from 500 to 20000'],
    ['OTT_MAPPPAY_VERSION', 'v1', 'version number'],
    ['OTT_REFUND_VERSION', '1.', 'version number'],
    ['OTT_CURRENCY', 'cad', 'three uppercase letters'],
  ])('names %s=%j and says what is wrong', (variable, value, what) => {
    const error = problemsOf({ ...VALID, [variable]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(what);
  });

  it('reports every problem at once', () => {
    const error = problemsOf({ OTT_TIMEOUT_MS: 'soon' });
    expect(error.problems.map((p) => p.variable)).toEqual([
      'OTT_API_URL',
      'OTT_MERCHANT_ID',
      'OTT_OPERATOR_ID',
      'OTT_SIGN_KEY',
      'OTT_CALLBACK_URL',
      'OTT_TIMEOUT_MS',
    ]);
  });

  it.each([
    ['15 characters', SIGN_KEY.slice(1)],
    ['17 characters', `${SIGN_KEY}Z`],
    ['a symbol', `${SIGN_KEY.slice(1)}!`],
    ['an inner space', `${SIGN_KEY.slice(0, 8)} ${SIGN_KEY.slice(9)}`],
  ])('refuses a sign key of %s without ever showing it', (_what, key) => {
    const error = problemsOf({ ...VALID, OTT_SIGN_KEY: key });
    expect(error.message).toContain('OTT_SIGN_KEY');
    expect(error.message).toContain('exactly 16 characters');
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain(key.trim().slice(0, 8));
    expect(JSON.stringify(error.problems)).not.toContain(key.slice(0, 8));
    expect(String(error.stack)).not.toContain(key.slice(0, 8));
  });

  it('never shows a valid sign key either, even when it was put in the wrong variable', () => {
    const error = problemsOf({ ...VALID, OTT_MERCHANT_ID: `${SIGN_KEY}-`, OTT_API_URL: SIGN_KEY, OTT_CURRENCY: SIGN_KEY });
    expect(error.problems).toHaveLength(3);
    expect(error.message).not.toContain(SIGN_KEY);
  });
});

describe('describeConfig', () => {
  it('is loggable: everything but the sign key', () => {
    const config = loadOttConfig(VALID);
    const described = describeConfig(config);
    expect(JSON.stringify(described)).not.toContain(SIGN_KEY);
    expect(described).toMatchObject({ merchantId: 'QC00005496', apiUrl: VALID.OTT_API_URL, signKey: '[redacted]' });
    expect(config.signKey).toBe(SIGN_KEY);
  });
});
