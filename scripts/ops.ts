/**
 * `npm run ops -- <command>`: the on-call tool for a merchant's developer.
 *
 *   review [--older-than-minutes N]   what needs a person: orders in REVIEW (double charges included), orders
 *                                     pending past the abandon age, refunds unresolved for N minutes (default 10)
 *   show ORDER_ID                     one order with its attempts, refunds, history and raw call-backs
 *   requery ORDER_ID                  ask OTT Pay about the order now (attempts and open refund) and apply the answers
 *   export YYYY-MM-DD                 that day's orders (merchant time zone) as CSV on stdout, oldest first, streamed page by page
 *
 * Target: the CloudBase environment given by TCB_ENV_ID, TCB_SECRET_ID and TCB_SECRET_KEY, or the
 * local stack with --local (LOCAL_DATA_DIR): through the running `npm start` over HTTP when one
 * holds the folder (its store has one writer), otherwise the embedded store itself, read-only but
 * for requery. requery also needs the OTT_* settings (the local stack's sandbox defaults with --local).
 */
import { join, resolve } from 'path';
import { localDay } from '../server/app/calendar';
import { jsonLineLogger } from '../server/app/log';
import type { Platform } from '../server/app/platform';
import { loadPaymentSettings, merchantTimeZone } from '../server/app/settings';
import { createCloudBaseStore } from '../server/orders/cloudbase-store';
import { toOrderView, type Order } from '../server/orders/model';
import { openNedbStore } from '../server/orders/nedb-store';
import { pagesOf } from '../server/orders/paging';
import type { OrderStore } from '../server/orders/store';
import { OttClient } from '../server/ottpay/client';
import { loadOttConfig } from '../server/ottpay/config';
import { advanceRefund } from '../server/payments/refund';
import { inspectOrder } from '../server/payments/settlement';
import { reviewLines } from './review';
import { acquireDataLock, DataDirInUseError, lockHolder } from '../local/data-lock';
import { SANDBOX_CREDENTIALS } from '../local/sandbox-credentials';
import { csvHeader, csvRows } from './reconciliation';
import { isEntryPoint } from '../server/app/entry-point';

class UsageError extends Error {}

