/**
 * OTT Pay sandbox: a loopback HTTP server that speaks OTT Pay's legacy encrypted API and its
 * in-app request, simulates the WeChat wallet, delivers call-backs and misbehaves on request.
 */
import { DEFAULT_SANDBOX_PORT, SANDBOX_CREDENTIALS } from '../sandbox-credentials';
import { CallbackDelivery } from './callbacks';
import { CallbackAckPolicy, FaultController, FaultSettings, FaultSwitchboard } from './faults';
import { Ledger } from './ledger';
import { ProtocolHandler } from './protocol';
import { ReadingBoard, type ReadingsPatch } from './readings';
import { RequestLog, type RequestPage } from './request-log';
import { SandboxServer, TransactionView, transactionView } from './server';
import { CallbackRecord, RefundRecord, SandboxStore } from './store';
import { CALLBACK_SINK_PATH, type MerchantSide } from './test-payment';
import { Wallet } from './wallet';

export type { CallbackAckPolicy, CurrentFaults, FaultController, FaultPatch, FaultSettings, ResponseFault, ResponseFaultMode } from './faults';
export type { Readings, ReadingsPatch, ReadingName } from './readings';
export { DEFAULT_READINGS, READING_NAMES, READINGS_VARIABLE, readingsFromEnvironment, ReadingsError } from './readings';
export type { AttemptRecord, CallbackRecord, RefundRecord, TransactionRecord, TransactionState } from './store';
export type { TransactionView } from './server';
export type { RequestPage, RequestRecord } from './request-log';
export { CONSOLE_PAYER_OPENID, type MerchantOrderState, type MerchantSide } from './test-payment';

export interface SandboxOptions {
  host?: string;
  port?: number;
  dataDir: string;
  merchantId?: string;
  operatorId?: string;
  signKey?: string;
  wechatApiKey?: string;
  appId?: string;
  /** The merchant's native app at the WeChat Open Platform (the `userId` of in-app requests). */
  nativeAppId?: string;
  exchangeRateE8?: number;
  callbackRetryScheduleMs?: number[];
  callbackTimeoutMs?: number;
  faults?: Partial<Omit<FaultSettings, 'callbackAck'>>;
  /** What acknowledges a call-back (default success-body); changeable per run, restored by a reset of the faults. */
  callbackAck?: CallbackAckPolicy;
  /** How OTT's server is taken to behave where its documents are silent (readings.ts); changeable per run, untouched by a reset of the faults. */
  readings?: ReadingsPatch;
  /** The merchant's functions and store beside the sandbox (`npm start`): the console's test payments and merchant state use them. */
  merchant?: MerchantSide;
  log?: (line: string) => void;
}

export interface TransactionDetails {
  transaction: TransactionView;
  refunds: RefundRecord[];
  /** Call-backs of the order, oldest first, each with its attempts. */
  deliveries: CallbackRecord[];
}

export interface Sandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  faults: FaultController;
  readings: ReadingBoard;
  /** Every transaction, newest first. */
  transactions(): Promise<TransactionView[]>;
  transaction(orderId: string): Promise<TransactionDetails | null>;
  /** The request log, newest first; with `orderId`, the requests naming an order id that contains it. */
  requests(filter?: { orderId?: string; limit?: number }): Promise<RequestPage>;
  /**
   * Resolves with the order's call-backs once `until` holds for them (by default: at least one
   * attempt recorded); rejects after `timeoutMs`.
   */
  waitForDeliveries(
    orderId: string,
    until?: (deliveries: CallbackRecord[]) => boolean,
    timeoutMs?: number,
  ): Promise<CallbackRecord[]>;
}

export const DEFAULT_CALLBACK_RETRY_SCHEDULE_MS = [15_000, 30_000, 180_000, 600_000, 1_800_000];
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5_000;
export const DEFAULT_EXCHANGE_RATE_E8 = 520_000_000;

