/** A stand-in for OTT Pay's endpoint on 127.0.0.1, for tests of the client and the CLI. */
import { createCipheriv } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { deriveAesKey, digest, seal, unseal, type VerifiedData } from '../../../server/ottpay/codec';
import type { OttConfig } from '../../../server/ottpay/config';

export const TEST_KEY = 'Te5tSignKey0000A';
export const TEST_MERCHANT = 'QC00005496';

export function testConfig(apiUrl: string, overrides: Partial<OttConfig> = {}): OttConfig {
  return {
    apiUrl,
    merchantId: TEST_MERCHANT,
    operatorId: '0000020156',
    signKey: TEST_KEY,
    callbackUrl: 'https://merchant.example.com/ottpay/callback',
    timeoutMs: 2000,
    versions: { mappPay: '1.0', activePay: '1.0', statusQuery: '1.0', refund: '1.0', exRate: '1.0' },
    currency: 'CAD',
    ...overrides,
  };
}

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  envelope: Record<string, unknown>;
  /** The business data, decrypted and verified with TEST_KEY. */
  data: VerifiedData;
}

export type Answer = { status?: number; body?: string | object; hang?: boolean };
export type Script = (request: ReceivedRequest) => Answer;

/** Encrypts a plaintext under a chosen md5, so a test can digest numbers as it likes. */
export function sealPlaintext(plaintext: string, md5: string, key = TEST_KEY): { md5: string; data: string } {
  const cipher = createCipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, key), 'ascii'), null);
  return { md5, data: Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64') };
}

export function success(values: Record<string, string>, key = TEST_KEY): object {
  return { rsp_code: 'SUCCESS', rsp_msg: 'success', ...seal(values, key) };
}

/** A SUCCESS reply whose data holds JSON numbers, digested as `digestAs` renders them. */
export function successWithNumbers(values: Record<string, string | number>, digestAs: Record<string, string>): object {
  return { rsp_code: 'SUCCESS', rsp_msg: 'success', ...sealPlaintext(JSON.stringify(values), digest(digestAs)) };
}

export function failure(code: string, message = code.toLowerCase()): object {
  return { rsp_code: code, rsp_msg: message };
}

export class FakeOtt {
  readonly requests: ReceivedRequest[] = [];
  script: Script = () => ({ status: 500, body: 'no script' });
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let request: ReceivedRequest;
        try {
          const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          const data = unseal({ md5: envelope.md5 as string, data: envelope.data as string }, TEST_KEY);
          request = { headers: req.headers, envelope, data };
        } catch {
          res.writeHead(418).end('the request does not decrypt');
          return;
        }
        this.requests.push(request);
        const answer = this.script(request);
        if (answer.hang) return;
        const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json' });
        res.end(body);
      });
    });
  }

  static async start(): Promise<FakeOtt> {
    const fake = new FakeOtt();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/processV2`;
  }

  answer(script: Script): void {
    this.script = script;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
