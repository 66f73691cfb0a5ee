/**
 * Readings of OTT Pay's documents: where they are silent, the sandbox can behave in each plausible
 * way, so that the merchant's code can be shown right under every one. Unlike a fault, a reading
 * is how OTT's server is taken to behave for the whole run: it starts from the `readings` option
 * (`npm start`: the JSON in OTT_SANDBOX_READINGS), changes through POST /sandbox/readings, and a
 * reset of the faults leaves it alone. What each reading does to what OTT sends is decided here
 * and nowhere else.
 */
import { paidTotal } from './ledger';
import { MERCHANT_CURRENCY, type PaymentAction, type TransactionRecord, type TransactionState } from './store';

export const STATUS_CASES = ['lower', 'upper'] as const;
export const TIP_READINGS = ['separate', 'in-both', 'in-neither'] as const;
export const REPLY_NUMBER_FORMS = ['string', 'number'] as const;
export const CALLBACK_FIELD_SETS = ['standard', 'no-finish-time', 'extra'] as const;

export type StatusCase = (typeof STATUS_CASES)[number];
export type TipReading = (typeof TIP_READINGS)[number];
export type ReplyNumberForm = (typeof REPLY_NUMBER_FORMS)[number];
export type CallbackFieldSet = (typeof CALLBACK_FIELD_SETS)[number];

export interface Readings {
  /** 'immediate', or how many ms after booking a refund STATUS_QUERY starts to show it. */
  refundBooking: 'immediate' | number;
  /** The case of every order_status OTT sends. */
  statusCase: StatusCase;
  /** 'off', or the word STATUS_QUERY answers for a transaction still payable, instead of notpay or init. */
  undocumentedStatus: string;
  /** Which money figures include the tip: the call-back's amount, STATUS_QUERY's total_amount. */
  tip: TipReading;
  /** Whether the numbers of a reply (total_amount, refund_fee, tip, amount) are JSON strings of digits or JSON numbers. */
  replyNumbers: ReplyNumberForm;
  /** Which fields a payment call-back carries. */
  callbackFields: CallbackFieldSet;
}

export type ReadingName = keyof Readings;
export type ReadingsPatch = Partial<Readings>;

/**
 * Today's reading of every point, except replyNumbers: OTT's own Java SDK reads STATUS_QUERY's
 * numbers with `new BigDecimal(String)`, so strings are the form its own code can read.
 */
export const DEFAULT_READINGS: Readonly<Readings> = Object.freeze({
  refundBooking: 'immediate',
  statusCase: 'lower',
  undocumentedStatus: 'off',
  tip: 'separate',
  replyNumbers: 'string',
  callbackFields: 'standard',
});

export const READING_NAMES = Object.keys(DEFAULT_READINGS) as ReadingName[];

/** What each reading models and what its values do: the console and the documentation say the same. */
export const READING_HELP: Readonly<Record<ReadingName, string>> = {
  refundBooking:
    "immediate, or a delay in ms: STATUS_QUERY's refund_fee and order_status show a refund only once this long has passed since it was booked. REFUND's answer, the refundable balance and ORDER_USED for a refund id already used are not delayed.",
  statusCase: "lower (success, notpay, …) or upper (SUCCESS, NOTPAY, …): the case of STATUS_QUERY's order_status and of any order_status a call-back carries.",
  undocumentedStatus:
    'off, or a word OTT does not document (e.g. USERPAYING) that STATUS_QUERY answers instead of notpay or init while the transaction can still be paid.',
  tip: "separate (the call-back's amount excludes the tip, total_amount includes it), in-both (both include it) or in-neither (neither does; the tip is only in tip).",
  replyNumbers:
    "string (default: OTT's own Java SDK reads them with new BigDecimal(String)) or number: how STATUS_QUERY's total_amount, refund_fee and tip and MAPPPAY's amount are written; the md5 of numbers follows md5 numbers.",
  callbackFields:
    'standard, no-finish-time (the payment call-back lacks finish_time) or extra (it also carries order_status, currency_type, trade_type and total_amount).',
};

