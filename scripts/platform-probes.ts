/**
 * Checks of a deployed environment from the outside, for `ops doctor`: the sweep's HTTP route
 * (which also says what the function sees of its platform), and the keys of OTT Pay's TLS
 * certificates (Node 24's OpenSSL refuses RSA keys under 2048 bits).
 */
import { connect, type DetailedPeerCertificate } from 'tls';
import type { PlatformLine } from './environment-facts';

interface SweepRouteReply {
  ok?: boolean;
  ran?: boolean;
  heldUntil?: string | null;
  report?: { checked?: number; moreDue?: boolean };
  observed?: { http?: string; callerSource?: string; node?: string; environment?: Record<string, boolean> };
}

/** What the sweep function saw of its platform, in words. */
export function describeObserved(observed: SweepRouteReply['observed']): string {
  if (!observed) return 'it did not say what it sees of its platform';
  const platform = observed.http === 'framework' ? 'V2 (the functions framework: HTTP details in context)' : observed.http === 'integrated' ? 'V1 (the HTTP access service\'s integrated request)' : 'an unknown platform';
  const env = observed.environment ?? {};
  const database = env.CLOUDBASE_APIKEY ? 'the database through CLOUDBASE_APIKEY' : env.TENCENTCLOUD_SECRETID ? 'the database through the temporary keys the platform gives' : 'no database credential';
  return `the function runs on ${platform}, Node ${observed.node ?? '?'}, ${database}${env.TCB_ENV ? '' : ', no TCB_ENV (CLOUDBASE_ENV_ID names the environment)'}`;
}

/** POSTs the sweep's route once with SWEEP_SECRET; null when SWEEP_URL is not set. */
export async function probeSweepRoute(env: NodeJS.ProcessEnv): Promise<{ status: number; reply: SweepRouteReply | null; text: string } | null> {
  const url = env.SWEEP_URL?.trim();
  if (!url) return null;
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${env.SWEEP_SECRET ?? ''}` }, signal: AbortSignal.timeout(70_000) });
  const text = await response.text();
  let reply: SweepRouteReply | null = null;
  try {
    reply = JSON.parse(text) as SweepRouteReply;
  } catch {
    // not the function's JSON: reported as text
  }
  return { status: response.status, reply, text: text.slice(0, 200) };
}

export async function checkSweepRoute(env: NodeJS.ProcessEnv): Promise<PlatformLine | null> {
  if (!env.SWEEP_URL?.trim()) {
    return { level: 'warn', what: 'sweep route', detail: 'SWEEP_URL is not set: not checked (on V2 the route and a scheduler calling it are what sweeps)' };
  }
  const probe = await probeSweepRoute(env).catch((error: Error) => ({ status: 0, reply: null, text: error.message }));
  if (!probe) return null;
  if (probe.status !== 200 || probe.reply?.ok !== true) {
    const why = probe.status === 401 ? 'the secret was refused (SWEEP_SECRET differs from the function\'s)' : probe.status === 503 ? 'the function has no SWEEP_SECRET' : `answered ${probe.status || 'nothing'} ${JSON.stringify(probe.text)}`;
    return { level: 'FAIL', what: 'sweep route', detail: `${env.SWEEP_URL}: ${why}` };
  }
  const run = probe.reply.ran ? `ran (${probe.reply.report?.checked ?? 0} checked)` : `another sweep held the lease until ${probe.reply.heldUntil ?? '?'}`;
  return { level: 'ok', what: 'sweep route', detail: `${run}; ${describeObserved(probe.reply.observed)}` };
}

/** The smallest RSA key Node 24's default OpenSSL security level accepts. */
export const MIN_RSA_BITS = 2048;

interface ChainKey {
  subject: string;
  bits: number | null;
  rsa: boolean;
}

/** The keys of a peer's chain, leaf first. */
function chainKeys(leaf: DetailedPeerCertificate): ChainKey[] {
  const keys: ChainKey[] = [];
  const seen = new Set<string>();
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    const name = cert.subject?.CN;
    keys.push({ subject: (Array.isArray(name) ? name[0] : name) ?? '?', bits: typeof cert.bits === 'number' ? cert.bits : null, rsa: typeof cert.modulus === 'string' });
  }
  return keys;
}

/** A line for doctor from a chain's keys. */
export function certificateLine(host: string, keys: ChainKey[]): PlatformLine {
  const weak = keys.filter((k) => k.rsa && k.bits !== null && k.bits < MIN_RSA_BITS);
  const listed = keys.map((k) => `${k.subject} ${k.rsa ? 'RSA' : 'EC'} ${k.bits ?? '?'}`).join(', ');
  if (weak.length > 0) {
    return { level: 'warn', what: 'OTT Pay certificates', detail: `${host}: ${listed}; Node 24 refuses RSA keys under ${MIN_RSA_BITS} bits: on V1 choose the Nodejs20.19 runtime and ask OTT Pay to renew; V2 runs Node 24 only` };
  }
  return { level: 'ok', what: 'OTT Pay certificates', detail: `${host}: ${listed}` };
}

/** Connects to OTT_API_URL's host over TLS and looks at the keys of its chain; null when it is not HTTPS. */
export async function checkOttCertificates(env: NodeJS.ProcessEnv): Promise<PlatformLine | null> {
  let url: URL;
  try {
    url = new URL(env.OTT_API_URL ?? '');
  } catch {
    return null;
  }
  if (url.protocol !== 'https:') return null;
  const host = url.hostname;
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(url.port || 443), servername: host, timeout: 10_000 }, () => {
      const keys = chainKeys(socket.getPeerCertificate(true));
      socket.end();
      resolve(certificateLine(host, keys));
    });
    const fail = (why: string) => {
      socket.destroy();
      resolve({ level: 'warn', what: 'OTT Pay certificates', detail: `${host}: ${why} (Node ${process.version})` });
    };
    socket.on('error', (error) => fail(error.message));
    socket.on('timeout', () => fail('no TLS handshake within 10 s'));
  });
}
