/**
 * `npm run --silent ops -- <command>`: the on-call tool for a merchant's developer. See USAGE.
 *
 * Target: the CloudBase environment given by TCB_ENV_ID, TCB_SECRET_ID and TCB_SECRET_KEY, or the
 * local stack with --local (LOCAL_DATA_DIR): through the running `npm start` over HTTP when one
 * holds the folder (its store has one writer), otherwise the embedded store itself, read-only but
 * for requery. requery also needs the OTT_* settings (the local stack's sandbox defaults with --local).
 */
import { createWriteStream } from 'fs';
import { join, resolve } from 'path';
import { localDay } from '../server/app/calendar';
import { calendarDate, NotDone, readCommandLine, refuseFlagsNpmTook, runTool, UsageError, wholeNumber } from '../server/app/command-line';
import { isEntryPoint } from '../server/app/entry-point';
import { jsonLineLogger } from '../server/app/log';
import type { Platform } from '../server/app/platform';
import { loadPaymentSettings, merchantTimeZone } from '../server/app/settings';
import { createCloudBaseStore, isMissingCollection, type CloudBaseDatabaseLike } from '../server/orders/cloudbase-store';
import { CLOUDBASE_INDEXES } from '../server/orders/indexes';
import type { ChangeContext } from '../server/orders/history';
import { heldCents, toOrderView, type Order } from '../server/orders/model';
import { acceptReview, recordOttRefund, releaseRefund, type Refusal, type Resolution } from '../server/orders/review-exits';
import { LocalCloudBaseDatabase } from '../local/cloudbase/database';
import { runProbe, type ProbeDatabase } from './database-probe';
import { staffCommand, STAFF_USAGE } from './ops-staff';
import { localOrderStore, releaseInProcess } from '../local/cloudbase/sdk-bindings';
import { allOf, createdCursor, openRefundCursor, pagesOf } from '../server/orders/paging';
import { COLLECTIONS, type OrderStore } from '../server/orders/store';
import { OttClient } from '../server/ottpay/client';
import { ConfigError, loadOttConfig } from '../server/ottpay/config';
import { updateOrder } from '../server/payments/order-updates';
import { advanceRefund } from '../server/payments/refund';
import { checkRefundedAmounts, inspectOrder, type AttemptAnswer } from '../server/payments/settlement';
import { acquireDataLock, DataDirInUseError, lockHolder } from '../local/data-lock';
import { SANDBOX_CREDENTIALS } from '../local/sandbox-credentials';
import { csvHeader, csvRows } from './reconciliation';
import { money, reviewLines } from './review';
import { sweepFreshness } from './sweep-freshness';
import { describeEnvironment, platformLines, type PlatformLine } from './environment-facts';
import { checkOttCertificates, checkSweepRoute, describeObserved, probeSweepRoute } from './platform-probes';

export const USAGE = `usage: npm run --silent ops -- [--local] <command>

  review [--older-than-minutes N]  what needs a person: orders in REVIEW (double charges included), orders
                                   pending past the abandon age, refunds unresolved for N minutes (default 10)
  show ORDER_ID                    one order with its attempts, refunds, history and raw call-backs (JSON)
  requery ORDER_ID                 ask OTT Pay about the order now (every unsettled attempt, the refund waiting, and the
                                   refunded amount of each paid attempt) and apply the answers; exit 1 if OTT does not answer
  accept ORDER_ID --by NAME --why TEXT
                                   settle an order in REVIEW by keeping the money OTT reports on it as its payment (a double
                                   charge kept, or its extra payment refunded through the product first; another amount; a
                                   payment after the order was given up)
  record-refund ORDER_ID --amount CENTS [--attempt OTT_ORDER_ID] --by NAME --why TEXT
                                   record a refund made in OTT's merchant center, once OTT's refunded amount shows it
  release-refund ORDER_ID --by NAME --why TEXT
                                   release the refund waiting for OTT, once OTT's refunded amount shows it was never
                                   booked and OTT never acknowledged it
${STAFF_USAGE}
  export YYYY-MM-DD [--out FILE]   that day's orders (merchant time zone) as CSV, oldest first, on stdout or into FILE
  setup                            CloudBase: create the collections, and list the indexes to add in the console
  doctor [--probe]                 check an environment: store reachable, configuration complete, call-back URL answers,
                                   sweeps recent, function platform (V1/V2) and database mode, the sweep's HTTP route
                                   (SWEEP_URL, SWEEP_SECRET), OTT Pay's certificate keys; --probe (CloudBase): a few raw
                                   database requests, CloudBase's replies beside the local database's, and what the
                                   functions see of their platform

  --local   the local stack (LOCAL_DATA_DIR) instead of CloudBase (TCB_ENV_ID, TCB_SECRET_ID, TCB_SECRET_KEY)
  --help    this text
`;