export class ReadingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadingsError';
  }
}

const MAX_REFUND_DELAY_MS = 24 * 60 * 60 * 1000;
const STATUS_WORD = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const DOCUMENTED_STATUSES = ['init', 'notpay', 'canceling', 'success', 'failure', 'orderclosed', 'partial_refunded', 'fully_refunded'];

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new ReadingsError(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function refundBooking(value: unknown): Readings['refundBooking'] {
  if (value === 'immediate' || value === 0) return 'immediate';
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_REFUND_DELAY_MS) {
    throw new ReadingsError(`refundBooking must be 'immediate' or a delay in ms from 0 to ${MAX_REFUND_DELAY_MS}`);
  }
  return value;
}

function undocumentedStatus(value: unknown): string {
  if (value === 'off') return value;
  if (typeof value !== 'string' || !STATUS_WORD.test(value)) {
    throw new ReadingsError("undocumentedStatus must be 'off' or a word of letters, digits and _ (at most 32)");
  }
  if (DOCUMENTED_STATUSES.includes(value.toLowerCase())) {
    throw new ReadingsError(`undocumentedStatus ${value} is a documented status; choose a word OTT does not document`);
  }
  return value;
}

/** The readings with `patch` applied; throws ReadingsError, naming the reading, when a value is not allowed. */
export function applyReadings(current: Readings, patch: unknown): Readings {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new ReadingsError('readings must be a JSON object');
  const next: Readings = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    switch (name as ReadingName) {
      case 'refundBooking':
        next.refundBooking = refundBooking(value);
        break;
      case 'statusCase':
        next.statusCase = oneOf(name, value, STATUS_CASES);
        break;
      case 'undocumentedStatus':
        next.undocumentedStatus = undocumentedStatus(value);
        break;
      case 'tip':
        next.tip = oneOf(name, value, TIP_READINGS);
        break;
      case 'replyNumbers':
        next.replyNumbers = oneOf(name, value, REPLY_NUMBER_FORMS);
        break;
      case 'callbackFields':
        next.callbackFields = oneOf(name, value, CALLBACK_FIELD_SETS);
        break;
      default:
        throw new ReadingsError(`unknown reading "${name}" (readings: ${READING_NAMES.join(', ')})`);
    }
  }
  return next;
}

export const READINGS_VARIABLE = 'OTT_SANDBOX_READINGS';

/** The readings OTT_SANDBOX_READINGS asks for (a JSON object, e.g. {"statusCase":"upper"}); none when it is unset. */
export function readingsFromEnvironment(env: NodeJS.ProcessEnv): ReadingsPatch {
  const text = env[READINGS_VARIABLE]?.trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ReadingsError(`${READINGS_VARIABLE} is not JSON`);
  }
  try {
    applyReadings(DEFAULT_READINGS, parsed);
  } catch (error) {
    throw new ReadingsError(`${READINGS_VARIABLE}: ${(error as Error).message}`);
  }
  return parsed as ReadingsPatch;
}

/** The readings of a run: `get` for what OTT does now, `set` to change some. */
export class ReadingBoard {
  private readings: Readings;

  constructor(initial: ReadingsPatch = {}) {
    this.readings = applyReadings(DEFAULT_READINGS, initial);
  }

  get(): Readings {
    return { ...this.readings };
  }

  /** Changes the given readings; throws ReadingsError (and changes nothing) when one is invalid. */
  set(patch: ReadingsPatch): Readings {
    this.readings = applyReadings(this.readings, patch);
    return this.get();
  }
}

/** The readings that differ from the default, as `name=value`. */
export function changedReadings(readings: Readings): string[] {
  return READING_NAMES.filter((name) => readings[name] !== DEFAULT_READINGS[name]).map((name) => `${name}=${readings[name]}`);
}

