/**
 * `npm run test:chaos`: money stays exact under crashes, outages and lost answers.
 *
 * Runs `npm start` as its own process group on a fresh data folder and drives payments, QR
 * collections and refunds through it over HTTP while bad luck strikes: the whole group is killed
 * with SIGKILL at random moments and restarted on the same data, the store is switched off and on,
 * every OTT Pay fault is injected on MAPPPAY, ACTIVEPAY, STATUS_QUERY and REFUND (before and
 * after the sandbox processed the request), and 50 refunds hit one order at once. Then it lets
 * retries, queries and the sweep settle everything, stops the stack, and reconciles every order,
 * attempt and refund against the sandbox's own ledger. Exit 0 only when every figure is 0.
 *
 * It does all of that once per reading of OTT's documents (scripts/chaos-readings.ts), each on a
 * fresh stack and data folder, with the sandbox's OTT_SANDBOX_READINGS and the functions' settings
 * of the reading: the default reading with full rounds, then the others with shorter rounds.
 *
 * Options: --seed N (repeatable runs), --rounds N (crash rounds of a full round, default 6),
 * --readings sample|all|default (default sample: the default, functions V2, and --sample N
 * readings, default 2, chosen by the seed; all: every reading and functions V2), --reading NAME=VALUE (repeatable: one set of these readings alone),
 * --short / --full (every set with short or full rounds), --json (figures as JSON).
 */
import { spawn, type ChildProcess } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { isEntryPoint } from '../server/app/entry-point';
import { documentToOrder } from '../server/orders/documents';
import type { Order } from '../server/orders/model';
import { COLLECTIONS } from '../server/orders/store';
import { LocalCloudBaseDatabase } from '../local/cloudbase/database';
import { freePort } from '../local/free-port';
import { reconcile, type AcquirerTransaction, type DriverRequest, type Figures, type Information } from './chaos-reconcile';
import { applyReadings, DEFAULT_READINGS, type Readings } from '../local/sandbox/readings';
import { DEFAULT_SET, FUNCTION_SETTINGS, OTHER_SETS, readingSet, ReadingUsageError, refundDelayMs, sampleSets, V2_SET, type ReadingSet } from './chaos-readings';

const ROOT = resolve(__dirname, '..');
const STAFF = 'o-local-staff';
const OTT_TIMEOUT_MS = 1000;
/** OTT_TIMEOUT_MS plus the functions' margin: after this a retry asks OTT again under a new attempt. */
const IN_FLIGHT_MS = OTT_TIMEOUT_MS + 2_000;
const RESPONSE_MODES = ['SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT', 'CORRUPT_DATA', 'WRONG_MD5'] as const;
const ACTIONS = ['MAPPPAY', 'ACTIVEPAY', 'STATUS_QUERY', 'REFUND'] as const;

interface Options {
  seed: number;
  rounds: number;
  json: boolean;
  readings: 'sample' | 'all' | 'default';
  sample: number;
  /** --reading assignments: run this one set alone. */
  assignments: string[];
  roundsOf: 'mixed' | 'short' | 'full';
}

/** How much bad luck one set gets. */
interface Profile {
  name: 'full' | 'short';
  crashRounds: number;
  outageRounds: number;
  /** How long each of the 32 OTT fault settings lasts. */
  faultLoadMs: number;
}

function profile(name: Profile['name'], options: Options): Profile {
  return name === 'full'
    ? { name, crashRounds: options.rounds, outageRounds: 4, faultLoadMs: 400 }
    : { name, crashRounds: 2, outageRounds: 2, faultLoadMs: 200 };
}

/** A small seeded generator, so that a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PaymentRequest extends DriverRequest {
  kind: 'pay' | 'qr';
  openid: string;
  amountCents: number;
  tipCents: number;
  /** Payment details were handed out for it. */
  issued: boolean;
}

interface RefundRequest {
  orderId: string;
  requestId: string;
  amountCents: number;
  /** What the last answer said: accepted (and its state), refused, or no answer at all. */
  answer: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'refused' | 'none';
}

type CallReply = { ok: true; [key: string]: unknown } | { ok: false; code: string; orderId?: string };

