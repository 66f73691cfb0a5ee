/**
 * Settings of the payment functions other than OTT Pay's own (server/ottpay/config.ts), read
 * from the functions' environment variables. Errors name the variable.
 */
import { TIP_READINGS, type TipReading } from '../ottpay/tip-reading';

export interface PaymentSettings {
  /** Largest amount (before tip) a payer may enter, in cents: MAX_AMOUNT_CENTS. */
  maxAmountCents: number;
  /** Largest tip, in cents: MAX_TIP_CENTS (defaults to MAX_AMOUNT_CENTS). */
  maxTipCents: number;
  /** A pending order older than this is asked about at OTT Pay when its payer looks at it. */
  queryPendingAfterMs: number;
  /** The sweep queries orders pending longer than this. */
  sweepPendingAfterMs: number;
  /** The sweep closes orders still unpaid after this long, once OTT Pay confirms they are not paid. */
  closeAbandonedAfterMs: number;
  /** How long after it was issued an attempt can no longer be paid: WeChat's two hours for a prepay_id, plus five minutes. */
  prepayValidityMs: number;
  /** At most one STATUS_QUERY per order in this long, whoever asks. */
  queryThrottleMs: number;
  /** The sweep first checks a refund whose outcome is unknown after this long. */
  refundCheckAfterMs: number;
  /** Longest wait between two checks of an unsettled order. */
  maxCheckIntervalMs: number;
  /** The sweep starts no new work after this long, well inside its function timeout. */
  sweepBudgetMs: number;
  /** IANA zone of the merchant's calendar day (takings, CSV export); read it through merchantTimeZone(). */
  timeZone: string;
  /** Body of the reply that acknowledges a recorded call-back (D8). */
  callbackReplyBody: string;
  /**
   * CALLBACK_SETTLES: 'direct' (default): a verified call-back settles the attempt it names with
   * its own money; 'query': it only says where to look, and a STATUS_QUERY of that attempt settles it.
   */
  callbackSettles: 'direct' | 'query';
  /** OTT_TIP_READING: which of OTT's money figures include the tip (see TipReading). */
  tipReading: TipReading;
  /** The sweep's own STATUS_QUERYs give up after this long (at most OTT_TIMEOUT_MS): a slow answer waits for the next run instead of holding a slot. */
  sweepQueryTimeoutMs: number;
  /**
   * Each database request gives up after this long. The SDK's own limit (15 s) is longer than some
   * functions' timeouts, which would end a function without an answer instead of a clean failure.
   */
  databaseTimeoutMs: number;
  /** An attempt OTT answers with a status outside the documented list this many times goes to REVIEW (unknown_status). */
  unknownStatusReviewAfter: number;
  /** How long an exchange rate read from OTT Pay is reused (D13). */
  rateCacheMs: number;
  /** SWEEP_STEP_ORDERS: at most this many due orders are looked at by a step of normal traffic, once a minute; 0: no steps. */
  sweepStepOrders: number;
  /** SWEEP_SECRET: what a scheduler calling the sweep's HTTP route must send; null: the route refuses everyone. */
  sweepSecret: string | null;
  /** RECEIPT_TEMPLATE_ID and its companions: the payment notice; null: none is sent. */
  receipt: ReceiptSettings | null;
  /** COUNTER_HOLD_MS: how long counterFeed waits for a new payment before answering with none. */
  counterHoldMs: number;
  /** COUNTER_CHECK_MS: how often it looks meanwhile (one database read each time). */
  counterCheckMs: number;
  /** WECHAT_SHIPPING_UPLOAD and its companions: what the sweep tells WeChat's order-shipping management; null: nothing. */
  shipping: ShippingSettings | null;
}

/** The parts of a receipt, each put into the template's keyword the merchant names. */
export const RECEIPT_PARTS = ['amount', 'tip', 'time', 'shop', 'order'] as const;
export type ReceiptPart = (typeof RECEIPT_PARTS)[number];

/** The payment notice a payer who asked for one receives (subscribeMessage.send). */
export interface ReceiptSettings {
  /** RECEIPT_TEMPLATE_ID: the subscription-message template chosen in the admin console. */
  templateId: string;
  /** RECEIPT_FIELDS, e.g. "amount:amount1,time:time2,shop:thing3,order:character_string4": which keyword holds which part. */
  fields: Partial<Record<ReceiptPart, string>>;
  /** RECEIPT_SHOP_NAME: the shop as the notice names it (at most 20 characters: a `thing` keyword's limit). */
  shopName: string;
  /** RECEIPT_PAGE: the page a tap on the notice opens. */
  page: string;
}