const COMMANDS = ['review', 'show', 'requery', 'accept', 'record-refund', 'release-refund', 'staff', 'export', 'setup', 'doctor'] as const;
/** Commands that change an order by hand: who and why go into its history. */
const RESOLUTIONS = ['accept', 'record-refund', 'release-refund'];
/** Commands that write, through the folder's lock when the local stack is not running. */
const WRITERS = ['requery', 'staff', ...RESOLUTIONS];
type Command = (typeof COMMANDS)[number];

/** The parts of @cloudbase/node-sdk's database that setup uses besides the store's. */
type CloudBaseDatabase = CloudBaseDatabaseLike & { createCollection(name: string): Promise<unknown> };

export interface Target {
  store: OrderStore;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
  /** CloudBase only: the database, for setup. */
  database?: CloudBaseDatabase;
}

export interface OpsOptions {
  /** The store and settings to work on (the running stack's own, for a command it forwards). */
  target?: Target;
  /** Opens the CloudBase database (tests give a stand-in). */
  cloudbase?: (env: NodeJS.ProcessEnv) => CloudBaseDatabase;
}

function localEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const sandboxPort = env.OTT_SANDBOX_PORT || '8700';
  return {
    ...env,
    OTT_API_URL: env.OTT_API_URL || `http://127.0.0.1:${sandboxPort}/processV2`,
    OTT_MERCHANT_ID: env.OTT_MERCHANT_ID || SANDBOX_CREDENTIALS.merchantId,
    OTT_OPERATOR_ID: env.OTT_OPERATOR_ID || SANDBOX_CREDENTIALS.operatorId,
    OTT_SIGN_KEY: env.OTT_SIGN_KEY || SANDBOX_CREDENTIALS.signKey,
    OTT_CALLBACK_URL: env.OTT_CALLBACK_URL || `http://127.0.0.1:${env.LOCAL_CLOUD_PORT || '8701'}/http/ottpay/callback`,
  };
}

/** The local database's files when no stack runs: read-only, but for requery, which takes the folder's lock while it writes. */
async function openLocal(env: NodeJS.ProcessEnv, command: Command): Promise<Target> {
  const dataDir = resolve(env.LOCAL_DATA_DIR ?? '.local-data');
  const open = (readOnly: boolean, release: () => void = () => undefined): Target => {
    const database = new LocalCloudBaseDatabase({ dir: join(dataDir, 'cloud'), readOnly });
    const close = async () => {
      database.close();
      releaseInProcess(database);
      release();
    };
    return { store: localOrderStore(database), env: localEnv(env), close };
  };
  if (!WRITERS.includes(command)) return open(true);
  const lock = acquireDataLock(dataDir, `npm run ops -- ${command}`);
  return open(false, () => lock.release());
}

function nodeSdkDatabase(env: NodeJS.ProcessEnv): CloudBaseDatabase {
  // Loaded only here: --local never needs the CloudBase SDK.
  const tcb = require('@cloudbase/node-sdk') as { init(options: object): { database(): unknown } };
  return tcb.init({ env: env.TCB_ENV_ID, secretId: env.TCB_SECRET_ID, secretKey: env.TCB_SECRET_KEY }).database() as CloudBaseDatabase;
}

