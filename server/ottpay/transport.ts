/**
 * One JSON POST over node:http / node:https with a single deadline that covers connecting,
 * sending and reading the whole reply. Never retries.
 */
import * as http from 'http';
import * as https from 'https';

export interface HttpReply {
  status: number;
  text: string;
}

export type TransportFailure = 'timeout' | 'network';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Anything that can carry a request to OTT Pay; tests and other runtimes inject their own. */
export type Transport = (url: string, body: object, timeoutMs: number) => Promise<HttpReply>;

const MAX_REPLY_BYTES = 1024 * 1024;

function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ? `network error (${code})` : `network error (${(error as Error | undefined)?.message ?? 'unknown'})`;
}

export const postJson: Transport = (url, body, timeoutMs) =>
  new Promise<HttpReply>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new TransportError('network', 'the endpoint is not a valid URL'));
      return;
    }
    const send = target.protocol === 'https:' ? https.request : target.protocol === 'http:' ? http.request : undefined;
    if (!send) {
      reject(new TransportError('network', 'the endpoint is not an http or https URL'));
      return;
    }
    const payload = Buffer.from(JSON.stringify(body), 'utf8');

    let settled = false;
    const settle = (outcome: HttpReply | TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (outcome instanceof TransportError) {
        request.destroy();
        reject(outcome);
      } else {
        resolve(outcome);
      }
    };

    // A fresh connection per request: a reused keep-alive socket that the server already closed
    // would turn a request that was never delivered into an outcome we cannot know.
    const request = send(
      target,
      {
        method: 'POST',
        agent: false,
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': payload.length,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) {
            settle(new TransportError('network', `reply larger than ${MAX_REPLY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => settle({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => settle(new TransportError('network', describeNetworkError(error))));
        response.on('close', () => settle(new TransportError('network', 'connection closed before the reply was complete')));
      },
    );
    const deadline = setTimeout(() => {
      settle(new TransportError('timeout', `no complete reply within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) => settle(new TransportError('network', describeNetworkError(error))));
    request.end(payload);
  });
