/**
 * The request log: every exchange on `/processV2` and `/inAppPay`, its data decrypted (the sandbox
 * is the acquirer and holds the sign key), kept in an nedb file under dataDir, the newest
 * REQUEST_LOG_LIMIT only (older ones are removed TRIM_BATCH at a time). A torn line left by a
 * crash is dropped when the file loads.
 */
import { join } from 'path';
import Datastore from '@seald-io/nedb';
import { unseal, VerificationError } from '../../server/ottpay/codec';
import type { InAppReply, ProtocolOutcome, ProtocolReply } from './protocol';

export const REQUEST_LOG_LIMIT = 1000;
const TRIM_BATCH = 100;
export const REQUEST_LOG_FILE = 'requests.db';
/** What the log shows instead of the WeChat API key an in-app answer carries. */
export const HIDDEN_API_KEY = '(the WeChat API key, not shown)';

export type AcquirerPath = '/processV2' | '/inAppPay';

export interface RequestRecord {
  id: string;
  seq: number;
  /** When the request arrived. */
  at: string;
  path: AcquirerPath;
  /** The action the request named ("INAPP" for /inAppPay); empty when it named none. */
  action: string;
  /** The order ids the exchange names, the order it concerns first (REFUND: the original order). */
  orderIds: string[];
  /** /processV2: the envelope's fields other than data and md5; null for /inAppPay, whose body is all data. */
  envelope: Record<string, unknown> | null;
  /** The business data: decrypted (/processV2) or as sent (/inAppPay); null when it could not be read. */
  request: Record<string, unknown> | null;
  requestNote: string | null;
  /** The answer's rsp_code (SUCCESS for an in-app answer); null when no answer was sent. */
  code: string | null;
  message: string | null;
  /** The answer's data, decrypted; the in-app answer as sent, its API key hidden. */
  reply: Record<string, unknown> | null;
  replyNote: string | null;
  /** The fault applied, e.g. "WRONG_MD5" or "TIMEOUT, answered after 300 ms". */
  fault: string | null;
  /** From the request's arrival to its answer, or to the connection's end when none came. */
  durationMs: number;
}

export interface Exchange {
  path: AcquirerPath;
  startedAt: number;
  body: string;
  outcome: ProtocolOutcome;
  /** false: the connection ended before the held answer was sent. */
  answered: boolean;
}

export interface RequestPage {
  /** Newest first. */
  requests: RequestRecord[];
  /** Requests in the log. */
  total: number;
  /** Requests matching the filter. */
  matching: number;
}

type Fields = Record<string, unknown>;

function objectOf(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;
}

function parsedBody(body: string): Fields | string {
  try {
    return objectOf(JSON.parse(body)) ?? 'the body is not a JSON object';
  } catch {
    return 'the body is not JSON';
  }
}

function unsealed(sealed: Fields, signKey: string): { data: Fields | null; note: string | null } {
  try {
    return { data: { ...unseal({ data: sealed.data as string, md5: sealed.md5 as string }, signKey) }, note: null };
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    return { data: null, note: `cannot be decrypted: ${error.message}` };
  }
}

function orderIdsOf(...sources: (Fields | null)[]): string[] {
  const ids = sources.flatMap((data) => [data?.ori_order_id, data?.order_id]);
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
}

function faultText(outcome: ProtocolOutcome, answered: boolean, durationMs: number): string | null {
  if (outcome.fault === undefined) return null;
  if (!outcome.hold) return outcome.fault;
  return answered ? `${outcome.fault}, answered after ${durationMs} ms` : `${outcome.fault}, no answer (the connection ended after ${durationMs} ms)`;
}

