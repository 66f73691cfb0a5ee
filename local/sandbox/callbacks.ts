/**
 * Call-back delivery: the encrypted notice OTT POSTs to an order's call_back_url once it is paid,
 * retried on a schedule until a reply acknowledges it under the acknowledgement policy of the run,
 * with the call-back faults (delay, duplicate, drop, reorder) applied when a call-back is queued.
 */
import http from 'http';
import https from 'https';
import { randomUUID } from 'crypto';
import { seal } from '../../server/ottpay/codec';
import type { CallbackAckPolicy, FaultSwitchboard } from './faults';
import { rateText } from './formats';
import { paymentCallbackData, type ReadingBoard } from './readings';
import type { AttemptRecord, CallbackRecord, SandboxStore, TransactionRecord } from './store';

const REPLY_RECORD_LIMIT = 500;
const REPLY_READ_LIMIT = 64 * 1024;

export interface CallbackDeliveryOptions {
  store: SandboxStore;
  faults: FaultSwitchboard;
  readings: ReadingBoard;
  merchantId: string;
  signKey: string;
  retryScheduleMs: number[];
  timeoutMs: number;
  log: (line: string) => void;
}

interface PostResult {
  status: number | null;
  body: string | null;
  error: string | null;
}

interface Acknowledgement {
  ok: boolean;
  reason: string;
}

function jsonRspCode(body: string): Acknowledgement {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'the body is not a JSON object' };
  }
  const code = (parsed as Record<string, unknown>).rsp_code;
  if (code === 'SUCCESS') return { ok: true, reason: 'JSON rsp_code SUCCESS' };
  return { ok: false, reason: code === undefined ? 'the JSON has no rsp_code' : `JSON rsp_code ${JSON.stringify(code)} is not SUCCESS` };
}

/** Whether a reply acknowledges a call-back under the policy, and why. */
function acknowledgement(policy: CallbackAckPolicy, result: PostResult): Acknowledgement {
  if (result.error !== null || result.status === null || result.body === null) {
    return { ok: false, reason: `no complete reply${result.error === null ? '' : `: ${result.error}`}` };
  }
  const { status, body } = result;
  if (policy === 'success-body') {
    if (status !== 200) return { ok: false, reason: `HTTP ${status}, not 200` };
    if (body.trim() !== 'SUCCESS') return { ok: false, reason: 'HTTP 200 but the body is not SUCCESS' };
    return { ok: true, reason: 'HTTP 200 with the body SUCCESS' };
  }
  if (status < 200 || status > 299) return { ok: false, reason: `HTTP ${status}, not 2xx` };
  if (policy === 'any-2xx') return { ok: true, reason: `HTTP ${status}, a 2xx` };
  const json = jsonRspCode(body);
  return { ok: json.ok, reason: `HTTP ${status}, ${json.reason}` };
}

