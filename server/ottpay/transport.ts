/**
 * One JSON POST over node:http / node:https with a single deadline that covers connecting,
 * sending and reading the whole reply. Never retries.
 *
 * Connections are kept open and reused by a warm instance, so an exchange with OTT Pay costs one
 * round trip instead of three or four (TCP, TLS, request); new connections resume cached TLS
 * sessions. An idle connection is closed after IDLE_MS. A request that meets a connection the
 * server has just closed fails before any answer arrives: like every network failure it is an
 * unknown outcome, settled by STATUS_QUERY, and never sent again.
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

/** Idle connections live this long: below the keep-alive timeout of common Java servers (20 s). */
export const IDLE_MS = 15_000;

const agents = {
  http: new http.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
  https: new https.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
};

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
    const secure = target.protocol === 'https:';
    const send = secure ? https.request : target.protocol === 'http:' ? http.request : undefined;
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

    const request = send(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
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