const POLL_MS = 10;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const merchantId = options.merchantId ?? SANDBOX_CREDENTIALS.merchantId;
  const operatorId = options.operatorId ?? SANDBOX_CREDENTIALS.operatorId;
  const signKey = options.signKey ?? SANDBOX_CREDENTIALS.signKey;
  const appId = options.appId ?? SANDBOX_CREDENTIALS.appId;
  const nativeAppId = options.nativeAppId ?? SANDBOX_CREDENTIALS.nativeAppId;
  const wechatApiKey = options.wechatApiKey ?? SANDBOX_CREDENTIALS.wechatApiKey;
  const exchangeRateE8 = options.exchangeRateE8 ?? DEFAULT_EXCHANGE_RATE_E8;
  const retryScheduleMs = options.callbackRetryScheduleMs ?? DEFAULT_CALLBACK_RETRY_SCHEDULE_MS;
  const log = options.log ?? (() => undefined);
  if (!Number.isSafeInteger(exchangeRateE8) || exchangeRateE8 <= 0) throw new Error('exchangeRateE8 must be a positive integer');
  if (!retryScheduleMs.every((ms) => Number.isInteger(ms) && ms >= 0)) {
    throw new Error('callbackRetryScheduleMs must list non-negative integers');
  }

  const faults = new FaultSwitchboard(options.faults ?? {}, options.callbackAck);
  const readings = new ReadingBoard(options.readings);
  const store = await SandboxStore.open(options.dataDir);
  const requests = await RequestLog.open(options.dataDir, { signKey, nextSeq: () => store.nextSeq(), log });
  const callbacks = new CallbackDelivery({
    store,
    faults,
    readings,
    merchantId,
    signKey,
    retryScheduleMs,
    timeoutMs: options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
    log,
  });
  const ledger = new Ledger(store, {
    wechatApiKey,
    exchangeRateE8,
    onPaid: (transaction) => callbacks.enqueuePayment(transaction),
  });
  const protocol = new ProtocolHandler({ merchantId, operatorId, signKey, appId, nativeAppId, wechatApiKey, exchangeRateE8 }, ledger, faults, readings);
  const wallet = new Wallet(store, ledger, wechatApiKey);
  let url = '';
  const server = new SandboxServer({
    store,
    ledger,
    protocol,
    wallet,
    callbacks,
    faults,
    readings,
    requests,
    merchant: options.merchant,
    signKey,
    log,
    info: () => ({ url, merchantId, operatorId, appId, nativeAppId, exchangeRateE8, retryScheduleMs, merchantSide: options.merchant !== undefined }),
    standalone: () => ({ apiUrl: `${url}/processV2`, merchantId, operatorId, signKey, appId, sinkUrl: `${url}${CALLBACK_SINK_PATH}` }),
  });

  let port: number;
  try {
    // before listening: a payment made meanwhile could be taken for one a crash left without its call-back
    await callbacks.resume();
    port = await server.listen(options.port ?? DEFAULT_SANDBOX_PORT, host);
  } catch (error) {
    await callbacks.close();
    await requests.close();
    await store.close();
    throw error;
  }
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`OTT Pay sandbox listening on ${url} (merchant ${merchantId})`);

  let closing: Promise<void> | null = null;
  const transaction = async (orderId: string): Promise<TransactionDetails | null> => {
    const detail = await server.detail(orderId);
    return detail && { transaction: transactionView(detail.transaction), refunds: detail.refunds, deliveries: detail.callbacks };
  };

  return {
    url,
    port,
    faults,
    readings,
    close() {
      closing ??= (async () => {
        await server.close();
        await callbacks.close();
        await requests.close();
        await store.close();
        log('OTT Pay sandbox closed');
      })();
      return closing;
    },
    async transactions() {
      return (await store.listTransactions()).map(transactionView);
    },
    transaction,
    requests: (filter) => requests.list(filter),
    async waitForDeliveries(orderId, until = (deliveries) => deliveries.some((d) => d.attempts.length > 0), timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const deliveries = await store.listCallbacks(orderId);
        if (until(deliveries)) return deliveries;
        if (Date.now() > deadline) {
          throw new Error(`call-backs of ${orderId} did not reach the expected condition within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
  };
}
