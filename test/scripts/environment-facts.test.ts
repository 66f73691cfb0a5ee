import { describeEnvironment, platformLines, readEnvironmentFacts } from '../../scripts/environment-facts';
import { certificateLine, describeObserved } from '../../scripts/platform-probes';
import { startTencentCloudStandIn } from './tencent-cloud-stand-in';

describe('what DescribeEnvs says of an environment', () => {
  it('tells V1 from V2 by Functions[].Backend, and says so when it cannot', () => {
    expect(readEnvironmentFacts({ Functions: [{ Namespace: 'env-1', Backend: 'scf' }], Databases: [{ InstanceId: 'd' }] })).toMatchObject({ backend: 'v1', database: 'document' });
    expect(readEnvironmentFacts({ Functions: [{ Namespace: 'env-1', Backend: 'CBF' }], Databases: [{ InstanceId: 'd' }] })).toMatchObject({ backend: 'v2' });
    expect(readEnvironmentFacts({ Functions: [{ Namespace: 'env-1' }] })).toMatchObject({ backend: 'unknown', database: 'unknown' });
    expect(platformLines(readEnvironmentFacts({ Functions: [{ Namespace: 'env-1' }] })).map((l) => l.level)).toEqual(['warn', 'warn']);
  });

  it('refuses a PG-mode environment, and says how to get one that works', () => {
    const facts = readEnvironmentFacts({ Functions: [{ Backend: 'cbf' }], Databases: [], PostgreSQL: [{ Name: 'pg' }] });
    expect(facts.database).toBe('postgresql');
    const [database, functions] = platformLines(facts);
    expect(database).toMatchObject({ level: 'FAIL', detail: expect.stringContaining('create the environment from WeChat DevTools') });
    expect(functions.detail).toContain('cloudbaserc.v2.json');
    expect(functions.detail).toContain('CLOUDBASE_APIKEY');
  });

  it('asks through Tencent Cloud’s own SDK, signed with the ops credentials', async () => {
    const standIn = await startTencentCloudStandIn({ EnvId: 'env-1', Functions: [{ Namespace: 'env-1', Backend: 'cbf' }], Databases: [{ InstanceId: 'd' }] });
    try {
      const facts = await describeEnvironment({ TCB_API_ENDPOINT: standIn.endpoint, TCB_ENV_ID: 'env-1', TCB_SECRET_ID: 'AKIDlocal', TCB_SECRET_KEY: 'secret' });
      expect(facts).toMatchObject({ backend: 'v2', database: 'document' });
      const [request] = standIn.requests;
      expect(request.headers['x-tc-action']).toBe('DescribeEnvs');
      expect(request.headers['x-tc-version']).toBe('2018-06-08');
      // the SDK names the service by the endpoint's first label: `tcb` for tcb.tencentcloudapi.com, `127` here
      expect(String(request.headers.authorization)).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDlocal\/\d{4}-\d{2}-\d{2}\/127\/tc3_request, SignedHeaders=.+, Signature=[0-9a-f]{64}$/);
      expect(request.body).toEqual({ EnvId: 'env-1' });
      await expect(describeEnvironment({ TCB_API_ENDPOINT: standIn.endpoint, TCB_ENV_ID: 'env-9', TCB_SECRET_ID: 'AKIDlocal', TCB_SECRET_KEY: 'secret' })).rejects.toThrow('does not list the environment env-9');
    } finally {
      await standIn.close();
    }
  });
});

describe('the platform as the sweep function sees it', () => {
  it('reads V2 from the framework’s context, and V1 from the integrated request', () => {
    expect(describeObserved({ http: 'framework', node: 'v24.11.1', environment: { CLOUDBASE_APIKEY: true, TCB_ENV: false } })).toBe(
      'the function runs on V2 (the functions framework: HTTP details in context), Node v24.11.1, the database through CLOUDBASE_APIKEY, no TCB_ENV (CLOUDBASE_ENV_ID names the environment)',
    );
    expect(describeObserved({ http: 'integrated', node: 'v24.11.1', environment: { TENCENTCLOUD_SECRETID: true, TCB_ENV: true } })).toContain('V1');
  });
});

describe('OTT Pay’s certificate keys', () => {
  it('warns of an RSA key Node 24 refuses, and names every key', () => {
    expect(certificateLine('frontapi.ottpay.com', [{ subject: 'frontapi.ottpay.com', bits: 2048, rsa: true }, { subject: 'CA', bits: 4096, rsa: true }])).toMatchObject({ level: 'ok' });
    const weak = certificateLine('frontapi.ottpay.com', [{ subject: 'frontapi.ottpay.com', bits: 1024, rsa: true }, { subject: 'CA', bits: 256, rsa: false }]);
    expect(weak.level).toBe('warn');
    expect(weak.detail).toContain('frontapi.ottpay.com RSA 1024, CA EC 256');
    expect(weak.detail).toContain('Nodejs20.19');
  });
});