/** How a mini-program payment is described to WeChat's order-shipping management (发货信息管理). */
export interface ShippingSettings {
  /** self-pickup: 用户自提 (logistics_type 4), the payer paid at the counter; virtual: 虚拟商品 (3). */
  kind: 'self-pickup' | 'virtual';
  /** SHIPPING_ITEM_DESC: the goods, as WeChat shows them to the payer (at most 120 characters). */
  itemDesc: string;
  /**
   * SHIPPING_ORDER_KEY: how the payment is named to WeChat. transaction: WeChat's transaction id, as
   * OTT Pay reports it (bizpay_order_id); out-trade-no: WECHAT_PAY_MCHID and OTT's order id.
   */
  orderKey: { by: 'transaction' } | { by: 'out-trade-no'; mchid: string };
}

/** The shortest SWEEP_SECRET accepted: it is all that stands between the internet and the sweep. */
export const MIN_SWEEP_SECRET_LENGTH = 32;

/** A variable and what is wrong with it; never its value. */
export interface SettingProblem {
  variable: string;
  problem: string;
}

export class SettingsError extends Error {
  readonly problems: readonly SettingProblem[];

  constructor(problems: SettingProblem[] | string) {
    const list = typeof problems === 'string' ? [{ variable: '', problem: problems }] : problems;
    super(list.map((p) => (p.variable ? `${p.variable} ${p.problem}` : p.problem)).join('; '));
    this.name = 'SettingsError';
    this.problems = list;
  }
}

function wholeNumber(env: NodeJS.ProcessEnv, problems: SettingProblem[], variable: string, fallback: number, min: number, max: number): number {
  const text = env[variable]?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    problems.push({ variable, problem: `must be a whole number from ${min} to ${max}` });
    return fallback;
  }
  return Number(text);
}

/** Checked when first used, not at load: ICU's time zone data costs a cold start ~15 ms, and only takings and exports need it. */
function timeZone(env: NodeJS.ProcessEnv): string {
  return env.MERCHANT_TIME_ZONE?.trim() || 'America/Toronto';
}

const checkedZones = new Set<string>();

/** The merchant's time zone, once known to be a zone ICU can use. */
export function merchantTimeZone(settings: Pick<PaymentSettings, 'timeZone'>): string {
  const zone = settings.timeZone;
  if (!checkedZones.has(zone)) {
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    } catch {
      throw new SettingsError([{ variable: 'MERCHANT_TIME_ZONE', problem: 'must be an IANA time zone such as America/Vancouver' }]);
    }
    checkedZones.add(zone);
  }
  return zone;
}

function tipReading(env: NodeJS.ProcessEnv, problems: SettingProblem[]): TipReading {
  const value = env.OTT_TIP_READING?.trim() || 'separate';
  if ((TIP_READINGS as readonly string[]).includes(value)) return value as TipReading;
  problems.push({ variable: 'OTT_TIP_READING', problem: `must be one of ${TIP_READINGS.join(', ')}` });
  return 'separate';
}

function callbackSettles(env: NodeJS.ProcessEnv, problems: SettingProblem[]): 'direct' | 'query' {
  const value = env.CALLBACK_SETTLES?.trim() || 'direct';
  if (value === 'direct' || value === 'query') return value;
  problems.push({ variable: 'CALLBACK_SETTLES', problem: "must be 'direct' or 'query'" });
  return 'direct';
}

function receiptSettings(env: NodeJS.ProcessEnv, problems: SettingProblem[]): ReceiptSettings | null {
  const templateId = env.RECEIPT_TEMPLATE_ID?.trim() ?? '';
  if (templateId === '') return null;
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(templateId)) problems.push({ variable: 'RECEIPT_TEMPLATE_ID', problem: 'must be the template id from the admin console (订阅消息 → 我的模板)' });
  const fields: Partial<Record<ReceiptPart, string>> = {};
  for (const pair of (env.RECEIPT_FIELDS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [part, keyword] = pair.split(':').map((s) => s.trim());
    if (!(RECEIPT_PARTS as readonly string[]).includes(part) || !/^[a-z_]+\d+$/.test(keyword ?? '')) {
      problems.push({ variable: 'RECEIPT_FIELDS', problem: `"${pair}" is not PART:keyword with PART one of ${RECEIPT_PARTS.join(', ')} and a keyword like amount1` });
      continue;
    }
    fields[part as ReceiptPart] = keyword;
  }
  if (fields.amount === undefined) problems.push({ variable: 'RECEIPT_FIELDS', problem: 'must name the keyword of at least the amount (amount:amountN)' });
  const shopName = env.RECEIPT_SHOP_NAME?.trim() ?? '';
  if (fields.shop !== undefined && (shopName === '' || [...shopName].length > 20)) problems.push({ variable: 'RECEIPT_SHOP_NAME', problem: 'must be the shop name, at most 20 characters, when RECEIPT_FIELDS names shop' });
  return { templateId, fields, shopName, page: env.RECEIPT_PAGE?.trim() || 'pages/history/index' };
}

