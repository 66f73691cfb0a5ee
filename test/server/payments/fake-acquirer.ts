/**
 * An in-memory acquirer behind the OttApi interface: OTT Pay as the payment functions see it,
 * with its own ledger, so a test can compare what the order store believes with what the
 * acquirer actually did (the acquirer is the truth for reconciliation).
 *
 * - MAPPPAY / ACTIVEPAY open a transaction under the attempt's order_id (`notpay`); a used
 *   order_id answers `exists` ORDER_USED (ORDER_PAID once paid).
 * - STATUS_QUERY answers like OTT: `rejected` FAIL (ourDefect false) for an order_id it does not
 *   know, otherwise the transaction's order_status, total_amount (amount + tip), tip and refund_fee.
 * - REFUND books at most the refundable amount of a paid transaction (more: `rejected` FAIL); a
 *   refund id already used answers `exists` ORDER_USED.
 * - The payer's side: `pay`, `close`, `fail`; `callback` builds the sealed call-back OTT would POST.
 *
 * Faults are injected per action (`inject`) and consumed in order: an answer of `unknown` without
 * processing or after processing (the answer was lost), `rejected`, a throw before or after
 * processing (the function process died), a stall that answers `unknown` after a delay or only when
 * released, and a hold that answers normally once released. Every call is recorded.
 */
import { seal, type VerifiedData } from '../../../server/ottpay/codec';
import type {
  ActivePayRequest,
  ActivePayResult,
  ExchangeRateResult,
  MappPayRequest,
  MappPayResult,
  OttApi,
  RefundRequest,
  RefundResponse,
  StatusQueryResult,
} from '../../../server/ottpay/client';
import type { OttOutcome } from '../../../server/ottpay/outcome';
import { mapOrderStatus } from '../../../server/ottpay/status';
import type { TipReading } from '../../../server/ottpay/tip-reading';
import type { HttpRequestEvent } from '../../../server/payments/payment-callback';

export type AcquirerAction = 'MAPPPAY' | 'ACTIVEPAY' | 'STATUS_QUERY' | 'REFUND' | 'EX_RATE_QUERY';

export type TransactionState = 'init' | 'notpay' | 'success' | 'orderclosed' | 'failure' | 'partial_refunded' | 'fully_refunded';

export interface AcquirerRefund {
  refundId: string;
  oriOrderId: string;
  amountCents: number;
  bookedAt: string;
}

export interface Transaction {
  ottOrderId: string;
  action: 'MAPPPAY' | 'ACTIVEPAY';
  amountCents: number;
  tipCents: number;
  state: TransactionState;
  refundedCents: number;
  refunds: AcquirerRefund[];
  createdAt: string;
  paidAt?: string;
  bizpayOrderId?: string;
}

export type Fault =
  /** Answer `unknown`; `processed`: the acquirer did the work first (the answer was lost). */
  | { kind: 'unknown'; processed: boolean; code?: string }
  /** Refuse without processing. */
  | { kind: 'rejected'; code?: string; ourDefect?: boolean }
  /** The caller's process dies: the call rejects, before or after the acquirer did the work. */
  | { kind: 'throw'; processed: boolean }
  /** No answer for `ms` (then `unknown`), or, without `ms`, until `release()`. */
  | { kind: 'stall'; ms?: number; processed?: boolean }
  /** Waits until `release()`, then processes and answers normally (a barrier for races). */
  | { kind: 'hold' };

export interface InjectOptions {
  /** How many calls the fault applies to (default 1; Infinity: until `clearFaults`). */
  times?: number;
  /** Only calls whose order_id (attempt, queried order or refund id) matches. */
  match?: (orderId: string) => boolean;
}

export interface AcquirerCall {
  seq: number;
  action: AcquirerAction;
  /** The request's order_id: the attempt, the queried order, or the refund id. */
  orderId: string;
  /** REFUND: the original order (ori_order_id). */
  oriOrderId?: string;
  /** STATUS_QUERY: the caller's own shorter timeout, when it set one. */
  timeoutMs?: number;
  amountCents?: number;
  tipCents?: number;
  fault?: Fault['kind'];
  /** When the call arrived, on the platform clock. */
  at: string;
  /** Real time (performance.now()) of arrival and of the answer. */
  startedMs: number;
  endedMs?: number;
  /** Whether the acquirer did the work of the request. */
  processed: boolean;
  answer?: OttOutcome<unknown>['kind'] | 'threw';
}