function openCloudBase(env: NodeJS.ProcessEnv, options: OpsOptions): Target {
  const missing = ['TCB_ENV_ID', 'TCB_SECRET_ID', 'TCB_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) throw new UsageError(`set ${missing.join(', ')} (or use --local for the local stack)`);
  const database = (options.cloudbase ?? nodeSdkDatabase)(env);
  return { store: createCloudBaseStore(database, { wrapWrites: false }), env, database, close: async () => undefined };
}

function platformFor(target: Target): Platform {
  const ottConfig = loadOttConfig(target.env);
  return {
    settings: loadPaymentSettings(target.env),
    ottConfig,
    ott: new OttClient(ottConfig),
    store: target.store,
    now: () => new Date(),
    log: jsonLineLogger((line) => process.stderr.write(line + '\n')),
  };
}

/** Runs the command inside the `npm start` that holds the data folder, printing what it prints. */
async function throughStack(cloudUrl: string, args: string[], out: (text: string) => void): Promise<void> {
  const response = await fetch(`${cloudUrl}/local/ops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args }) });
  if (response.status === 400) throw new UsageError(await response.text());
  if (response.status === 409) throw new NotDone(await response.text());
  if (!response.ok || !response.body) throw new Error(`the running stack answered HTTP ${response.status}: ${await response.text()}`);
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) out(decoder.decode(chunk, { stream: true }));
}

async function review(target: Target, minutes: number, out: (text: string) => void): Promise<void> {
  const settings = loadPaymentSettings(target.env);
  const now = Date.now();
  const abandonedBefore = new Date(now - settings.closeAbandonedAfterMs).toISOString();
  const [inReview, pending, refunding] = await Promise.all([
    allOf(pagesOf((last, limit) => target.store.listOrdersByState(['REVIEW'], { limit, after: createdCursor(last) }))),
    allOf(pagesOf((last, limit) => target.store.listOrdersByState(['CREATED', 'PAYING'], { createdBefore: abandonedBefore, limit, after: createdCursor(last) }))),
    allOf(pagesOf((last, limit) => target.store.listOrdersWithOpenRefund(new Date(now - minutes * 60_000).toISOString(), { limit, after: openRefundCursor(last) }))),
  ]);
  out(reviewLines({ review: inReview, pending, refunding }, settings, new Date(now)));
  const freshness = sweepFreshness(await target.store.getSweepState(), new Date(now));
  out(`\nSweep: ${freshness.ok ? '' : 'WARNING: '}${freshness.text}\n`);
}

async function exportDay(target: Target, date: string, out: (text: string) => void): Promise<void> {
  const day = localDay(merchantTimeZone(loadPaymentSettings(target.env)), new Date(), date);
  out(csvHeader());
  const pages = pagesOf((last, limit) =>
    target.store.listOrdersCreatedBetween(day.start.toISOString(), day.end.toISOString(), { limit, after: last && { createdAt: last.createdAt, orderId: last.orderId } }),
  );
  for await (const page of pages) out(csvRows(page));
}

function describeAnswer(ottOrderId: string, answer: AttemptAnswer): string {
  if (answer.kind === 'status') return `${ottOrderId} ${answer.result.rawStatus}, refund_fee ${answer.result.refundedCents}`;
  return `${ottOrderId} ${answer.kind === 'unknown_order' ? 'unknown to OTT Pay' : 'no answer'} (${answer.code})`;
}

async function requery(target: Target, order: Order, out: (text: string) => void): Promise<void> {
  const platform = platformFor(target);
  const answers: string[] = [];
  const known = new Map<string, AttemptAnswer>();
  let unanswered = false;
  let after = await inspectOrder(platform, order, 'ops', {
    force: true,
    onAnswer: (ottOrderId, answer) => {
      answers.push(describeAnswer(ottOrderId, answer));
      known.set(ottOrderId, answer);
      unanswered ||= answer.kind === 'unknown';
    },
  });
  after = await advanceRefund(platform, after, 'ops');
  const refunds = await checkRefundedAmounts(platform, after, 'ops', known);
  after = refunds.order;
  answers.push(...refunds.answers.map(([ottOrderId, answer]) => describeAnswer(ottOrderId, answer)));
  unanswered ||= refunds.answers.some(([, answer]) => answer.kind === 'unknown');
  const open = after.refunds.find((r) => r.state === 'PENDING');
  out(`${order.orderId}: ${order.state} -> ${after.state}\n`);
  out(`  OTT Pay: ${answers.length > 0 ? answers.join('; ') : 'nothing to ask about the payment (every attempt is settled)'}\n`);
  if (open) out(`  refund ${open.refundId} is still waiting for OTT Pay (sent ${open.sends} time(s)${open.acknowledged ? `, OTT answered ${open.acknowledged}: it holds it` : ''})\n`);
  if (after.state === 'REVIEW') out(`  in review (${after.reviewKind ?? 'unknown'}): ${after.reviewReason ?? ''}\n`);
  if (unanswered) throw new NotDone('OTT Pay did not answer: nothing was learned; try again');
}

function resolution(values: Record<string, unknown>): Resolution {
  const by = typeof values.by === 'string' ? values.by.trim() : '';
  const why = typeof values.why === 'string' ? values.why.trim() : '';
  if (by === '' || why === '') throw new UsageError('say who settles it and why: --by NAME --why TEXT (both go into the order\'s history)');
  return { by, why };
}

/** Applies a change by hand, or says why it cannot be made. */
async function settleByHand(target: Target, order: Order, change: (o: Order, ctx: ChangeContext) => Order | Refusal, out: (text: string) => void): Promise<void> {
  const platform = platformFor(target);
  let refusal: string | undefined;
  const { order: after, changed } = await updateOrder(platform, order, 'ops', (current, ctx) => {
    const result = change(current, ctx);
    if ('refused' in result) {
      refusal = result.refused;
      return null;
    }
    return result;
  });
  if (!changed) throw new NotDone(refusal ?? 'nothing changed');
  out(`${order.orderId}: ${order.state} -> ${after.state}; refunded ${money(after.refundedCents)} of ${money(heldCents(after))} held\n`);
  const open = after.refunds.find((r) => r.state === 'PENDING');
  if (open) out(`  refund ${open.refundId} of ${money(open.amountCents)} still waits for OTT Pay: it will be sent again unless OTT holds it; \`release-refund\` once OTT shows it never booked it\n`);
}

/** OTT's refunded amount of an attempt, asked now; NotDone when OTT does not answer. */
async function refundFeeOf(target: Target, ottOrderId: string): Promise<number> {
  const outcome = await platformFor(target).ott.statusQuery(ottOrderId);
  if (outcome.kind !== 'ok') throw new NotDone(`OTT Pay did not answer about ${ottOrderId} (${outcome.code}): nothing was changed`);
  return outcome.value.refundedCents;
}

async function recordRefund(target: Target, order: Order, values: Record<string, unknown>, out: (text: string) => void): Promise<void> {
  const who = resolution(values);
  const amountCents = wholeNumber('amount', values.amount as string | undefined, 0);
  if (amountCents < 1) throw new UsageError('--amount takes the refund in cents, at least 1');
  const paid = order.attempts.filter((a) => a.state === 'PAID');
  const oriOrderId = (values.attempt as string | undefined) ?? (paid.length === 1 ? paid[0].ottOrderId : undefined);
  if (oriOrderId === undefined) throw new UsageError(`the order has ${paid.length} paid attempts: name the one refunded with --attempt (${paid.map((a) => a.ottOrderId).join(', ')})`);
  const refundFeeCents = await refundFeeOf(target, oriOrderId);
  const refundId = `M${order.refunds.length + 1}${Date.now().toString(36)}`.toUpperCase();
  await settleByHand(target, order, (o, ctx) => recordOttRefund(o, { refundId, oriOrderId, amountCents, refundFeeCents }, who, ctx), out);
}

async function acceptByHand(target: Target, order: Order, values: Record<string, unknown>, out: (text: string) => void): Promise<void> {
  const who = resolution(values);
  await settleByHand(target, order, (o, ctx) => acceptReview(o, who, ctx), out);
}

async function releaseOpenRefund(target: Target, order: Order, values: Record<string, unknown>, out: (text: string) => void): Promise<void> {
  const who = resolution(values);
  const open = order.refunds.find((r) => r.state === 'PENDING');
  if (!open) throw new NotDone('the order has no refund waiting for OTT Pay');
  const refundFeeCents = await refundFeeOf(target, open.oriOrderId);
  await settleByHand(target, order, (o, ctx) => releaseRefund(o, refundFeeCents, who, ctx), out);
}

async function show(target: Target, order: Order, out: (text: string) => void): Promise<void> {
  const callbacks = (await Promise.all(order.attempts.map((a) => target.store.listCallbacks({ orderId: a.ottOrderId, limit: 50 })))).flat();
  out(JSON.stringify({ order, view: toOrderView(order), callbacks }, null, 2) + '\n');
}

async function setup(target: Target, out: (text: string) => void): Promise<void> {
  if (!target.database) throw new UsageError('setup works on CloudBase only (the local stack needs none)');
  for (const name of Object.values(COLLECTIONS)) {
    const reply = (await target.database.createCollection(name).catch((error: unknown) => error)) as { code?: string; message?: string } | undefined;
    const exists = reply?.code === 'DATABASE_COLLECTION_ALREADY_EXIST' || /already exist/i.test(reply?.message ?? '');
    if (reply?.code && !exists) throw new NotDone(`creating ${name} failed: ${reply.code} ${reply.message ?? ''}`);
    out(`collection ${name}: ${exists ? 'already there' : 'created'}\n`);
  }
  // node-sdk has no call that makes an index: they are made by hand, once, in the console
  out('\nNow in the CloudBase console (WeChat DevTools → 云开发 / Cloud Development → 数据库 / Database), for each collection:\n');
  out('  1. 数据权限 / Permissions: choose "仅管理端可读写" (only the admin side and cloud functions may read and write).\n');
  out('  2. 索引管理 / Indexes → 新建索引 / Add index, once per line below: the name, then each field in this order with\n');
  out('     its direction (升序 = asc, 降序 = desc), 非唯一 / not unique.\n');
  for (const [name, indexes] of Object.entries(CLOUDBASE_INDEXES)) {
    for (const index of indexes) out(`  ${name}: ${index.name}: ${index.fields.map((f) => `${f.field} ${f.direction}`).join(' + ')}\n`);
  }
  out('Each ends with the field its listing breaks ties on; without these indexes a large collection makes listings time out.\n');
}

async function doctor(target: Target, out: (text: string) => void): Promise<void> {
  let failed = 0;
  const check = (ok: boolean, what: string, detail: string) => {
    if (!ok) failed += 1;
    out(`${ok ? 'ok  ' : 'FAIL'}  ${what}: ${detail}\n`);
  };
  /** Worth a look, but not a broken deployment (a new environment has not swept yet). */
  const warnIf = (warn: boolean, what: string, detail: string) => out(`${warn ? 'warn' : 'ok  '}  ${what}: ${detail}\n`);
  const report = (line: PlatformLine) => (line.level === 'warn' ? warnIf(true, line.what, line.detail) : check(line.level === 'ok', line.what, line.detail));
  const reads: Record<string, () => Promise<unknown>> = {
    [COLLECTIONS.orders]: () => target.store.listDueOrders(new Date().toISOString(), 1),
    [COLLECTIONS.callbacks]: () => target.store.listCallbacks({ limit: 1 }),
    [COLLECTIONS.sweeps]: () => target.store.getSweepState(),
    [COLLECTIONS.staff]: () => target.store.getStaff(),
  };
  for (const name of Object.values(COLLECTIONS)) {
    const error = await reads[name]().then(() => null, (e: Error) => e);
    check(error === null, `collection ${name}`, error === null ? 'reachable' : `${error.message}${isMissingCollection((error as { cause?: unknown }).cause) ? '' : ` (${String((error as { cause?: { message?: string } }).cause?.message ?? '')})`}`);
  }
  const state = await target.store.getSweepState().catch(() => undefined);
  if (state !== undefined) {
    const freshness = sweepFreshness(state, new Date());
    warnIf(!freshness.ok, 'sweep', freshness.text);
  }
  let callbackUrl: string | undefined;
  try {
    callbackUrl = loadOttConfig(target.env).callbackUrl;
    check(true, 'OTT Pay settings', 'complete');
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems.map((p) => `${p.variable} ${p.problem}`).join('; ') : (error as Error).message;
    check(false, 'OTT Pay settings', problems);
  }
  try {
    merchantTimeZone(loadPaymentSettings(target.env));
    check(true, 'payment settings', 'complete');
  } catch (error) {
    check(false, 'payment settings', (error as Error).message);
  }
  const staff = await target.store.getStaff().catch(() => undefined);
  if (staff !== undefined) {
    const owners = staff.members.filter((m) => m.role === 'owner').length;
    check(owners > 0, 'staff', owners > 0 ? `${owners} owner(s), ${staff.members.length - owners} other staff` : 'no owner: nobody can refund or manage staff (ops staff add USER_ID --owner --by NAME)');
  }
  if (callbackUrl !== undefined) {
    const reply = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(10_000) }).then(
      async (r) => ({ status: r.status, text: (await r.text()).slice(0, 80) }),
      (e: Error) => ({ status: 0, text: e.message }),
    );
    check(reply.status === 400 && reply.text === 'FAIL', 'call-back URL', reply.status === 400 ? `${callbackUrl} answers and refuses an unsigned call-back` : `${callbackUrl} answered ${reply.status || 'nothing'} ${JSON.stringify(reply.text)}; expected 400 FAIL from paymentCallback`);
  }
  if (target.database) {
    const facts = await describeEnvironment(target.env).then((f) => f, (e: Error) => e);
    if (facts instanceof Error) warnIf(true, 'platform', `could not ask Tencent Cloud (DescribeEnvs): ${facts.message}`);
    else platformLines(facts).forEach(report);
  }
  const route = await checkSweepRoute(target.env);
  if (route) report(route);
  const tls = await checkOttCertificates(target.env);
  if (tls) warnIf(tls.level !== 'ok', tls.what, tls.detail);
  if (failed > 0) throw new NotDone(`${failed} check(s) failed`);
}