class Chaos {
  private child: ChildProcess | null = null;
  private readonly rand: () => number;
  readonly payments: PaymentRequest[] = [];
  readonly refunds: RefundRequest[] = [];
  readonly paidOrders = new Set<string>();
  private sequence = 0;
  /** Set from a kill until the restart: the load stops, as payers would find the service gone. */
  private down = false;
  log: string[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly ports: { sandbox: number; cloud: number },
    seed: number,
    private readonly readings: ReadingSet,
  ) {
    this.rand = random(seed);
  }

  get sandbox(): string {
    return `http://127.0.0.1:${this.ports.sandbox}`;
  }

  get cloud(): string {
    return `http://127.0.0.1:${this.ports.cloud}`;
  }

  note(line: string): void {
    this.log.push(line);
    process.stderr.write(`chaos [${this.readings.name}]: ${line}\n`);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)];
  }

  chance(p: number): boolean {
    return this.rand() < p;
  }

  newId(label: string): string {
    this.sequence += 1;
    return `${label}-${this.sequence.toString(36)}-${Math.floor(this.rand() * 1e9).toString(36)}`;
  }

  /** `npm start` in a process group of its own, so that SIGKILL takes all of it at once. */
  async start(): Promise<void> {
    const env = {
      ...process.env,
      LOCAL_DATA_DIR: this.dataDir,
      OTT_SANDBOX_PORT: String(this.ports.sandbox),
      LOCAL_CLOUD_PORT: String(this.ports.cloud),
      OTT_TIMEOUT_MS: String(OTT_TIMEOUT_MS),
      SWEEP_INTERVAL_MS: '1000',
      SWEEP_PENDING_AFTER_MS: '1000',
      SWEEP_MAX_INTERVAL_MS: '2000',
      REFUND_CHECK_AFTER_MS: '0',
      QUERY_PENDING_AFTER_MS: '1000',
      QUERY_THROTTLE_MS: '500',
      // the writes beside a payment (its shipping information, its notice) run through every fault too
      WECHAT_SHIPPING_UPLOAD: 'self-pickup',
      RECEIPT_TEMPLATE_ID: 'chaos-payment-notice',
      RECEIPT_FIELDS: 'amount:amount1,time:time2,order:character_string3',
      OTT_SANDBOX_READINGS: JSON.stringify(this.readings.sandbox),
      ...Object.fromEntries(FUNCTION_SETTINGS.map((name) => [name, this.readings.functions[name] ?? ''])),
    };
    const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', () => undefined);
    this.child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const [sandbox, cloud] = await Promise.all([fetch(`${this.sandbox}/sandbox/readings`), fetch(`${this.cloud}/`)]);
        if (sandbox.ok && cloud.ok) {
          await this.checkReadings((await sandbox.json()) as Readings);
          this.down = false;
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('the local stack did not start within 30 s');
      await sleep(100);
    }
  }

  /** The sandbox must be reading OTT's documents as the set says, or the round would prove nothing. */
  private async checkReadings(running: Readings): Promise<void> {
    const expected = applyReadings(DEFAULT_READINGS, this.readings.sandbox);
    if (JSON.stringify(running) !== JSON.stringify(expected)) {
      await this.kill();
      throw new Error(`the sandbox runs with the readings ${JSON.stringify(running)}, not ${JSON.stringify(expected)}`);
    }
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    this.down = true;
    const child = this.child;
    if (!child || child.pid === undefined) return;
    const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
    await exited;
    // npm exits first; wait for the rest of the group (tsx, node) to be gone as well
    for (let i = 0; i < 200; i++) {
      try {
        process.kill(-child.pid, 0);
        await sleep(50);
      } catch {
        break;
      }
    }
    this.child = null;
  }

  kill(): Promise<void> {
    return this.stopWith('SIGKILL');
  }

  stop(): Promise<void> {
    return this.stopWith('SIGTERM');
  }

  async post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, json };
  }

  /** A cloud function call as the mini-program makes it; null when no answer came (a crash, a timeout). */
  async call(name: string, event: object, openid: string): Promise<CallReply | null> {
    try {
      const reply = await this.post(`${this.cloud}/functions/${name}`, event, { 'x-wx-openid': openid });
      return reply.status === 200 ? ((reply.json as { result: CallReply }).result ?? null) : null;
    } catch {
      return null;
    }
  }

  async setFaults(patch: object): Promise<void> {
    await this.post(`${this.sandbox}/sandbox/faults`, patch).catch(() => undefined);
  }

  async setStore(available: boolean): Promise<void> {
    await this.post(`${this.cloud}/local/store`, { available }).catch(() => undefined);
  }

  /** One payment (or QR collection), retried with the same request id if it was asked before. */
  async pay(request?: PaymentRequest, payerAlwaysPays = false): Promise<void> {
    const kind = request?.kind ?? (this.chance(0.2) ? 'qr' : 'pay');
    const r: PaymentRequest = request ?? {
      kind,
      openid: kind === 'qr' ? STAFF : `o-chaos-${Math.floor(this.rand() * 40)}`,
      requestId: this.newId(kind),
      amountCents: 100 + Math.floor(this.rand() * 20_000),
      tipCents: this.chance(0.4) ? Math.floor(this.rand() * 500) : 0,
      issued: false,
    };
    if (!request) this.payments.push(r);
    const event = { amountCents: r.amountCents, tipCents: r.tipCents, requestId: r.requestId, ...(kind === 'pay' && r.amountCents % 2 === 0 ? { receipt: true } : {}) };
    const result = await this.call(kind === 'qr' ? 'collectByQr' : 'createPayment', event, r.openid);
    if (!result) return;
    if (!result.ok) {
      if (result.orderId) r.orderId = result.orderId;
      return;
    }
    r.issued = true;
    if (kind === 'qr') {
      const order = result.order as { orderId: string };
      r.orderId = order.orderId;
      if (this.chance(0.85)) await this.post(`${this.sandbox}/sandbox/wallet/scan`, { codeUrl: result.codeUrl, outcome: 'success' }).catch(() => undefined);
      return;
    }
    r.orderId = result.orderId as string;
    const outcome = payerAlwaysPays || this.chance(0.8) ? 'success' : this.chance(0.5) ? 'cancel' : 'walk away';
    if (outcome === 'walk away') return;
    const wallet = await this.post(`${this.sandbox}/sandbox/wallet/pay`, { ...(result.payment as object), outcome }).catch(() => null);
    if (wallet?.status === 200 && outcome === 'success') this.paidOrders.add(r.orderId);
  }

  async refund(orderId: string, amountCents: number, request?: RefundRequest): Promise<CallReply | null> {
    const r: RefundRequest = request ?? { orderId, requestId: this.newId('rf'), amountCents, answer: 'none' };
    if (!request) this.refunds.push(r);
    const reply = await this.call('refund', { orderId: r.orderId, amountCents: r.amountCents, requestId: r.requestId }, STAFF);
    if (reply) r.answer = reply.ok ? (reply.refund as { state: RefundRequest['answer'] }).state : 'refused';
    return reply;
  }

  /** A whole number of ms from `min` to `max`. */
  between(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min));
  }

  /** Mixed traffic: new payments, retries of unanswered ones, refunds of paid orders. */
  async load(ms: number, concurrency = 6): Promise<void> {
    const until = Date.now() + ms;
    const worker = async () => {
      while (Date.now() < until && !this.down) {
        const unanswered = this.payments.filter((p) => !p.issued);
        const paid = [...this.paidOrders];
        const roll = this.rand();
        if (roll < 0.15 && unanswered.length > 0) await this.pay(this.pick(unanswered));
        else if (roll < 0.35 && paid.length > 0) await this.refund(this.pick(paid), 1 + Math.floor(this.rand() * 300));
        else await this.pay();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
}

async function crashRounds(chaos: Chaos, rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    if (round % 2 === 0) await chaos.setFaults({ delayMs: chaos.between(0, 300), duplicate: 2 });
    const running = chaos.load(3_000);
    const at = chaos.between(300, 2_800);
    await sleep(at);
    await chaos.kill();
    await running;
    chaos.note(`crash round ${round}: SIGKILL after ${at} ms, ${chaos.payments.length} payment requests so far`);
    await chaos.start();
  }
  await chaos.setFaults({ delayMs: 0, duplicate: 1 });
}

async function outages(chaos: Chaos, rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    const running = chaos.load(2_000);
    await sleep(chaos.between(300, 1_100));
    await chaos.setStore(false);
    await sleep(chaos.between(200, 600));
    await chaos.setStore(true);
    await running;
  }
  chaos.note(`store outages: ${rounds} rounds`);
}