/** The function process calling OTT Pay died (the acquirer's fault injection). */
export class AcquirerCrash extends Error {
  constructor(action: AcquirerAction, processed: boolean) {
    super(`the process died during ${action} (${processed ? 'after' : 'before'} the acquirer processed it)`);
    this.name = 'AcquirerCrash';
  }
}

interface Rule {
  action: AcquirerAction;
  fault: Fault;
  remaining: number;
  match?: (orderId: string) => boolean;
}

const PAID_STATES: readonly TransactionState[] = ['success', 'partial_refunded', 'fully_refunded'];
const PAYABLE_STATES: readonly TransactionState[] = ['init', 'notpay'];
const REFUNDABLE_STATES: readonly TransactionState[] = ['success', 'partial_refunded'];

type Answer<T> = OttOutcome<T>;

function ok<T extends object>(value: T): Answer<T> {
  const data: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') data[key] = String(v);
  }
  return { kind: 'ok', value, data: data as VerifiedData };
}

function rejected(code: string, message: string, ourDefect = false): Answer<never> {
  return { kind: 'rejected', code, message, ourDefect };
}

function unknown(code: string, message: string): Answer<never> {
  return { kind: 'unknown', code, message };
}

/** OTT's compact Beijing-less time stamp, yyyyMMddHHmmss, of an ISO time. */
function compactTime(iso: string): string {
  return iso.replace(/[-:T]/g, '').slice(0, 14);
}

/** How this acquirer reads the points OTT's documents leave open (the sandbox's readings, in memory). */
export interface AcquirerReadings {
  /** STATUS_QUERY's refund_fee shows a booked refund only this long after it was booked (default 0). */
  refundBookingDelayMs?: number;
  /** order_status as sent: lower case (default) or upper case. */
  statusCase?: 'lower' | 'upper';
  /** A word outside OTT's documented list, answered instead of init/notpay for an unpaid transaction. */
  undocumentedStatus?: string;
  /** Which money figures include the tip (default 'separate'). */
  tip?: TipReading;
}

export interface FakeAcquirerOptions {
  /** The platform clock, for the acquirer's own time stamps. */
  now: () => Date;
  merchantId: string;
  signKey: string;
  readings?: AcquirerReadings;
}

export class FakeAcquirer implements OttApi {
  /** Every call, in order of arrival. */
  readonly calls: AcquirerCall[] = [];
  /**
   * Awaited on every call before the acquirer looks at it (e.g. to read the store at that moment);
   * 'timed out': the caller gave up (its timeout passed), so it hears nothing.
   */
  onCall: ((call: AcquirerCall) => void | 'timed out' | Promise<void | 'timed out'>) | undefined;

  private readonly ledger = new Map<string, Transaction>();
  private readonly refundIds = new Set<string>();
  private rules: Rule[] = [];
  private waiting: (() => void)[] = [];
  private running = new Map<AcquirerAction, number>();
  private peaks = new Map<AcquirerAction, number>();
  private bizSeq = 0;

  constructor(private readonly options: FakeAcquirerOptions) {}

  // ---- fault injection ------------------------------------------------------------------

  inject(action: AcquirerAction, fault: Fault, opts: InjectOptions = {}): void {
    this.rules.push({ action, fault, remaining: opts.times ?? 1, match: opts.match });
  }

  clearFaults(action?: AcquirerAction): void {
    this.rules = action === undefined ? [] : this.rules.filter((r) => r.action !== action);
  }