function shippingSettings(env: NodeJS.ProcessEnv, problems: SettingProblem[]): ShippingSettings | null {
  const kind = env.WECHAT_SHIPPING_UPLOAD?.trim() || 'off';
  if (kind === 'off') return null;
  if (kind !== 'self-pickup' && kind !== 'virtual') {
    problems.push({ variable: 'WECHAT_SHIPPING_UPLOAD', problem: "must be 'off', 'self-pickup' or 'virtual'" });
    return null;
  }
  const itemDesc = env.SHIPPING_ITEM_DESC?.trim() || '到店消费 In-store purchase';
  if ([...itemDesc].length > 120) problems.push({ variable: 'SHIPPING_ITEM_DESC', problem: 'must be at most 120 characters' });
  const by = env.SHIPPING_ORDER_KEY?.trim() || 'transaction';
  if (by === 'transaction') return { kind, itemDesc, orderKey: { by } };
  const mchid = env.WECHAT_PAY_MCHID?.trim() ?? '';
  if (by !== 'out-trade-no') problems.push({ variable: 'SHIPPING_ORDER_KEY', problem: "must be 'transaction' or 'out-trade-no'" });
  else if (!/^\d{6,32}$/.test(mchid)) problems.push({ variable: 'WECHAT_PAY_MCHID', problem: 'must be the WeChat Pay merchant id (digits) with SHIPPING_ORDER_KEY=out-trade-no' });
  return { kind, itemDesc, orderKey: { by: 'out-trade-no', mchid } };
}

function sweepSecret(env: NodeJS.ProcessEnv, problems: SettingProblem[]): string | null {
  const value = env.SWEEP_SECRET?.trim() ?? '';
  if (value === '') return null;
  if (value.length < MIN_SWEEP_SECRET_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) {
    problems.push({ variable: 'SWEEP_SECRET', problem: `must be at least ${MIN_SWEEP_SECRET_LENGTH} letters, digits, '-' or '_' (for example: openssl rand -hex 24)` });
    return null;
  }
  return value;
}

const HOUR = 3_600_000;

/** Reads the settings; every problem is reported at once in one SettingsError. */
export function loadPaymentSettings(env: NodeJS.ProcessEnv = process.env): PaymentSettings {
  const problems: SettingProblem[] = [];
  const number = (variable: string, fallback: number, min: number, max: number) => wholeNumber(env, problems, variable, fallback, min, max);
  const maxAmountCents = number('MAX_AMOUNT_CENTS', 1_000_000, 1, 100_000_000);
  const settings: PaymentSettings = {
    maxAmountCents,
    maxTipCents: number('MAX_TIP_CENTS', maxAmountCents, 0, 100_000_000),
    queryPendingAfterMs: number('QUERY_PENDING_AFTER_MS', 5_000, 0, HOUR),
    sweepPendingAfterMs: number('SWEEP_PENDING_AFTER_MS', 120_000, 0, 24 * HOUR),
    closeAbandonedAfterMs: number('CLOSE_ABANDONED_AFTER_MS', 2 * HOUR, 1_000, 30 * 24 * HOUR),
    prepayValidityMs: number('PREPAY_VALIDITY_MS', 2 * HOUR + 5 * 60_000, 0, 30 * 24 * HOUR),
    queryThrottleMs: number('QUERY_THROTTLE_MS', 3_000, 0, HOUR),
    refundCheckAfterMs: number('REFUND_CHECK_AFTER_MS', 60_000, 0, HOUR),
    maxCheckIntervalMs: number('SWEEP_MAX_INTERVAL_MS', 30 * 60_000, 0, 24 * HOUR),
    sweepBudgetMs: number('SWEEP_BUDGET_MS', 25_000, 1_000, HOUR),
    timeZone: timeZone(env),
    callbackReplyBody: env.OTT_CALLBACK_REPLY?.trim() || 'SUCCESS',
    callbackSettles: callbackSettles(env, problems),
    tipReading: tipReading(env, problems),
    sweepQueryTimeoutMs: number('SWEEP_QUERY_TIMEOUT_MS', 3_000, 500, 20_000),
    databaseTimeoutMs: number('DATABASE_TIMEOUT_MS', 5_000, 500, 15_000),
    unknownStatusReviewAfter: number('OTT_UNKNOWN_STATUS_REVIEW_AFTER', 3, 1, 100),
    rateCacheMs: 600_000,
    sweepStepOrders: number('SWEEP_STEP_ORDERS', 8, 0, 50),
    sweepSecret: sweepSecret(env, problems),
    shipping: shippingSettings(env, problems),
    receipt: receiptSettings(env, problems),
    counterHoldMs: number('COUNTER_HOLD_MS', 15_000, 0, 18_000),
    counterCheckMs: number('COUNTER_CHECK_MS', 1_000, 200, 10_000),
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