export class CallbackDelivery {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<string>();
  private readonly requests = new Set<http.ClientRequest>();
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly agents = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };
  private held: string[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: CallbackDeliveryOptions) {}

  /**
   * Picks up call-backs a previous run left unfinished: pending ones at their persisted time, held
   * ones at once; then queues the payment call-back of every order paid but not yet queued.
   */
  async resume(): Promise<void> {
    const { store, log } = this.options;
    for (const record of await store.unfinishedCallbacks()) {
      if (record.state === 'held') this.held.push(record.id);
      else this.schedule(record.id, record.nextAttemptAt ?? Date.now());
    }
    if (this.held.length > 0) this.releaseHeld();
    for (const transaction of await store.callbackDueTransactions()) {
      const queued = (await store.listCallbacks(transaction.orderId)).some((record) => record.trigger === 'payment');
      if (queued) {
        await store.clearCallbackDue(transaction.orderId);
      } else {
        log(`callback ${transaction.orderId} queued after a restart (the order was paid but its call-back not queued)`);
        await this.enqueuePayment(transaction);
      }
    }
  }

  /** Queues the call-back of an order just paid, then clears the order's `callbackDue`. */
  async enqueuePayment(transaction: TransactionRecord): Promise<void> {
    await this.enqueue(transaction, 'payment');
    await this.options.store.clearCallbackDue(transaction.orderId);
  }

  /**
   * Queues a call-back for a paid order. A re-send from the console goes out at once, as one copy,
   * whatever the fault switches say.
   */
  async enqueue(transaction: TransactionRecord, trigger: CallbackRecord['trigger']): Promise<CallbackRecord> {
    const { store, faults, readings, merchantId, signKey } = this.options;
    const manual = trigger === 'resend';
    const settings = faults.get();
    const dropped = !manual && faults.takeDrop();
    const hold = !manual && !dropped && settings.reorder >= 2;
    const now = Date.now();
    const data = paymentCallbackData(transaction, { merchantId, exchangeRate: rateText(transaction.exchangeRateE8, 6) }, readings.get());
    const record: CallbackRecord = {
      id: randomUUID(),
      orderId: transaction.orderId,
      url: transaction.callbackUrl,
      trigger,
      state: dropped ? 'dropped' : hold ? 'held' : 'pending',
      copies: manual ? 1 : faults.copies(),
      rounds: 0,
      nextAttemptAt: dropped || hold ? null : now + (manual ? 0 : settings.delayMs),
      seq: store.nextSeq(),
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      data,
      envelope: { rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: merchantId, ...seal(data, signKey) },
      attempts: [],
    };
    await store.insertCallback(record);
    if (dropped) this.options.log(`callback ${record.orderId} dropped (fault)`);
    if (record.state === 'pending') this.schedule(record.id, record.nextAttemptAt!);
    if (hold) {
      this.held.push(record.id);
      this.options.log(`callback ${record.orderId} held for reordering (${this.held.length}/${settings.reorder})`);
      if (this.held.length >= settings.reorder) this.releaseHeld();
      else if (!this.heldTimer) {
        this.heldTimer = setTimeout(() => this.releaseHeld(), settings.reorderTimeoutMs);
        this.heldTimer.unref();
      }
    }
    return record;
  }

  /** Stops every timer, aborts requests in flight (they are made again after a restart) and waits for the rest. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    for (const request of this.requests) request.destroy(new Error('sandbox closed'));
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private track(task: Promise<unknown>): void {
    const tracked = task.catch((error: unknown) => this.options.log(`callback error: ${(error as Error).message}`));
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
  }

  private schedule(id: string, at: number): void {
    if (this.closed) return;
    const existing = this.timers.get(id);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.track(this.attemptRound(id));
    }, Math.max(0, at - Date.now()));
    timer.unref();
    this.timers.set(id, timer);
  }

  /** Sends the held call-backs newest first, each one's attempt finished before the next starts. */
  private releaseHeld(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    const ids = [...this.held].reverse();
    this.held = [];
    if (ids.length === 0 || this.closed) return;
    this.options.log(`releasing ${ids.length} held callback(s) in reverse order`);
    this.track(
      (async () => {
        for (const id of ids) {
          if (this.closed) return;
          await this.options.store.updateCallback(id, { state: 'pending', nextAttemptAt: Date.now() });
          await this.attemptRound(id);
        }
      })(),
    );
  }

  private async attemptRound(id: string): Promise<void> {
    if (this.closed || this.inFlight.has(id)) return;
    this.inFlight.add(id);
    try {
      const { store, retryScheduleMs } = this.options;
      const record = await store.findCallback(id);
      if (!record || record.state !== 'pending') return;
      const copies = Array.from({ length: record.copies }, (_, i) => i + 1);
      const attempts = await Promise.all(copies.map((copy) => this.attempt(record, copy)));
      if (this.closed) return;
      const rounds = record.rounds + 1;
      if (attempts.some((a) => a.ok)) {
        await store.updateCallback(id, { state: 'delivered', rounds, nextAttemptAt: null }, attempts);
      } else if (rounds <= retryScheduleMs.length) {
        const next = Date.now() + retryScheduleMs[rounds - 1];
        await store.updateCallback(id, { rounds, nextAttemptAt: next }, attempts);
        this.schedule(id, next);
      } else {
        await store.updateCallback(id, { state: 'failed', rounds, nextAttemptAt: null }, attempts);
        this.options.log(`callback ${record.orderId} given up after ${rounds} attempts`);
      }
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async attempt(record: CallbackRecord, copy: number): Promise<AttemptRecord> {
    const started = Date.now();
    const result = await this.post(record.url, JSON.stringify(record.envelope));
    const ackPolicy = this.options.faults.get().callbackAck;
    const { ok, reason } = acknowledgement(ackPolicy, result);
    const attempt: AttemptRecord = {
      at: new Date(started).toISOString(),
      copy,
      httpStatus: result.status,
      reply: result.body === null ? null : result.body.slice(0, REPLY_RECORD_LIMIT),
      error: result.error,
      durationMs: Date.now() - started,
      ok,
      ackPolicy,
      ackReason: reason,
    };
    const label = `callback ${record.orderId} attempt ${record.rounds + 1}${record.copies > 1 ? ` copy ${copy}` : ''}`;
    const outcome = result.error ?? `${result.status} ${JSON.stringify((result.body ?? '').slice(0, 40))}`;
    this.options.log(`${label} -> ${outcome}${ok ? '' : ` (not acknowledged: ${reason})`}`);
    return attempt;
  }

  private post(target: string, body: string): Promise<PostResult> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        resolve({ status: null, body: null, error: 'invalid call_back_url' });
        return;
      }
      const secure = url.protocol === 'https:';
      let settled = false;
      const finish = (result: PostResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.requests.delete(request);
        resolve(result);
      };
      const request = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          headers: {
            'Content-Type': 'application/json; charset=UTF-8',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'ottpay-sandbox',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < REPLY_READ_LIMIT) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () =>
            finish({ status: response.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), error: null }),
          );
          response.on('error', (error) =>
            finish({ status: response.statusCode ?? null, body: null, error: error.message }),
          );
          response.on('close', () =>
            finish({ status: response.statusCode ?? null, body: null, error: 'connection closed before the reply ended' }),
          );
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`no reply within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      timer.unref();
      request.on('error', (error) => finish({ status: null, body: null, error: error.message }));
      this.requests.add(request);
      request.end(body);
    });
  }
}
