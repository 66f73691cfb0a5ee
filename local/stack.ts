/**
 * The whole local stack: the OTT Pay sandbox, the local CloudBase database, and the local cloud
 * runtime running the uploaded function bundles (built when stale) with the real wx-server-sdk,
 * wired together with the sandbox credentials by default.
 */
import { randomUUID } from 'crypto';
import { join, resolve } from 'path';
import type { CreatePaymentResult } from '../typings/payments';
import { APP_PAYMENTS, ConfigurationError, configurationProblems } from '../server/app/configuration';
import { documentToOrder } from '../server/orders/documents';
import { orderIdOfAttempt } from '../server/orders/model';
import { COLLECTIONS, type OrderStore } from '../server/orders/store';
import { buildStaleFunctions } from '../scripts/build-functions';
import { NotDone, runOps, UsageError } from '../scripts/ops';
import { LocalCloudBaseDatabase, type DatabaseSwitches } from './cloudbase/database';
import { controlDatabase, DatabaseControlError } from './cloudbase/control';
import { localOrderStore, releaseInProcess } from './cloudbase/sdk-bindings';
import { loadFunctions } from './cloud-runtime/function-registry';
import { ControlRefusal, startCloudRuntime, type CloudRuntime, type FunctionsPlatform } from './cloud-runtime/server';
import { LocalOpenApi } from './cloudbase/open-api';
import { firstOwner } from '../server/staff/merchant-staff';
import { startSweepScheduler } from './cloud-runtime/sweep-scheduler';
import { acquireDataLock, type DataLock } from './data-lock';
import { CONSOLE_PAYER_OPENID, readingsFromEnvironment, startSandbox, type MerchantSide, type Sandbox, type SandboxOptions } from './sandbox';
import { DEFAULT_LOCAL_CLOUD_PORT, DEFAULT_SANDBOX_PORT, SANDBOX_CREDENTIALS } from './sandbox-credentials';

export const CALLBACK_ROUTE = '/ottpay/callback';
/** The sweep's HTTP route, for a scheduler outside CloudBase (functions V2 has no timers). */
export const SWEEP_ROUTE = '/sweep';
/** The openid the local stack makes the owner of an empty staff list (the console's staff user). */
export const LOCAL_STAFF_OPENID = 'o-local-staff';

export interface LocalStackOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  sandboxPort?: number;
  cloudPort?: number;
  /** Period of the sweep timer (V1) or of the local scheduler calling the sweep's route (V2); 0 disables it. */
  sweepIntervalMs?: number;
  /** Which CloudBase function platform the runtime imitates (LOCAL_FUNCTIONS_PLATFORM; 'v1' by default). */
  platform?: FunctionsPlatform;
  sandbox?: Partial<SandboxOptions>;
  log?: (line: string) => void;
  /** Readings and latency of the local CloudBase database. */
  database?: Partial<DatabaseSwitches>;
  /** Told of every request to the local database (the benchmark counts reads). */
  onDatabaseRequest?: (op: string, collection: string) => void;
}

export interface LocalStack {
  sandbox: Sandbox;
  runtime: CloudRuntime;
  /** The local CloudBase database (its fault switches). */
  database: LocalCloudBaseDatabase;
  /** The orders as the stack's tools read them: the production adapter through node-sdk, in-process. */
  store: OrderStore;
  /** WeChat's cloud call as the functions reach it: the shipping information uploaded, and its switches. */
  openApi: LocalOpenApi;
  callbackUrl: string;
  setStoreAvailable(available: boolean): void;
  close(): Promise<void>;
}

function platformFrom(env: NodeJS.ProcessEnv): FunctionsPlatform {
  const value = env.LOCAL_FUNCTIONS_PLATFORM?.trim().toLowerCase() || 'v1';
  if (value !== 'v1' && value !== 'v2') throw new Error("LOCAL_FUNCTIONS_PLATFORM must be 'v1' or 'v2'");
  return value;
}

function portFrom(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const text = env[variable];
  if (text === undefined || text === '') return fallback;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw new Error(`${variable} must be a port number`);
  return Number(text);
}

