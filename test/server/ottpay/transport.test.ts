import * as http from 'http';
import type { AddressInfo } from 'net';
import { postJson, TransportError } from '../../../server/ottpay/transport';

let server: http.Server;
let url: string;
let handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/processV2`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failureOf(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected a TransportError');
}

describe('postJson', () => {
  it('reuses one connection for consecutive requests, as a warm instance does', async () => {
    handler = (_req, _body, res) => res.writeHead(200).end('{}');
    await postJson(url, {}, 1000);
    const before = connections;
    for (let i = 0; i < 20; i++) expect((await postJson(url, { i }, 1000)).status).toBe(200);
    expect(connections - before).toBe(0);
  });

  it('treats a connection the server closed under a request as a network failure, and does not send it again', async () => {
    let received = 0;
    handler = (req) => {
      received += 1;
      req.socket.destroy();
    };
    const error = await failureOf(postJson(url, {}, 1000));
    expect(error.kind).toBe('network');
    expect(received).toBe(1);
  });

  it('posts JSON and returns the status and the text of the reply', async () => {
    handler = (req, body, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], accept: req.headers.accept, body: JSON.parse(body) }));
    };
    const reply = await postJson(url, { action: 'STATUS_QUERY', remarks: '可以' }, 1000);
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.text)).toEqual({
      method: 'POST',
      type: 'application/json; charset=utf-8',
      accept: 'application/json',
      body: { action: 'STATUS_QUERY', remarks: '可以' },
    });
  });

  it('returns non-2xx replies for the caller to judge', async () => {
    handler = (_req, _body, res) => res.writeHead(503).end('busy');
    expect(await postJson(url, {}, 1000)).toEqual({ status: 503, text: 'busy' });
  });

  it('times out when no reply comes, within the deadline', async () => {
    handler = () => undefined;
    const started = Date.now();
    const error = await failureOf(postJson(url, {}, 300));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('times out when the reply starts but never ends: the deadline covers the whole body', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"rsp_code":');
    };
    const started = Date.now();
    expect((await failureOf(postJson(url, {}, 300))).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a connection cut in the middle of the reply as a network error', async () => {
    handler = (req, _body, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"rsp_code":', () => req.socket.destroy());
    };
    expect((await failureOf(postJson(url, {}, 2000))).kind).toBe('network');
  });

  it('reports a refused connection as a network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failureOf(postJson(`http://127.0.0.1:${port}/`, {}, 1000));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('refuses a reply larger than 1 MB', async () => {
    handler = (_req, _body, res) => res.writeHead(200).end('x'.repeat(1024 * 1024 + 1));
    expect((await failureOf(postJson(url, {}, 2000))).kind).toBe('network');
  });

  it('refuses an endpoint that is not an http(s) URL', async () => {
    expect((await failureOf(postJson('not a url', {}, 1000))).kind).toBe('network');
    expect((await failureOf(postJson('ftp://127.0.0.1/', {}, 1000))).kind).toBe('network');
  });
});