async function ottFaults(chaos: Chaos, loadMs: number): Promise<void> {
  let applied = 0;
  for (const action of ACTIONS) {
    for (const mode of RESPONSE_MODES) {
      for (const afterProcessing of mode === 'CORRUPT_DATA' || mode === 'WRONG_MD5' ? [true] : [false, true]) {
        await chaos.setFaults({ response: { mode, actions: [action], times: 3, afterProcessing, replyAfterMs: mode === 'TIMEOUT' ? 1_500 : null } });
        await chaos.load(loadMs, 4);
        applied++;
      }
    }
  }
  await chaos.setFaults({ response: null });
  chaos.note(`OTT faults: ${applied} settings (${ACTIONS.join(', ')} × ${RESPONSE_MODES.join(', ')}, before and after processing)`);
}

async function concurrentRefunds(chaos: Chaos): Promise<void> {
  const request: PaymentRequest = { kind: 'pay', openid: 'o-chaos-refunds', requestId: chaos.newId('bulk'), amountCents: 10_000, tipCents: 0, issued: false };
  chaos.payments.push(request);
  await chaos.pay(request, true);
  if (!request.orderId || !chaos.paidOrders.has(request.orderId)) throw new Error('the order for the concurrent refunds was not paid');
  await sleep(500);
  const replies = await Promise.all(Array.from({ length: 50 }, () => chaos.refund(request.orderId!, 700)));
  const codes = new Map<string, number>();
  for (const reply of replies) {
    const key = reply === null ? 'no answer' : reply.ok ? 'ok' : reply.code;
    codes.set(key, (codes.get(key) ?? 0) + 1);
  }
  chaos.note(`50 concurrent refunds of 7.00 on a 100.00 order: ${[...codes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

/**
 * Retries, as a payer tapping Pay again would, every request that never got payment details: once
 * the in-flight window has passed, each must get them (or a definitive answer) within two tries.
 */
async function deadRequests(chaos: Chaos): Promise<PaymentRequest[]> {
  const unanswered = chaos.payments.filter((p) => !p.issued);
  for (let pass = 0; pass < 2; pass++) {
    await sleep(IN_FLIGHT_MS + 200);
    const waiting = unanswered.filter((p) => !p.issued);
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let r = waiting.pop(); r; r = waiting.pop()) await chaos.pay(r);
    }));
  }
  const dead = unanswered.filter((p) => !p.issued);
  chaos.note(`retried ${unanswered.length} requests that never got payment details; ${dead.length} still have none`);
  return dead;
}

async function acquirerLedger(chaos: Chaos): Promise<AcquirerTransaction[]> {
  const response = await fetch(`${chaos.sandbox}/sandbox/transactions`);
  const { transactions } = (await response.json()) as { transactions: AcquirerTransaction[] };
  const out: AcquirerTransaction[] = [];
  for (const t of transactions) {
    const detail = (await (await fetch(`${chaos.sandbox}/sandbox/transactions/${t.orderId}`)).json()) as { refunds: AcquirerTransaction['refunds'] };
    const refunds = detail.refunds.map(({ refundOrderId, amount, createdAt }) => ({ refundOrderId, amount, createdAt }));
    out.push({ orderId: t.orderId, state: t.state, amount: t.amount, tip: t.tip, refunded: t.refunded, refunds });
  }
  return out;
}

/**
 * Lets retries, call-backs, queries and the sweep finish: every refund request retried until it is
 * no longer pending, for up to a minute plus the time OTT takes to show a refund.
 */
async function settle(chaos: Chaos, refundDelay: number): Promise<void> {
  const allowedMs = 60_000 + refundDelay;
  const deadline = Date.now() + allowedMs;
  for (;;) {
    let open = 0;
    for (const r of chaos.refunds.filter((x) => x.answer === 'PENDING' || x.answer === 'none')) {
      await chaos.refund(r.orderId, r.amountCents, r);
      if (r.answer === 'PENDING' || r.answer === 'none') open++;
    }
    const ledger = await acquirerLedger(chaos);
    const waiting = ledger.filter((t) => ['success', 'partial_refunded', 'fully_refunded'].includes(t.state)).length;
    const paidAtOtt = new Set(ledger.filter((t) => ['success', 'partial_refunded', 'fully_refunded'].includes(t.state)).map((t) => t.orderId.slice(0, 28)));
    let unsettled = 0;
    for (const p of chaos.payments.filter((x) => x.orderId && paidAtOtt.has(x.orderId))) {
      const reply = await chaos.call('queryPayment', { orderId: p.orderId }, p.openid);
      const state = reply?.ok ? (reply.order as { state: string }).state : 'unknown';
      if (!['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'REVIEW'].includes(state)) unsettled++;
    }
    if (open === 0 && unsettled === 0) {
      chaos.note(`settled: ${waiting} paid transactions at the acquirer`);
      return;
    }
    if (Date.now() > deadline) {
      chaos.note(`still unsettled after ${allowedMs / 1000} s: ${open} refunds pending, ${unsettled} paid orders not PAID`);
      return;
    }
    await sleep(1_000);
  }
}

async function storedOrders(dataDir: string): Promise<Order[]> {
  const database = new LocalCloudBaseDatabase({ dir: join(dataDir, 'cloud'), readOnly: true });
  return (await database.documents(COLLECTIONS.orders)).map(documentToOrder);
}

const USAGE = 'options: --seed N, --rounds N, --readings sample|all|default, --sample N, --reading NAME=VALUE, --short, --full, --json';

function wholeNumber(option: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 0) throw new ReadingUsageError(`${option} takes a whole number`);
  return value;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { seed: Date.now() % 1_000_000, rounds: 6, json: false, readings: 'sample', sample: 2, assignments: [], roundsOf: 'mixed' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--seed') options.seed = wholeNumber(arg, argv[++i]);
    else if (arg === '--rounds') options.rounds = Math.max(5, wholeNumber(arg, argv[++i]));
    else if (arg === '--sample') options.sample = wholeNumber(arg, argv[++i]);
    else if (arg === '--reading') options.assignments.push(argv[++i] ?? '');
    else if (arg === '--short' || arg === '--full') options.roundsOf = arg === '--short' ? 'short' : 'full';
    else if (arg === '--readings') {
      const mode = argv[++i];
      if (mode !== 'sample' && mode !== 'all' && mode !== 'default') throw new ReadingUsageError('--readings takes sample, all or default');
      options.readings = mode;
    } else throw new ReadingUsageError(`unknown option ${arg} (${USAGE})`);
  }
  return options;
}

/** The sets to run, each with its rounds: the default in full, the others short, unless --short or --full says otherwise. */
function plan(options: Options): { set: ReadingSet; profile: Profile }[] {
  const sets =
    options.assignments.length > 0
      ? [readingSet(options.assignments)]
      : [DEFAULT_SET, ...(options.readings === 'all' ? OTHER_SETS : options.readings === 'sample' ? [V2_SET, ...sampleSets(options.sample, random(options.seed))] : [])];
  return sets.map((set) => {
    const rounds = options.roundsOf === 'mixed' ? (set === DEFAULT_SET || options.assignments.length > 0 ? 'full' : 'short') : options.roundsOf;
    return { set, profile: profile(rounds, options) };
  });
}

export function printFigures(figures: Figures, extra: Record<string, number>, information?: Information): string {
  const rows = Object.entries({ ...extra, ...figures, ...(information ?? {}) });
  const width = Math.max(...rows.map(([k]) => k.length));
  const infoKeys = new Set(Object.keys(information ?? {}));
  return rows.map(([k, v]) => `${k.replace(/_/g, ' ').padEnd(width)}  ${v}${infoKeys.has(k) ? '  (information)' : ''}`).join('\n');
}

interface SetResult {
  reading: string;
  rounds: Profile['name'];
  extra: Record<string, number>;
  figures: Figures;
  information: Information;
  /** The data folder, kept when a figure is not 0. */
  kept?: string;
}

async function runSet(set: ReadingSet, rounds: Profile, seed: number): Promise<SetResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ottpay-chaos-'));
  const chaos = new Chaos(dataDir, { sandbox: await freePort(), cloud: await freePort() }, seed, set);
  const started = Date.now();
  chaos.note(`${rounds.name} rounds, seed ${seed}, data in ${dataDir}`);
  try {
    await chaos.start();
    await crashRounds(chaos, rounds.crashRounds);
    await outages(chaos, rounds.outageRounds);
    await ottFaults(chaos, rounds.faultLoadMs);
    await concurrentRefunds(chaos);
    await chaos.kill();
    chaos.note('final crash in the middle of settling');
    await chaos.start();
    const dead = await deadRequests(chaos);
    await settle(chaos, refundDelayMs(set));
    const readAt = new Date();
    const ledger = await acquirerLedger(chaos);
    await chaos.stop();
    const orders = await storedOrders(dataDir);
    const { figures, information, details } = reconcile(orders, ledger, chaos.payments, dead, { refundBookingDelayMs: refundDelayMs(set), at: readAt });
    const extra = {
      payment_requests: chaos.payments.length,
      orders: orders.length,
      attempts: orders.reduce((n, o) => n + o.attempts.length, 0),
      paid_orders: orders.filter((o) => ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(o.state)).length,
      refund_requests: chaos.refunds.length,
      refunds_succeeded: orders.reduce((n, o) => n + o.refunds.filter((r) => r.state === 'SUCCEEDED').length, 0),
      acquirer_transactions: ledger.length,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    for (const line of details.slice(0, 50)) process.stderr.write(`  [${set.name}] ${line}\n`);
    const failed = Object.values(figures).some((v) => v !== 0);
    if (!failed) rmSync(dataDir, { recursive: true, force: true });
    return { reading: set.name, rounds: rounds.name, extra, figures, information, ...(failed ? { kept: dataDir } : {}) };
  } finally {
    await chaos.kill();
  }
}

function failures(result: SetResult): number {
  return Object.values(result.figures).reduce((sum, v) => sum + v, 0);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const runs = plan(options);
  process.stderr.write(`chaos: seed ${options.seed}; readings: ${runs.map((r) => `${r.set.name} (${r.profile.name})`).join(', ')}\n`);
  const results: SetResult[] = [];
  for (const { set, profile: rounds } of runs) {
    const result = await runSet(set, rounds, options.seed);
    results.push(result);
    if (!options.json) process.stdout.write(`\n== reading: ${result.reading} (${result.rounds} rounds) ==\n${printFigures(result.figures, result.extra, result.information)}\n`);
  }
  const failed = results.filter((r) => failures(r) > 0);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ seed: options.seed, readings: results.map((r) => ({ reading: r.reading, rounds: r.rounds, ...r.extra, ...r.figures, information: r.information })) })}\n`);
  } else {
    const width = Math.max(...results.map((r) => r.reading.length));
    process.stdout.write(`\n${'reading'.padEnd(width)}  rounds  seconds  failure figures  information\n`);
    for (const r of results) {
      const information = Object.values(r.information).reduce((sum, v) => sum + v, 0);
      process.stdout.write(`${r.reading.padEnd(width)}  ${r.rounds.padEnd(6)}  ${String(r.extra.seconds).padStart(7)}  ${String(failures(r)).padStart(15)}  ${String(information).padStart(11)}\n`);
    }
  }
  for (const r of failed) {
    const repeat = r.reading === DEFAULT_SET.name ? ' --readings default' : ` --reading ${r.reading.split(' ').join(' --reading ')}`;
    process.stderr.write(`chaos: FAILED under ${r.reading}: repeat with npm run test:chaos -- --seed ${options.seed}${repeat} --${r.rounds}; data kept in ${r.kept}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}

if (isEntryPoint(__filename)) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(error instanceof ReadingUsageError ? `chaos: ${error.message}\n` : `chaos: ${error.stack ?? error.message}\n`);
      process.exit(2);
    },
  );
}
