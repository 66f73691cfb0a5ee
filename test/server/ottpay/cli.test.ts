import * as path from 'path';
import { environmentWithout, ROOT, runScript, type Run } from '../../run-script';
import { failure, FakeOtt, sealPlaintext, success, TEST_KEY, TEST_MERCHANT } from './fake-ott';

const CLI = path.join(ROOT, 'server/ottpay/cli.ts');

const TV1 = {
  signKey: '6698851A525C9433',
  plaintext:
    '{"orderId":"1234567890","idCardName":"张三","idCardNum":"123456789012345678","bankCardNum":"62000000000010","mobile":"13711111111","idCardType":"1"}',
  output:
    '{"md5":"C12F9560769C2CB55E6954935B325916","data":"Y2+GoqBBPc6EJ9JzXRFoOziKd+DqWg5FiUZY1IYoVBVv0xfFznT9/qanMpiNEamEN2NM7J+hxoRn8VGSJImA2soeip9nYr+VJvTXe7D8j4aXiKyFipuPVCQLiCDg3jkJP+S2EezYMf7crqKY/YAni1CCeIwr2aJfFVT1vYhsWIm8t3eyPL//cY4kwombAKhE2gAdEFXz6gVvencz80aRWQ=="}\n',
};

const TV2 = {
  signKey: 'A8B5FE540E38A5A9',
  envelope:
    '{"data":"vg8LJmi7ryeVxUTVfPC6N1l5ebL9cgn4MdlyLFEL6eqZQN+XvkvNhZevFmRitDLTUTcAcRnKYs407K3ePY2pslEgZYDoa9x80PBh95s7aqAYCwUlY5j9IUtklLlzqNT0mFPS7Fn5p6cr1EkBRVh82QHueCdkWVoFhvVHVYYrwQqF5cmPO+JNuDOei6goomz1QTfvv7M8zc4TT+r/EwKIDm4eoV9EeTk98gSiUy4+2ThLRrtZOFHqVP7OAjJ318X2EIKoZRA5lp42kdRVmd/mXi8aZpTVEiAT2GK7p3TNXFNXuPLcl6DhEUK9FLMrHcl4","rsp_code":"SUCCESS","rsp_msg":"success","merchant_id":"ON00004652","md5":"5A917182659DE14DCB3022CA6518F34F"}',
  plaintext:
    '{"amount":"3","bizpay_order_id":"AL5909918566288061","exchange_rate":"5.057030","tip":"1","merchant_id":"ON00004652","order_id":"16795056216014900","finish_time":"2023-03-23 01:21:53","remarks":"可以","sub_openId":"2088032832386722"}',
};

function runCli(args: string[], options: { stdin?: string; env?: Record<string, string>; viaTsxCli?: boolean } = {}): Promise<Run> {
  const env = environmentWithout((name) => name.startsWith('OTT_'), options.env);
  return runScript(CLI, args, { env, stdin: options.stdin, viaTsxCli: options.viaTsxCli });
}

function expectOneErrorLine(run: Run, status: number): void {
  expect(run.status).toBe(status);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^error: [^\n]+\n$/);
}

describe('ottpay encrypt', () => {
  it('TV1: prints exactly the documented md5 and data', async () => {
    const run = await runCli(['encrypt', '--sign-key', TV1.signKey], { stdin: TV1.plaintext });
    expect(run).toEqual({ status: 0, stdout: TV1.output, stderr: '' });
  });

  it('takes the sign key from OTT_SIGN_KEY, and runs the same through the npm script runner', async () => {
    const run = await runCli(['encrypt'], { stdin: TV1.plaintext, env: { OTT_SIGN_KEY: TV1.signKey }, viaTsxCli: true });
    expect(run).toEqual({ status: 0, stdout: TV1.output, stderr: '' });
  });

  it('refuses business data that is not a flat object of strings', async () => {
    const run = await runCli(['encrypt', `--sign-key=${TV1.signKey}`], { stdin: '{"amount":100}' });
    expectOneErrorLine(run, 1);
    expect(run.stderr).toContain('"amount" must be a string');
  });
});

describe('ottpay with keys outside the Basic Multilingual Plane (TV8)', () => {
  const plaintext = '{"\uFF01k":"fullwidth","\uD83D\uDE00k":"emoji"}';

  it('encrypts with the md5 of OTT\'s SDK, keys in UTF-16 order', async () => {
    const run = await runCli(['encrypt', '--sign-key', TV1.signKey], { stdin: plaintext });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).md5).toBe('D8AD34E0A9050B1B5573FAD0134AF9EE');
  });

  it('decrypts data digested in that order and refuses the code-point order', async () => {
    const sdk = JSON.stringify({ rsp_code: 'SUCCESS', ...sealPlaintext(plaintext, 'D8AD34E0A9050B1B5573FAD0134AF9EE', TV1.signKey) });
    expect(await runCli(['decrypt', '--sign-key', TV1.signKey], { stdin: sdk })).toEqual({ status: 0, stdout: `${plaintext}\n`, stderr: '' });
    const codePoint = JSON.stringify({ rsp_code: 'SUCCESS', ...sealPlaintext(plaintext, '5370404021DCDC1549C8FB478557ABC0', TV1.signKey) });
    const refused = await runCli(['decrypt', '--sign-key', TV1.signKey], { stdin: codePoint });
    expectOneErrorLine(refused, 1);
    expect(refused.stderr).toContain('MD5_MISMATCH');
  });
});