/** Two overlapping calls of the sweep's route: what the function sees of its platform, and that the lease lets one run. */
async function probePlatform(env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<void> {
  out('\nthe platform, as the functions see it\n');
  if (!env.SWEEP_URL?.trim()) {
    out('  SWEEP_URL is not set: set it (and SWEEP_SECRET) to the sweep\'s HTTP route to see what a function is handed\n');
  } else {
    const probes = await Promise.all([probeSweepRoute(env), probeSweepRoute(env)].map((p) => p.catch((error: Error) => ({ status: 0, reply: null, text: error.message }))));
    for (const [i, probe] of probes.entries()) {
      out(`  call ${i + 1} of 2 at once: HTTP ${probe?.status ?? 0} ${probe?.reply ? `ran: ${probe.reply.ran}; ${describeObserved(probe.reply.observed)}` : JSON.stringify(probe?.text ?? '')}\n`);
      if (probe?.reply?.observed) out(`    ${JSON.stringify(probe.reply.observed)}\n`);
    }
    const ran = probes.filter((p) => p?.reply?.ran === true).length;
    out(`  ${ran === 1 ? 'one ran, the other found the lease held (as it should)' : `${ran} ran: the lease did not keep them apart, or a call failed`}\n`);
  }
  out('  a call from the mini-program: open its Pay page, then read the first `platform.observed` line in exchangeRate\'s log\n');
  out('  (CloudBase console → 云函数 → exchangeRate → 日志): callerSource is "context" on V2, "environment" on V1.\n');
}

async function run(args: string[], env: NodeJS.ProcessEnv, out: (text: string) => void, options: OpsOptions = {}): Promise<void> {
  refuseFlagsNpmTook(['local', 'older-than-minutes', 'out', 'by', 'why', 'amount', 'attempt', 'probe', 'name', 'owner'], env);
  const { values, positionals, help } = readCommandLine(args, {
    local: { type: 'boolean', default: false },
    'older-than-minutes': { type: 'string' },
    out: { type: 'string' },
    by: { type: 'string' },
    why: { type: 'string' },
    amount: { type: 'string' },
    attempt: { type: 'string' },
    probe: { type: 'boolean', default: false },
    name: { type: 'string' },
    owner: { type: 'boolean', default: false },
  });
  const [command, ...params] = positionals;
  if (help || command === undefined || command === 'help') {
    out(USAGE);
    return;
  }
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command ${command}`);
  const expected = ['show', 'requery', 'export', ...RESOLUTIONS].includes(command) ? 1 : 0;
  if (command !== 'staff' && params.length !== expected) throw new UsageError(expected === 0 ? `${command} takes no argument` : `${command} takes ${command === 'export' ? 'a date YYYY-MM-DD' : 'an ORDER_ID'}`);
  const minutes = wholeNumber('older-than-minutes', values['older-than-minutes'] as string | undefined, 10);
  if (command === 'export') calendarDate(params[0], 'export');
  if (values.out !== undefined && command !== 'export') throw new UsageError('--out goes with export');
  if (values.probe === true && (command !== 'doctor' || values.local === true)) throw new UsageError('--probe goes with doctor, on CloudBase');
  if (values.why !== undefined && !RESOLUTIONS.includes(command)) throw new UsageError(`--why goes with ${RESOLUTIONS.join(', ')}`);
  if (values.by !== undefined && !RESOLUTIONS.includes(command) && command !== 'staff') throw new UsageError(`--by goes with ${RESOLUTIONS.join(', ')} and staff`);
  if ((values.name !== undefined || values.owner === true) && command !== 'staff') throw new UsageError('--name and --owner go with staff add');
  for (const option of ['amount', 'attempt'] as const) {
    if (values[option] !== undefined && command !== 'record-refund') throw new UsageError(`--${option} goes with record-refund`);
  }

  if (values.out !== undefined) {
    const file = createWriteStream(values.out as string);
    const forwarded = args.filter((a, i) => a !== '--out' && args[i - 1] !== '--out' && !a.startsWith('--out='));
    try {
      await run(forwarded, env, (text) => file.write(text), options);
    } finally {
      await new Promise<void>((resolveEnd) => file.end(() => resolveEnd()));
    }
    return;
  }

  const local = values.local === true;
  if (local && !options.target) {
    const dataDir = resolve(env.LOCAL_DATA_DIR ?? '.local-data');
    const holder = lockHolder(dataDir);
    if (holder?.cloudUrl) return throughStack(holder.cloudUrl, args.filter((a) => a !== '--local'), out);
    if (holder) throw new DataDirInUseError(dataDir, holder);
  }
  const target = options.target ?? (local ? await openLocal(env, command as Command) : openCloudBase(env, options));
  try {
    if (command === 'review') return await review(target, minutes, out);
    if (command === 'export') return await exportDay(target, params[0], out);
    if (command === 'setup') return await setup(target, out);
    if (command === 'doctor' && values.probe === true) {
      await runProbe(target.database as unknown as ProbeDatabase, out);
      return await probePlatform(target.env, out);
    }
    if (command === 'doctor') return await doctor(target, out);
    if (command === 'staff') return await staffCommand(target.store, params, values, out);
    const order = await target.store.getOrder(params[0]);
    if (!order) throw new NotDone(`no order ${params[0]}`);
    if (command === 'requery') return await requery(target, order, out);
    if (command === 'accept') return await acceptByHand(target, order, values, out);
    if (command === 'record-refund') return await recordRefund(target, order, values, out);
    if (command === 'release-refund') return await releaseOpenRefund(target, order, values, out);
    return await show(target, order, out);
  } finally {
    await target.close();
  }
}

export { run as runOps, UsageError, NotDone };

if (isEntryPoint(__filename)) runTool('ops', () => run(process.argv.slice(2), process.env, (text) => process.stdout.write(text)));