/** The refunds STATUS_QUERY shows at `now`: all of them, or those booked at least the delay ago. */
export function shownRefunded(transaction: TransactionRecord, readings: Readings, now: Date): number {
  const delay = readings.refundBooking;
  if (delay === 'immediate') return transaction.refunded;
  const bookedBy = now.getTime() - delay;
  return (transaction.refunds ?? []).filter((refund) => Date.parse(refund.createdAt) <= bookedBy).reduce((sum, refund) => sum + refund.amount, 0);
}

function shownState(transaction: TransactionRecord, refunded: number): TransactionState {
  if (transaction.state !== 'partial_refunded' && transaction.state !== 'fully_refunded') return transaction.state;
  if (refunded === 0) return 'success';
  return refunded === paidTotal(transaction) ? 'fully_refunded' : 'partial_refunded';
}

function cased(word: string, readings: Readings): string {
  return readings.statusCase === 'upper' ? word.toUpperCase() : word;
}

function isStillPayable(state: TransactionState): boolean {
  return state === 'init' || state === 'notpay';
}

/** The call-back's amount and STATUS_QUERY's total_amount of a transaction. */
function moneyFigures(transaction: TransactionRecord, readings: Readings): { callbackAmount: number; totalAmount: number } {
  const charged = paidTotal(transaction);
  switch (readings.tip) {
    case 'separate':
      return { callbackAmount: transaction.amount, totalAmount: charged };
    case 'in-both':
      return { callbackAmount: charged, totalAmount: charged };
    case 'in-neither':
      return { callbackAmount: transaction.amount, totalAmount: transaction.amount };
  }
}

/** A number of a reply, written as the reading says. */
export function replyNumber(value: number, readings: Readings): string | number {
  return readings.replyNumbers === 'string' ? String(value) : value;
}

export interface StatusFigures {
  order_status: string;
  total_amount: string | number;
  refund_fee: string | number;
  tip: string | number;
}

/** STATUS_QUERY's status and money figures for a transaction, at `now`. */
export function statusFigures(transaction: TransactionRecord, readings: Readings, now: Date): StatusFigures {
  const refunded = shownRefunded(transaction, readings, now);
  const undocumented = readings.undocumentedStatus !== 'off' && isStillPayable(transaction.state);
  return {
    order_status: undocumented ? readings.undocumentedStatus : cased(shownState(transaction, refunded), readings),
    total_amount: replyNumber(moneyFigures(transaction, readings).totalAmount, readings),
    refund_fee: replyNumber(refunded, readings),
    tip: replyNumber(transaction.tip, readings),
  };
}

const TRADE_TYPES: Record<PaymentAction, string> = { MAPPPAY: 'JSAPI', ACTIVEPAY: 'NATIVE', INAPP: 'APP' };

/**
 * The business data of a payment call-back, every value a string, `tip` only when not zero (as in
 * OTT's documented example), shaped by the tip and callbackFields readings.
 */
export function paymentCallbackData(
  transaction: TransactionRecord,
  standard: { merchantId: string; exchangeRate: string },
  readings: Readings,
): Record<string, string> {
  const money = moneyFigures(transaction, readings);
  const data: Record<string, string> = {
    amount: String(money.callbackAmount),
    bizpay_order_id: transaction.bizpayOrderId ?? '',
  };
  if (transaction.tip > 0) data.tip = String(transaction.tip);
  data.merchant_id = standard.merchantId;
  data.order_id = transaction.orderId;
  if (readings.callbackFields !== 'no-finish-time') data.finish_time = transaction.finishTime ?? '';
  data.exchange_rate = standard.exchangeRate;
  if (readings.callbackFields === 'extra') {
    Object.assign(data, {
      order_status: cased(transaction.state, readings),
      currency_type: MERCHANT_CURRENCY,
      trade_type: TRADE_TYPES[transaction.action],
      total_amount: String(money.totalAmount),
    });
  }
  return data;
}
