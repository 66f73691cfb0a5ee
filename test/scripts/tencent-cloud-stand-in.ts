/** A stand-in for Tencent Cloud's API endpoint: answers DescribeEnvs with the environment given, and keeps each request's headers. */
import { createServer, type IncomingHttpHeaders } from 'http';
import type { AddressInfo } from 'net';

export interface TencentCloudStandIn {
  endpoint: string;
  requests: { headers: IncomingHttpHeaders; body: unknown }[];
  close(): Promise<void>;
}

export async function startTencentCloudStandIn(environment: Record<string, unknown>): Promise<TencentCloudStandIn> {
  const requests: TencentCloudStandIn['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      const answer = req.headers['x-tc-action'] === 'DescribeEnvs' ? { EnvList: [environment], Total: 1, RequestId: 'r-1' } : { Error: { Code: 'InvalidAction', Message: 'not here' }, RequestId: 'r-2' };
      res.end(JSON.stringify({ Response: answer }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
