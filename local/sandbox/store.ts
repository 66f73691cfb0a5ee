/**
 * The sandbox's ledger on disk: transactions (with their refunds) and call-backs in nedb files
 * under dataDir. Each booking is one document write, so a process killed at any moment leaves
 * none half-written; a payment call-back, queued after the order is marked paid, is covered by
 * the order's `callbackDue`.
 */
import { mkdir } from 'fs/promises';
import { join } from 'path';
import Datastore from '@seald-io/nedb';
import type { CallbackAckPolicy } from './faults';
import type { AppPayRequest } from '../../typings/payments';

/** The currency of the sandbox's merchant account: every amount is in it. */
export const MERCHANT_CURRENCY = 'CAD';

/** STATUS_QUERY `order_status` vocabulary (D10). */
export type TransactionState =
  | 'init'
  | 'notpay'
  | 'success'
  | 'failure'
  | 'orderclosed'
  | 'partial_refunded'
  | 'fully_refunded';

/** MAPPPAY: mini-program; ACTIVEPAY: QR code; INAPP: the merchant's native app (OTT's in-app request). */
export type PaymentAction = 'MAPPPAY' | 'ACTIVEPAY' | 'INAPP';

/** What OTT hands over for wx.requestPayment, as it signed it. */
export interface PayInfo {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  packageStr: string;
  signType: 'MD5';
  paySign: string;
}

/** What WeChat's OpenSDK needs to pay in the merchant's app: the fields of its PayReq, as WeChat Pay signed them. */
export type AppPayInfo = AppPayRequest;

export interface HistoryEntry {
  at: string;
  event: string;
}

export interface TransactionRecord {
  orderId: string;
  seq: number;
  action: PaymentAction;
  state: TransactionState;
  /** Integer minor units of `currency`, as requested (`amount` excludes `tip`). */
  amount: number;
  tip: number;
  refunded: number;
  currency: typeof MERCHANT_CURRENCY;
  operatorId: string;
  appId?: string;
  openId?: string;
  /** Who paid by scanning the QR code. */
  payerOpenId?: string;
  callbackUrl: string;
  prepayId?: string;
  payInfo?: PayInfo;
  appPayInfo?: AppPayInfo;
  codeUrl?: string;
  bizpayOrderId?: string;
  saleNum: string;
  exchangeRateE8: number;
  tradeTime: string;
  finishTime?: string;
  createdAt: string;
  updatedAt: string;
  paidAt?: string;
  /** Set by the write that marks the order paid, cleared once its payment call-back is queued. */
  callbackDue?: boolean;
  /** Oldest first; booked in the same write as `refunded` and `state`. */
  refunds?: RefundRecord[];
  /** The order ids of `refunds`, indexed to find a refund by its order id. */
  refundIds?: string[];
  history: HistoryEntry[];
}

export interface RefundRecord {
  refundOrderId: string;
  oriOrderId: string;
  amount: number;
  seq: number;
  createdAt: string;
}

export interface CallbackEnvelope {
  rsp_code: 'SUCCESS';
  rsp_msg: 'success';
  merchant_id: string;
  data: string;
  md5: string;
}

export interface AttemptRecord {
  at: string;
  /** Which of the copies sent at once (duplicate fault); 1 normally. */
  copy: number;
  httpStatus: number | null;
  /** The reply body, truncated. */
  reply: string | null;
  error: string | null;
  durationMs: number;
  /** Whether the reply acknowledged the call-back under `ackPolicy`. */
  ok: boolean;
  ackPolicy: CallbackAckPolicy;
  /** Why the reply counted as acknowledged or not, e.g. "HTTP 200 but the body is not SUCCESS". */
  ackReason: string;
}

/**
 * pending: waiting for its next attempt (at nextAttemptAt); held: kept back by the reorder fault;
 * delivered: an attempt was acknowledged; failed: the retry schedule ran out; dropped: skipped by the drop fault.
 */
export type CallbackState = 'pending' | 'held' | 'delivered' | 'failed' | 'dropped';

export interface CallbackRecord {
  id: string;
  orderId: string;
  url: string;
  trigger: 'payment' | 'resend';
  state: CallbackState;
  copies: number;
  /** Attempt rounds made so far (one round sends `copies` requests at once). */
  rounds: number;
  /** Epoch ms of the next attempt while pending; persisted so retries resume after a restart. */
  nextAttemptAt: number | null;
  seq: number;
  createdAt: string;
  updatedAt: string;
  /** The business data before encryption. */
  data: Record<string, string>;
  envelope: CallbackEnvelope;
  attempts: AttemptRecord[];
}

type Stored<T> = T & { _id?: string };

function plain<T>(doc: Stored<T> | null | undefined): T | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  void _id;
  return rest as T;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { errorType?: string } | null)?.errorType === 'uniqueViolated';
}

export class SandboxStore {
  private lastSeq = 0;

  private constructor(
    private readonly transactions: Datastore<TransactionRecord>,
    private readonly callbacks: Datastore<CallbackRecord>,
  ) {}