  /** Lets every stalled or held call go on. */
  release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }

  /** Calls stalled or held until `release()`. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Calls of `action` that have arrived and not been answered yet. */
  inFlight(action: AcquirerAction): number {
    return this.running.get(action) ?? 0;
  }

  /** The most calls of `action` that were ever unanswered at once. */
  peakInFlight(action: AcquirerAction): number {
    return this.peaks.get(action) ?? 0;
  }

  // ---- the acquirer's truth -------------------------------------------------------------

  transaction(ottOrderId: string): Transaction | undefined {
    const tx = this.ledger.get(ottOrderId);
    return tx === undefined ? undefined : { ...tx, refunds: [...tx.refunds] };
  }

  transactions(): Transaction[] {
    return [...this.ledger.keys()].map((id) => this.transaction(id)!);
  }

  /** Money taken from payers, over every transaction ever paid (refunds not deducted). */
  chargedCents(ottOrderIds?: readonly string[]): number {
    return this.transactions()
      .filter((tx) => PAID_STATES.includes(tx.state) && (ottOrderIds === undefined || ottOrderIds.includes(tx.ottOrderId)))
      .reduce((sum, tx) => sum + tx.amountCents + tx.tipCents, 0);
  }

  /** Money refunded, over the given transactions (all when omitted). */
  refundedCents(ottOrderIds?: readonly string[]): number {
    return this.transactions()
      .filter((tx) => ottOrderIds === undefined || ottOrderIds.includes(tx.ottOrderId))
      .reduce((sum, tx) => sum + tx.refundedCents, 0);
  }

  callsOf(action: AcquirerAction): AcquirerCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  // ---- the payer's side -----------------------------------------------------------------

  /** The payer pays the transaction in the wallet (no call-back is sent; see `callback`). */
  pay(ottOrderId: string): Transaction {
    const tx = this.mustFind(ottOrderId);
    if (!PAYABLE_STATES.includes(tx.state)) throw new Error(`fake acquirer: ${ottOrderId} is ${tx.state}, not payable`);
    tx.state = 'success';
    tx.paidAt = this.options.now().toISOString();
    tx.bizpayOrderId = `42000${String(++this.bizSeq).padStart(10, '0')}`;
    return this.transaction(ottOrderId)!;
  }

  /** A refund the merchant makes in OTT's merchant center, outside the product. */
  bookRefund(ottOrderId: string, amountCents: number): void {
    const tx = this.mustFind(ottOrderId);
    const refundId = `MC${tx.refunds.length + 1}${ottOrderId}`.slice(0, 32);
    tx.refunds.push({ refundId, oriOrderId: ottOrderId, amountCents, bookedAt: this.options.now().toISOString() });
    tx.refundedCents += amountCents;
    tx.state = tx.refundedCents === tx.amountCents + tx.tipCents ? 'fully_refunded' : 'partial_refunded';
  }

  close(ottOrderId: string): void {
    this.settleUnpaid(ottOrderId, 'orderclosed');
  }

  fail(ottOrderId: string): void {
    this.settleUnpaid(ottOrderId, 'failure');
  }

  /** The call-back OTT Pay POSTs for a paid transaction, sealed with the merchant's key. */
  callback(ottOrderId: string): HttpRequestEvent {
    const tx = this.mustFind(ottOrderId);
    if (!PAID_STATES.includes(tx.state)) throw new Error(`fake acquirer: no call-back for unpaid ${ottOrderId}`);
    const data: Record<string, string> = {
      amount: String(tx.amountCents + (this.options.readings?.tip === 'in-both' ? tx.tipCents : 0)),
      ...(tx.tipCents > 0 ? { tip: String(tx.tipCents) } : {}),
      order_id: tx.ottOrderId,
      merchant_id: this.options.merchantId,
      bizpay_order_id: tx.bizpayOrderId ?? '',
      finish_time: compactTime(tx.paidAt ?? tx.createdAt),
    };
    const body = JSON.stringify({ rsp_code: 'SUCCESS', rsp_msg: 'success', merchant_id: this.options.merchantId, ...seal(data, this.options.signKey) });
    return { httpMethod: 'POST', headers: { 'Content-Type': 'application/json' }, body };
  }

  // ---- OttApi -----------------------------------------------------------------------------

  mappPay(request: MappPayRequest): Promise<OttOutcome<MappPayResult>> {
    return this.handle('MAPPPAY', request.orderId, { amountCents: request.amountCents, tipCents: request.tipCents ?? 0 }, () => {
      const opened = this.open(request.orderId, 'MAPPPAY', request.amountCents, request.tipCents ?? 0);
      if (opened) return opened;
      const stamp = String(Math.floor(this.options.now().getTime() / 1000));
      return ok<MappPayResult>({
        orderId: request.orderId,
        amountCents: request.amountCents,
        saleNum: `S${request.orderId.slice(-8)}`,
        appId: request.appId,
        payment: { timeStamp: stamp, nonceStr: `n${request.orderId.slice(-10)}`, package: `prepay_id=wx${request.orderId}`, signType: 'MD5', paySign: 'F'.repeat(32) },
      });
    });
  }

  activePay(request: ActivePayRequest): Promise<OttOutcome<ActivePayResult>> {
    return this.handle('ACTIVEPAY', request.orderId, { amountCents: request.amountCents, tipCents: request.tipCents ?? 0 }, () => {
      const opened = this.open(request.orderId, 'ACTIVEPAY', request.amountCents, request.tipCents ?? 0);
      if (opened) return opened;
      return ok<ActivePayResult>({ orderId: request.orderId, codeUrl: `weixin://wxpay/bizpayurl?pr=${request.orderId}` });
    });
  }

  statusQuery(orderId: string, options: { timeoutMs?: number } = {}): Promise<OttOutcome<StatusQueryResult>> {
    return this.handle('STATUS_QUERY', orderId, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }, () => {
      const tx = this.ledger.get(orderId);
      if (!tx) return rejected('FAIL', `order not found: ${orderId}`);
      const readings = this.options.readings ?? {};
      const visibleBy = this.options.now().getTime() - (readings.refundBookingDelayMs ?? 0);
      const refundedCents = tx.refunds.filter((r) => Date.parse(r.bookedAt) <= visibleBy).reduce((sum, r) => sum + r.amountCents, 0);
      let word: string = tx.state;
      if (PAID_STATES.includes(tx.state)) word = refundedCents === 0 ? 'success' : refundedCents === tx.amountCents + tx.tipCents ? 'fully_refunded' : 'partial_refunded';
      else if (PAYABLE_STATES.includes(tx.state) && readings.undocumentedStatus !== undefined) word = readings.undocumentedStatus;
      const rawStatus = readings.statusCase === 'upper' ? word.toUpperCase() : word;
      const result: StatusQueryResult = {
        orderId,
        status: mapOrderStatus(rawStatus),
        rawStatus,
        totalAmountCents: tx.amountCents + (readings.tip === 'in-neither' ? 0 : tx.tipCents),
        refundedCents,
        tipCents: tx.tipCents,
      };
      if (tx.paidAt !== undefined) result.tradeTime = compactTime(tx.paidAt);
      if (tx.bizpayOrderId !== undefined) result.bizpayOrderId = tx.bizpayOrderId;
      return ok(result);
    });
  }

  refund(request: RefundRequest): Promise<OttOutcome<RefundResponse>> {
    const extra = { oriOrderId: request.originalOrderId, amountCents: request.amountCents };
    return this.handle('REFUND', request.refundId, extra, () => {
      if (this.refundIds.has(request.refundId) || this.ledger.has(request.refundId)) {
        return { kind: 'exists', code: 'ORDER_USED', message: 'order number duplicated' };
      }
      const tx = this.ledger.get(request.originalOrderId);
      if (!tx) return rejected('FAIL', `original order ${request.originalOrderId} not found`);
      if (!REFUNDABLE_STATES.includes(tx.state)) return rejected('FAIL', `original order is ${tx.state}`);
      const refundable = tx.amountCents + tx.tipCents - tx.refundedCents;
      if (request.amountCents < 1 || request.amountCents > refundable) {
        return rejected('FAIL', `refund_amt ${request.amountCents} exceeds the refundable amount ${refundable}`);
      }
      const bookedAt = this.options.now().toISOString();
      this.refundIds.add(request.refundId);
      tx.refunds.push({ refundId: request.refundId, oriOrderId: tx.ottOrderId, amountCents: request.amountCents, bookedAt });
      tx.refundedCents += request.amountCents;
      tx.state = tx.refundedCents === tx.amountCents + tx.tipCents ? 'fully_refunded' : 'partial_refunded';
      return ok<RefundResponse>({ refundId: request.refundId, originalOrderId: tx.ottOrderId, amountCents: request.amountCents, rawStatus: 'SUCCESS', tradeTime: compactTime(bookedAt) });
    });
  }

  exchangeRate(feeType = 'CAD'): Promise<OttOutcome<ExchangeRateResult>> {
    return this.handle('EX_RATE_QUERY', feeType, {}, () => ok<ExchangeRateResult>({ feeType, rateE8: 524_740_000 }));
  }

  // ---- internals --------------------------------------------------------------------------

  private mustFind(ottOrderId: string): Transaction {
    const tx = this.ledger.get(ottOrderId);
    if (!tx) throw new Error(`fake acquirer: no transaction ${ottOrderId}`);
    return tx;
  }

  private settleUnpaid(ottOrderId: string, state: 'orderclosed' | 'failure'): void {
    const tx = this.mustFind(ottOrderId);
    if (!PAYABLE_STATES.includes(tx.state)) throw new Error(`fake acquirer: ${ottOrderId} is ${tx.state}, cannot become ${state}`);
    tx.state = state;
  }

  /** Opens a transaction; the refusal to answer when the order_id is taken. */
  private open(ottOrderId: string, action: 'MAPPPAY' | 'ACTIVEPAY', amountCents: number, tipCents: number): Answer<never> | undefined {
    const existing = this.ledger.get(ottOrderId);
    if (existing || this.refundIds.has(ottOrderId)) {
      const paid = existing !== undefined && PAID_STATES.includes(existing.state);
      return { kind: 'exists', code: paid ? 'ORDER_PAID' : 'ORDER_USED', message: 'order number duplicated' };
    }
    this.ledger.set(ottOrderId, {
      ottOrderId,
      action,
      amountCents,
      tipCents,
      state: 'notpay',
      refundedCents: 0,
      refunds: [],
      createdAt: this.options.now().toISOString(),
    });
    return undefined;
  }

  private takeFault(action: AcquirerAction, orderId: string): Fault | undefined {
    const rule = this.rules.find((r) => r.action === action && r.remaining > 0 && (r.match === undefined || r.match(orderId)));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.fault;
  }

  private waitForRelease(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      if (ms === undefined) this.waiting.push(resolve);
      else setTimeout(resolve, ms);
    });
  }

  private async handle<T>(
    action: AcquirerAction,
    orderId: string,
    extra: Pick<AcquirerCall, 'oriOrderId' | 'amountCents' | 'tipCents' | 'timeoutMs'>,
    process: () => Answer<T>,
  ): Promise<Answer<T>> {
    const fault = this.takeFault(action, orderId);
    const call: AcquirerCall = {
      seq: this.calls.length + 1,
      action,
      orderId,
      ...extra,
      at: this.options.now().toISOString(),
      startedMs: performance.now(),
      processed: false,
    };
    if (fault) call.fault = fault.kind;
    this.calls.push(call);
    const running = (this.running.get(action) ?? 0) + 1;
    this.running.set(action, running);
    this.peaks.set(action, Math.max(this.peaks.get(action) ?? 0, running));
    const run = (): Answer<T> => {
      call.processed = true;
      return process();
    };
    let answer: Answer<T>;
    try {
      const heard = this.onCall ? await this.onCall(call) : undefined;
      answer = heard === 'timed out' ? unknown('TRANSPORT_TIMEOUT', `no answer within ${call.timeoutMs} ms`) : await this.answer(action, fault, run);
    } catch (error) {
      call.answer = 'threw';
      throw error;
    } finally {
      call.endedMs = performance.now();
      this.running.set(action, (this.running.get(action) ?? 1) - 1);
    }
    call.answer = answer.kind;
    return answer;
  }

  private async answer<T>(action: AcquirerAction, fault: Fault | undefined, run: () => Answer<T>): Promise<Answer<T>> {
    if (!fault) return run();
    switch (fault.kind) {
      case 'unknown':
        if (fault.processed) run();
        return unknown(fault.code ?? 'SYSTEM_ERROR', 'injected: the outcome is not known');
      case 'rejected':
        return rejected(fault.code ?? 'FAIL', 'injected refusal', fault.ourDefect ?? false);
      case 'throw':
        if (fault.processed) run();
        throw new AcquirerCrash(action, fault.processed);
      case 'stall':
        if (fault.processed) run();
        await this.waitForRelease(fault.ms);
        return unknown('TRANSPORT_TIMEOUT', 'injected: no answer in time');
      case 'hold':
        await this.waitForRelease(undefined);
        return run();
    }
  }
}