/** Refuses settings the functions could not run with, before anything starts. */
function checkConfiguration(env: NodeJS.ProcessEnv): void {
  const problems = configurationProblems(
    {
      ...env,
      OTT_API_URL: env.OTT_API_URL || 'http://127.0.0.1/processV2',
      OTT_MERCHANT_ID: env.OTT_MERCHANT_ID || SANDBOX_CREDENTIALS.merchantId,
      OTT_OPERATOR_ID: env.OTT_OPERATOR_ID || SANDBOX_CREDENTIALS.operatorId,
      OTT_SIGN_KEY: env.OTT_SIGN_KEY || SANDBOX_CREDENTIALS.signKey,
      OTT_CALLBACK_URL: env.OTT_CALLBACK_URL || 'http://127.0.0.1/http/ottpay/callback',
      WECHAT_APP_ID: env.WECHAT_APP_ID || SANDBOX_CREDENTIALS.nativeAppId,
    },
    APP_PAYMENTS,
  );
  if (problems.length > 0) throw new ConfigurationError(problems);
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir ?? env.LOCAL_DATA_DIR ?? '.local-data');
  const cloudPort = options.cloudPort ?? portFrom(env, 'LOCAL_CLOUD_PORT', DEFAULT_LOCAL_CLOUD_PORT);
  checkConfiguration(env);
  const lock = acquireDataLock(dataDir, 'npm start');
  try {
    return await startHoldingLock(options, env, log, dataDir, cloudPort, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startHoldingLock(
  options: LocalStackOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  dataDir: string,
  cloudPort: number,
  lock: DataLock,
): Promise<LocalStack> {
  const credentials = {
    merchantId: env.OTT_MERCHANT_ID || SANDBOX_CREDENTIALS.merchantId,
    operatorId: env.OTT_OPERATOR_ID || SANDBOX_CREDENTIALS.operatorId,
    signKey: env.OTT_SIGN_KEY || SANDBOX_CREDENTIALS.signKey,
  };

  // the console's hook: the runtime and the store it uses exist once the sandbox has started
  const merchant: MerchantSide = {
    async createPayment(amountCents, tipCents) {
      const event = { amountCents, tipCents, requestId: `console-${randomUUID()}` };
      const result = (await runtime.invoke('createPayment', event, { openid: CONSOLE_PAYER_OPENID, appid: SANDBOX_CREDENTIALS.appId })) as CreatePaymentResult;
      if (!result.ok) throw new Error(`${result.code} ${result.message}`);
      return { orderId: result.orderId, payment: result.payment };
    },
    async orderState(ottOrderId) {
      // the data itself: the console shows the merchant's state while the database is switched off
      const doc = await database.document(COLLECTIONS.orders, orderIdOfAttempt(ottOrderId));
      const order = doc && documentToOrder(doc);
      return order ? { state: order.state, ...(order.reviewKind ? { reviewKind: order.reviewKind } : {}) } : null;
    },
  };

  const sandbox = await startSandbox({
    port: options.sandboxPort ?? portFrom(env, 'OTT_SANDBOX_PORT', DEFAULT_SANDBOX_PORT),
    dataDir: join(dataDir, 'sandbox'),
    ...credentials,
    appId: SANDBOX_CREDENTIALS.appId,
    nativeAppId: env.WECHAT_APP_ID || SANDBOX_CREDENTIALS.nativeAppId,
    log: (line) => log(`[sandbox] ${line}`),
    merchant,
    readings: readingsFromEnvironment(env),
    ...options.sandbox,
  });

  const database = new LocalCloudBaseDatabase({
    dir: join(dataDir, 'cloud'),
    switches: options.database,
    onRequest: options.onDatabaseRequest,
    onRefusedQuery: (collection, reason) => log(`[database] refused a query on ${collection}: ${reason}`),
  });
  for (const name of Object.values(COLLECTIONS)) {
    if (await database.createCollection(name)) log(`[database] created the collection ${name}`);
  }
  const built = await buildStaleFunctions();
  if (built.length > 0) log(`[cloud] built ${built.join(', ')}`);
  // the stack's own tools (ops, the console) reach the database in-process through the real node-sdk
  const toolStore = localOrderStore(database);
  const openApi = new LocalOpenApi();
  const owner = await firstOwner(toolStore, LOCAL_STAFF_OPENID, 'local stack', new Date().toISOString());
  if (owner.version === 1 && owner.members[0]?.openid === LOCAL_STAFF_OPENID) log(`[database] ${LOCAL_STAFF_OPENID} is the owner on the staff list`);
  const functionEnv: NodeJS.ProcessEnv = {
    ...env,
    OTT_API_URL: env.OTT_API_URL || `${sandbox.url}/processV2`,
    OTT_MERCHANT_ID: credentials.merchantId,
    OTT_OPERATOR_ID: credentials.operatorId,
    OTT_SIGN_KEY: credentials.signKey,
    SWEEP_SECRET: env.SWEEP_SECRET || SANDBOX_CREDENTIALS.sweepSecret,
    OTT_APP_API_URL: env.OTT_APP_API_URL || `${sandbox.url}/inAppPay`,
    WECHAT_APP_ID: env.WECHAT_APP_ID || SANDBOX_CREDENTIALS.nativeAppId,
  };
  const platform = options.platform ?? platformFrom(env);
  const sweepIntervalMs = options.sweepIntervalMs ?? Number(env.SWEEP_INTERVAL_MS || 60_000);
  const callbackUrlOf = (runtimeUrl: string) => env.OTT_CALLBACK_URL || `${runtimeUrl}/http${CALLBACK_ROUTE}`;

  const runtime = await startCloudRuntime({
    port: cloudPort,
    functions: loadFunctions(resolve(__dirname, '..', 'cloudfunctions')),
    database,
    openApi,
    functionEnv: (runtimeUrl) => ({ ...functionEnv, OTT_CALLBACK_URL: callbackUrlOf(runtimeUrl) }),
    routes: { [CALLBACK_ROUTE]: 'paymentCallback', [SWEEP_ROUTE]: 'sweep' },
    appId: SANDBOX_CREDENTIALS.appId,
    platform,
    timerPeriodMs: sweepIntervalMs,
    controls: {
      store: (body) => {
        const available = (body as { available?: unknown }).available;
        if (typeof available === 'boolean') database.unavailable = !available;
        return { available: !database.unavailable };
      },
      // POST /local/open-api {"failNext": {"count": 2, "errcode": 10060001}}: WeChat refuses the next uploads
      'open-api': (body) => {
        const fail = (body as { failNext?: { count?: unknown; errcode?: unknown } }).failNext;
        if (fail !== undefined) {
          if (!Number.isSafeInteger(fail.count) || (fail.count as number) < 1) throw new ControlRefusal('failNext.count must be a whole number from 1');
          const errcode = fail.errcode === undefined ? 10060001 : fail.errcode;
          if (!Number.isSafeInteger(errcode)) throw new ControlRefusal('failNext.errcode must be a whole number');
          openApi.switches.failNext = { count: fail.count as number, errcode: errcode as number, errmsg: errcode === 10060001 ? '支付单不存在' : 'refused by the local stand-in' };
        }
        return { failNext: openApi.switches.failNext, uploads: openApi.uploads.length };
      },
      database: (body) => {
        try {
          return controlDatabase(database, body);
        } catch (error) {
          if (error instanceof DatabaseControlError) throw new ControlRefusal(error.message);
          throw error;
        }
      },
    },
    textControls: {
      // `npm run ops -- … --local` while this stack runs: the command runs here, on this stack's store.
      ops: async (body, write) => {
        const args = (body as { args?: unknown }).args;
        if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new ControlRefusal('args must be a list of strings');
        const target = { store: toolStore, env: { ...functionEnv, OTT_CALLBACK_URL: callbackUrl }, close: async () => undefined };
        await runOps(args, functionEnv, write, { target }).catch((error: unknown) => {
          if (error instanceof UsageError) throw new ControlRefusal(error.message);
          if (error instanceof NotDone) throw new ControlRefusal(error.message, 409);
          throw error;
        });
      },
    },
    log: (line) => log(`[cloud] ${line}`),
  });
  const callbackUrl = callbackUrlOf(runtime.url);
  lock.update({ cloudUrl: runtime.url });
  const scheduler =
    platform === 'v2' && sweepIntervalMs > 0
      ? startSweepScheduler(`${runtime.url}/http${SWEEP_ROUTE}`, functionEnv.SWEEP_SECRET ?? '', sweepIntervalMs, (line) => log(`[scheduler] ${line}`))
      : undefined;

  return {
    sandbox,
    runtime,
    database,
    store: toolStore,
    openApi,
    callbackUrl,
    setStoreAvailable: (available) => {
      database.unavailable = !available;
    },
    close: async () => {
      scheduler?.stop();
      await runtime.close();
      await sandbox.close();
      database.close();
      releaseInProcess(database);
      lock.release();
    },
  };
}