  static async open(dataDir: string): Promise<SandboxStore> {
    await mkdir(dataDir, { recursive: true });
    const open = async <T>(name: string): Promise<Datastore<T>> => {
      const datastore = new Datastore<T>({ filename: join(dataDir, name) });
      await datastore.loadDatabaseAsync();
      return datastore;
    };
    const store = new SandboxStore(
      await open<TransactionRecord>('transactions.db'),
      await open<CallbackRecord>('callbacks.db'),
    );
    await store.transactions.ensureIndexAsync({ fieldName: 'orderId', unique: true });
    await store.transactions.ensureIndexAsync({ fieldName: 'prepayId', unique: true, sparse: true });
    await store.transactions.ensureIndexAsync({ fieldName: 'codeUrl', unique: true, sparse: true });
    await store.transactions.ensureIndexAsync({ fieldName: 'refundIds' });
    await store.callbacks.ensureIndexAsync({ fieldName: 'id', unique: true });
    await store.callbacks.ensureIndexAsync({ fieldName: 'orderId' });
    for (const datastore of [store.transactions, store.callbacks] as Datastore<{ seq: number }>[]) {
      const newest = (await datastore.findAsync({}).sort({ seq: -1 }).limit(1)) as unknown as { seq: number }[];
      if (newest.length > 0) store.lastSeq = Math.max(store.lastSeq, newest[0].seq);
    }
    const refunded = (await store.transactions.findAsync({ refunds: { $exists: true } })) as unknown as TransactionRecord[];
    for (const { refunds } of refunded) store.lastSeq = Math.max(store.lastSeq, ...refunds!.map((refund) => refund.seq));
    return store;
  }

  /** Increasing creation order that survives restarts (close to epoch ms). */
  nextSeq(): number {
    this.lastSeq = Math.max(Date.now(), this.lastSeq + 1);
    return this.lastSeq;
  }

  /** false when the order id (or prepay id / code URL) is taken. */
  async insertTransaction(record: TransactionRecord): Promise<boolean> {
    try {
      await this.transactions.insertAsync({ ...record });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async findTransaction(query: Partial<Pick<TransactionRecord, 'orderId' | 'prepayId' | 'codeUrl'>>): Promise<TransactionRecord | null> {
    return plain(await this.transactions.findOneAsync(query));
  }

  /** The transactions of an order's attempts: order_id `orderId`, or `orderId` + "P" + digits; newest first. */
  async listAttempts(orderId: string): Promise<TransactionRecord[]> {
    if (!/^[A-Za-z0-9]+$/.test(orderId)) return [];
    const docs = (await this.transactions
      .findAsync({ orderId: { $regex: new RegExp(`^${orderId}(P[0-9]+)?$`) } })
      .sort({ seq: -1 })) as unknown as Stored<TransactionRecord>[];
    return docs.map((doc) => plain(doc)!);
  }

  async listTransactions(): Promise<TransactionRecord[]> {
    const docs = (await this.transactions.findAsync({}).sort({ seq: -1 })) as unknown as Stored<TransactionRecord>[];
    return docs.map((doc) => plain(doc)!);
  }

  /**
   * Sets fields of the order, and books `refund` in the same write, when it also matches `where`;
   * returns the updated record, or null when nothing matched.
   */
  async updateTransaction(
    orderId: string,
    where: Record<string, unknown>,
    set: Partial<TransactionRecord>,
    event: string,
    refund?: RefundRecord,
  ): Promise<TransactionRecord | null> {
    const at = new Date().toISOString();
    const push: Record<string, unknown> = { history: { at, event } };
    if (refund) Object.assign(push, { refunds: refund, refundIds: refund.refundOrderId });
    const { affectedDocuments } = await this.transactions.updateAsync(
      { ...where, orderId },
      { $set: { ...set, updatedAt: at }, $push: push },
      { returnUpdatedDocs: true },
    );
    return plain(affectedDocuments as Stored<TransactionRecord> | null);
  }

  /** Paid orders whose payment call-back may not be queued yet. */
  async callbackDueTransactions(): Promise<TransactionRecord[]> {
    const docs = (await this.transactions.findAsync({ callbackDue: true }).sort({ seq: 1 })) as unknown as Stored<TransactionRecord>[];
    return docs.map((doc) => plain(doc)!);
  }

  async clearCallbackDue(orderId: string): Promise<void> {
    await this.transactions.updateAsync({ orderId }, { $unset: { callbackDue: true } }, {});
  }

  async findRefund(refundOrderId: string): Promise<RefundRecord | null> {
    const transaction = await this.transactions.findOneAsync({ refundIds: refundOrderId });
    return transaction?.refunds?.find((refund) => refund.refundOrderId === refundOrderId) ?? null;
  }

  async insertCallback(record: CallbackRecord): Promise<void> {
    await this.callbacks.insertAsync({ ...record });
  }

  async findCallback(id: string): Promise<CallbackRecord | null> {
    return plain(await this.callbacks.findOneAsync({ id }));
  }

  /** Call-backs, oldest first; of one order, or of every order. */
  async listCallbacks(orderId?: string): Promise<CallbackRecord[]> {
    const query = orderId === undefined ? {} : { orderId };
    const docs = (await this.callbacks.findAsync(query).sort({ seq: 1 })) as unknown as Stored<CallbackRecord>[];
    return docs.map((doc) => plain(doc)!);
  }

  async unfinishedCallbacks(): Promise<CallbackRecord[]> {
    const docs = (await this.callbacks
      .findAsync({ state: { $in: ['pending', 'held'] } })
      .sort({ seq: 1 })) as unknown as Stored<CallbackRecord>[];
    return docs.map((doc) => plain(doc)!);
  }

  async updateCallback(id: string, set: Partial<CallbackRecord>, attempts: AttemptRecord[] = []): Promise<void> {
    const update: Record<string, unknown> = { $set: { ...set, updatedAt: new Date().toISOString() } };
    if (attempts.length > 0) update.$push = { attempts: { $each: attempts } };
    await this.callbacks.updateAsync({ id }, update, {});
  }

  /** Rewrites the files without superseded lines. */
  async close(): Promise<void> {
    await Promise.all([this.transactions.compactDatafileAsync(), this.callbacks.compactDatafileAsync()]);
  }
}