describe('ottpay decrypt', () => {
  it('TV2: prints the verified business data', async () => {
    const run = await runCli(['decrypt', '--sign-key', TV2.signKey], { stdin: TV2.envelope });
    expect(run).toEqual({ status: 0, stdout: `${TV2.plaintext}\n`, stderr: '' });
  });

  it('refuses a tampered envelope with one line on stderr and exit status 1', async () => {
    const tampered = TV2.envelope.replace('5A917182659DE14DCB3022CA6518F34F', '5A917182659DE14DCB3022CA6518F34E');
    const run = await runCli(['decrypt', '--sign-key', TV2.signKey], { stdin: tampered });
    expectOneErrorLine(run, 1);
    expect(run.stderr).not.toContain(TV2.signKey);
  });

  it('refuses the right envelope under the wrong key', async () => {
    const run = await runCli(['decrypt'], { stdin: TV2.envelope, env: { OTT_SIGN_KEY: TV1.signKey } });
    expectOneErrorLine(run, 1);
    expect(run.stderr).not.toContain(TV1.signKey);
  });
});

describe('ottpay usage errors', () => {
  it('asks for a sign key when there is none, with exit status 2', async () => {
    const run = await runCli(['decrypt'], { stdin: TV2.envelope });
    expectOneErrorLine(run, 2);
    expect(run.stderr).toContain('--sign-key');
    expect(run.stderr).toContain('OTT_SIGN_KEY');
  });

  it('refuses a malformed sign key without repeating it', async () => {
    const run = await runCli(['encrypt', '--sign-key', 'Sh0rtSecretKey'], { stdin: TV1.plaintext });
    expectOneErrorLine(run, 2);
    expect(run.stderr).not.toContain('Sh0rtSecretKey');
  });

  it.each([[[]], [['frobnicate']], [['encrypt', '--verbose']], [['query']], [['query', 'bad-id']], [['rate', 'cad']]])(
    'refuses %j with exit status 2',
    async (args) => {
      expectOneErrorLine(await runCli(args), 2);
    },
  );

  it('prints help on stdout', async () => {
    const run = await runCli(['help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('encrypt [--sign-key KEY]');
    expect(run.stderr).toBe('');
  });
});

describe('ottpay query and rate', () => {
  let ott: FakeOtt;
  let env: Record<string, string>;

  beforeAll(async () => {
    ott = await FakeOtt.start();
    env = {
      OTT_API_URL: ott.url,
      OTT_MERCHANT_ID: TEST_MERCHANT,
      OTT_OPERATOR_ID: '0000020156',
      OTT_SIGN_KEY: TEST_KEY,
      OTT_CALLBACK_URL: 'https://merchant.example.com/ottpay/callback',
    };
  });
  afterAll(() => ott.stop());

  it('query prints the typed STATUS_QUERY result', async () => {
    ott.answer((r) => ({ body: success({ order_id: r.data.order_id as string, order_status: 'success', total_amount: '1250', refund_fee: '0' }) }));
    const run = await runCli(['query', 'A1001'], { env });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ orderId: 'A1001', status: 'paid', rawStatus: 'success', totalAmountCents: 1250, refundedCents: 0 });
    expect(ott.requests.at(-1)?.envelope.action).toBe('STATUS_QUERY');
  });

  it('query reports an unknown outcome as one line and exit status 1', async () => {
    ott.answer(() => ({ body: failure('PROCESSING', 'in progress') }));
    const run = await runCli(['query', 'A1001'], { env });
    expectOneErrorLine(run, 1);
    expect(run.stderr).toBe('error: unknown PROCESSING: in progress\n');
  });

  it('rate prints the rate of the configured currency, or of the one asked for', async () => {
    ott.answer((r) => ({ body: success({ feeType: r.data.fee_type as string, rate: '650000000' }) }));
    const configured = await runCli(['rate'], { env });
    expect(JSON.parse(configured.stdout)).toEqual({ feeType: 'CAD', rateE8: 650000000, rate: 6.5 });
    const asked = await runCli(['rate', 'USD'], { env });
    expect(JSON.parse(asked.stdout)).toEqual({ feeType: 'USD', rateE8: 650000000, rate: 6.5 });
  });

  it('names the missing settings, never the sign key', async () => {
    const run = await runCli(['query', 'A1001'], { env: { OTT_SIGN_KEY: TEST_KEY, OTT_API_URL: ott.url } });
    expectOneErrorLine(run, 2);
    expect(run.stderr).toContain('OTT_MERCHANT_ID is missing');
    expect(run.stderr).toContain('OTT_CALLBACK_URL is missing');
    expect(run.stderr).not.toContain(TEST_KEY);
  });
});

describe('ottpay --local', () => {
  it('asks the local stack’s sandbox with its credentials, needing no OTT_* variable', async () => {
    const { startSandbox } = await import('../../../local/sandbox');
    const { mkdtempSync } = await import('fs');
    const { tmpdir } = await import('os');
    const sandbox = await startSandbox({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), 'ottpay-cli-local-')) });
    try {
      const rate = await runCli(['rate', '--local'], { env: { OTT_SANDBOX_PORT: String(sandbox.port) } });
      expect(rate.status).toBe(0);
      expect(JSON.parse(rate.stdout)).toMatchObject({ feeType: 'CAD', rate: 5.2 });
      const query = await runCli(['query', 'NOSUCHORDER', '--local'], { env: { OTT_SANDBOX_PORT: String(sandbox.port) } });
      expectOneErrorLine(query, 1);
      expect(query.stderr).toContain('rejected FAIL');
    } finally {
      await sandbox.close();
    }
  });

  it('refuses options that do not go with the command, and unknown ones', async () => {
    expectOneErrorLine(await runCli(['encrypt', '--local', '--sign-key', TV1.signKey], { stdin: TV1.plaintext }), 2);
    expectOneErrorLine(await runCli(['query', 'A1', '--sign-key', TV1.signKey]), 2);
    const unknown = await runCli(['rate', '--frobnicate']);
    expectOneErrorLine(unknown, 2);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
  });
});