export interface Target {
  store: OrderStore;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** The local store when no stack runs: read-only, but for requery, which takes the folder's lock while it writes. */
async function openLocalStore(dataDir: string, command: string): Promise<{ store: OrderStore; close(): Promise<void> }> {
  const storeDir = join(dataDir, 'cloud');
  if (command !== 'requery') {
    const store = await openNedbStore(storeDir, { readOnly: true });
    return { store, close: () => store.close() };
  }
  const lock = acquireDataLock(dataDir, 'npm run ops -- requery');
  try {
    const store = await openNedbStore(storeDir);
    return { store, close: () => store.close().finally(() => lock.release()) };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openTarget(local: boolean, env: NodeJS.ProcessEnv, command: string): Promise<Target> {
  if (local) {
    const { store, close } = await openLocalStore(resolve(env.LOCAL_DATA_DIR ?? '.local-data'), command);
    const sandboxPort = env.OTT_SANDBOX_PORT || '8700';
    return {
      store,
      env: {
        ...env,
        OTT_API_URL: env.OTT_API_URL || `http://127.0.0.1:${sandboxPort}/processV2`,
        OTT_MERCHANT_ID: env.OTT_MERCHANT_ID || SANDBOX_CREDENTIALS.merchantId,
        OTT_OPERATOR_ID: env.OTT_OPERATOR_ID || SANDBOX_CREDENTIALS.operatorId,
        OTT_SIGN_KEY: env.OTT_SIGN_KEY || SANDBOX_CREDENTIALS.signKey,
        OTT_CALLBACK_URL: env.OTT_CALLBACK_URL || `http://127.0.0.1:${env.LOCAL_CLOUD_PORT || '8701'}/http/ottpay/callback`,
      },
      close,
    };
  }
  const missing = ['TCB_ENV_ID', 'TCB_SECRET_ID', 'TCB_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) throw new UsageError(`set ${missing.join(', ')} (or use --local for the local stack)`);
  // Loaded only here: --local never needs the CloudBase SDK.
  const tcb = require('@cloudbase/node-sdk') as { init(options: object): { database(): unknown } };
  const app = tcb.init({ env: env.TCB_ENV_ID, secretId: env.TCB_SECRET_ID, secretKey: env.TCB_SECRET_KEY });
  return {
    store: createCloudBaseStore(app.database() as Parameters<typeof createCloudBaseStore>[0], { wrapWrites: false }),
    env,
    close: async () => undefined,
  };
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
  if (!response.ok || !response.body) throw new Error(`the running stack answered HTTP ${response.status}: ${await response.text()}`);
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) out(decoder.decode(chunk, { stream: true }));
}

/** `given`: the store and settings to work on (the running stack's own, for a command it forwards). */
async function run(args: string[], env: NodeJS.ProcessEnv, out: (text: string) => void, given?: Target): Promise<void> {
  const local = args.includes('--local');
  const rest = args.filter((a) => a !== '--local');
  const [command, ...params] = rest;
  if (!command || command === 'help') {
    out('usage: npm run ops -- [--local] review [--older-than-minutes N] | show ORDER_ID | requery ORDER_ID | export YYYY-MM-DD\n');
    return;
  }
  if (!['review', 'show', 'requery', 'export'].includes(command)) throw new UsageError(`unknown command ${command}`);
  const holder = local && !given ? lockHolder(resolve(env.LOCAL_DATA_DIR ?? '.local-data')) : null;
  if (holder?.cloudUrl) return throughStack(holder.cloudUrl, rest, out);
  if (holder) throw new DataDirInUseError(resolve(env.LOCAL_DATA_DIR ?? '.local-data'), holder);
  const target = given ?? (await openTarget(local, env, command));
  try {
    const { store } = target;
    if (command === 'review') {
      const flag = params.indexOf('--older-than-minutes');
      const minutes = flag >= 0 ? Number(params[flag + 1]) : 10;
      if (!Number.isFinite(minutes) || minutes < 0) throw new UsageError('--older-than-minutes takes a number');
      const settings = loadPaymentSettings(target.env);
      const now = Date.now();
      const [review, pending, refunding] = await Promise.all([
        store.listOrdersByState(['REVIEW'], { limit: 1000 }),
        store.listOrdersByState(['CREATED', 'PAYING'], { createdBefore: new Date(now - settings.closeAbandonedAfterMs).toISOString(), limit: 1000 }),
        store.listOrdersWithOpenRefund(new Date(now - minutes * 60_000).toISOString(), 1000),
      ]);
      out(reviewLines({ review, pending, refunding }, settings, new Date(now)));
      return;
    }
    if (command === 'export') {
      const date = params[0];
      if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError('export takes a date YYYY-MM-DD');
      const day = localDay(merchantTimeZone(loadPaymentSettings(target.env)), new Date(), date);
      out(csvHeader());
      const pages = pagesOf((last, limit) =>
        store.listOrdersCreatedBetween(day.start.toISOString(), day.end.toISOString(), { limit, after: last && { createdAt: last.createdAt, orderId: last.orderId } }),
      );
      for await (const page of pages) out(csvRows(page));
      return;
    }
    const orderId = params[0];
    if (!orderId) throw new UsageError(`${command} takes an ORDER_ID`);
    const order = await store.getOrder(orderId);
    if (!order) throw new UsageError(`no order ${orderId}`);
    if (command === 'requery') {
      const platform = platformFor(target);
      let after: Order = await inspectOrder(platform, order, 'ops', { force: true });
      after = await advanceRefund(platform, after, 'ops');
      out(`${orderId}: ${order.state} -> ${after.state}\n`);
      return;
    }
    const callbacks = (await Promise.all(order.attempts.map((a) => store.listCallbacks({ orderId: a.ottOrderId, limit: 50 })))).flat();
    out(JSON.stringify({ order, view: toOrderView(order), callbacks }, null, 2) + '\n');
  } finally {
    await target.close();
  }
}

export { run as runOps, UsageError };

if (isEntryPoint(__filename)) {
  run(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).catch((error: Error) => {
    process.stderr.write(`ops: ${error.message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