/** What the log keeps of one exchange. */
export function describeExchange(exchange: Exchange, signKey: string, endedAt: number): Omit<RequestRecord, 'id' | 'seq'> {
  const { path, outcome, answered } = exchange;
  const durationMs = endedAt - exchange.startedAt;
  const body = parsedBody(exchange.body);
  let envelope: Fields | null = null;
  let request: Fields | null = null;
  let requestNote: string | null = typeof body === 'string' ? body : null;
  if (typeof body !== 'string' && path === '/inAppPay') request = body;
  if (typeof body !== 'string' && path === '/processV2') {
    const { data, md5, ...rest } = body;
    envelope = rest;
    if (typeof data === 'string' && typeof md5 === 'string') ({ data: request, note: requestNote } = unsealed(body, signKey));
    else requestNote = 'no data and md5 to decrypt';
  }

  let code: string | null = null;
  let message: string | null = null;
  let reply: Fields | null = null;
  let replyNote: string | null = answered ? null : 'no answer was sent';
  if (answered && 'rsp_code' in outcome.reply) {
    const sealed: ProtocolReply = outcome.reply;
    code = sealed.rsp_code;
    message = sealed.rsp_msg;
    if (sealed.data !== undefined) ({ data: reply, note: replyNote } = unsealed({ ...sealed }, signKey));
  } else if (answered) {
    const inApp: InAppReply = outcome.reply as InAppReply;
    code = 'SUCCESS';
    reply = { ...inApp, wxapikey: HIDDEN_API_KEY };
  }
  return {
    at: new Date(exchange.startedAt).toISOString(),
    path,
    action: outcome.action ?? (typeof envelope?.action === 'string' ? envelope.action : ''),
    orderIds: orderIdsOf(request, reply),
    envelope,
    request,
    requestNote,
    code,
    message,
    reply,
    replyNote,
    fault: faultText(outcome, answered, durationMs),
    durationMs,
  };
}

/** Whether an order id contains the searched text, letter case aside; an empty search matches every id. */
export function orderIdMatches(orderId: string, search: string): boolean {
  return orderId.toUpperCase().includes(search.trim().toUpperCase());
}

type Stored = RequestRecord & { _id?: string };

export class RequestLog {
  private count = 0;
  private removedSinceCompaction = 0;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly datastore: Datastore<RequestRecord>,
    private readonly signKey: string,
    private readonly nextSeq: () => number,
    private readonly log: (line: string) => void,
  ) {}

  static async open(dataDir: string, options: { signKey: string; nextSeq: () => number; log: (line: string) => void }): Promise<RequestLog> {
    const datastore = new Datastore<RequestRecord>({ filename: join(dataDir, REQUEST_LOG_FILE), corruptAlertThreshold: 1 });
    await datastore.loadDatabaseAsync();
    const requestLog = new RequestLog(datastore, options.signKey, options.nextSeq, options.log);
    requestLog.count = await datastore.countAsync({});
    return requestLog;
  }

  /** Books an exchange once it has ended; never delays or fails the answer. */
  record(exchange: Exchange): void {
    const endedAt = Date.now();
    this.serial(async () => {
      const record: RequestRecord = { id: '', seq: this.nextSeq(), ...describeExchange(exchange, this.signKey, endedAt) };
      record.id = `R${record.seq}`;
      await this.datastore.insertAsync(record);
      this.count += 1;
      if (this.count >= REQUEST_LOG_LIMIT + TRIM_BATCH) await this.trim();
    });
  }

  /** Newest first, at most `limit`; with `orderId`, the requests naming an order id that contains it. */
  async list(filter: { orderId?: string; limit?: number } = {}): Promise<RequestPage> {
    await this.tail;
    const all = ((await this.datastore.findAsync({}).sort({ seq: -1 })) as unknown as Stored[]).slice(0, REQUEST_LOG_LIMIT);
    const search = filter.orderId ?? '';
    const matching = search.trim() === '' ? all : all.filter((r) => r.orderIds.some((id) => orderIdMatches(id, search)));
    const requests = matching.slice(0, filter.limit ?? REQUEST_LOG_LIMIT).map(({ _id, ...record }) => {
      void _id;
      return record;
    });
    return { requests, total: all.length, matching: matching.length };
  }

  /** Waits for the exchanges being booked, then rewrites the file without superseded lines. */
  async close(): Promise<void> {
    await this.tail;
    await this.datastore.compactDatafileAsync();
  }

  private serial(work: () => Promise<void>): void {
    this.tail = this.tail.then(work).catch((error: unknown) => this.log(`request log: ${(error as Error).message}`));
  }

  private async trim(): Promise<void> {
    const excess = this.count - REQUEST_LOG_LIMIT;
    const oldest = (await this.datastore.findAsync({}).sort({ seq: 1 }).limit(excess)) as unknown as Stored[];
    const removed = await this.datastore.removeAsync({ _id: { $in: oldest.map((r) => r._id) } }, { multi: true });
    this.count -= removed;
    this.removedSinceCompaction += removed;
    if (this.removedSinceCompaction >= REQUEST_LOG_LIMIT) {
      this.removedSinceCompaction = 0;
      await this.datastore.compactDatafileAsync();
    }
  }
}
