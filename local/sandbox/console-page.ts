/** The web console at `GET /`: one self-contained HTML page (inline CSS and script, no external assets). */
import { CALLBACK_ACK_POLICIES, IN_APP_ACTION, PROTOCOL_ACTIONS, type CallbackAckPolicy, type CurrentFaults, type NormalizedResponseFault } from './faults';
import { formatCents, rateText } from './formats';
import { isPaid, paidTotal } from './ledger';
import {
  CALLBACK_FIELD_SETS,
  changedReadings,
  READING_HELP,
  READINGS_VARIABLE,
  REPLY_NUMBER_FORMS,
  STATUS_CASES,
  TIP_READINGS,
  type ReadingName,
  type Readings,
} from './readings';
import { REQUEST_LOG_LIMIT, type RequestPage, type RequestRecord } from './request-log';
import type { CallbackRecord, HistoryEntry, PaymentAction, RefundRecord, TransactionRecord, TransactionState } from './store';
import { CONSOLE_PAYER_OPENID, OUTCOME_LABELS, TEST_PAYMENT_OUTCOMES, type MerchantOrderState } from './test-payment';

/** The merchant's side of a transaction: its order, none, or why it could not be read. */
export type MerchantCell = { order: MerchantOrderState } | { order: null } | { error: string };

export interface TransactionDetail {
  transaction: TransactionRecord;
  refunds: RefundRecord[];
  callbacks: CallbackRecord[];
  /** Absent when the sandbox runs without the merchant's functions. */
  merchant?: MerchantCell;
}

export interface ConsoleInfo {
  url: string;
  merchantId: string;
  operatorId: string;
  appId: string;
  nativeAppId: string;
  exchangeRateE8: number;
  retryScheduleMs: number[];
  /** Whether the merchant's functions run beside the sandbox (`npm start`). */
  merchantSide: boolean;
}

export const TRANSACTION_STATES: readonly TransactionState[] = ['init', 'notpay', 'success', 'failure', 'orderclosed', 'partial_refunded', 'fully_refunded'];
export const TRANSACTION_PAGE = 50;
export const REQUEST_PAGE = 20;

/** What `GET /` was asked for: `?order=…&state=…&limit=…&requests=…`. */
export interface ConsoleQuery {
  /** All or part of an order id; empty: every order. */
  order: string;
  /** Empty: every state. */
  state: TransactionState | '';
  limit: number;
  requests: number;
}

export interface ConsoleView {
  query: ConsoleQuery;
  /** The transactions shown, newest first. */
  transactions: TransactionDetail[];
  /** Transactions in the ledger. */
  total: number;
  /** Transactions whose order id matches the search, by state. */
  byState: Partial<Record<TransactionState, number>>;
  /** Transactions matching the search and the state. */
  matching: number;
  requests: RequestPage;
  faults: CurrentFaults;
  readings: Readings;
  info: ConsoleInfo;
}

function count(text: string | null, fallback: number): number {
  const value = Number(text);
  return text !== null && Number.isSafeInteger(value) && value > 0 ? Math.min(value, 100_000) : fallback;
}

export function consoleQuery(params: URLSearchParams): ConsoleQuery {
  const state = params.get('state') ?? '';
  return {
    order: (params.get('order') ?? '').trim().slice(0, 64),
    state: TRANSACTION_STATES.includes(state as TransactionState) ? (state as TransactionState) : '',
    limit: count(params.get('limit'), TRANSACTION_PAGE),
    requests: count(params.get('requests'), REQUEST_PAGE),
  };
}

function queryString(query: ConsoleQuery, change: Partial<ConsoleQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.order) params.set('order', next.order);
  if (next.state) params.set('state', next.state);
  if (next.limit !== TRANSACTION_PAGE) params.set('limit', String(next.limit));
  if (next.requests !== REQUEST_PAGE) params.set('requests', String(next.requests));
  const text = params.toString();
  return text ? `?${text}` : '/';
}

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function time(iso: string | undefined | null): string {
  return iso ? escapeHtml(iso.slice(0, 19).replace('T', ' ')) + ' UTC' : '';
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

const CHANNELS: Record<PaymentAction, string> = { MAPPPAY: 'mini-program', ACTIVEPAY: 'QR code', INAPP: 'app' };

function button(action: string, orderId: string, label: string, kind = ''): string {
  return `<button type="button" class="${kind}" data-action="${escapeHtml(action)}" data-order="${escapeHtml(orderId)}">${escapeHtml(label)}</button>`;
}

function actions(tx: TransactionRecord): string {
  if (tx.state === 'init' || tx.state === 'notpay') {
    return [
      button('approve', tx.orderId, 'Approve', 'primary'),
      button('cancel', tx.orderId, 'Cancel'),
      button('fail', tx.orderId, 'Fail'),
      button('close', tx.orderId, 'Close'),
    ].join(' ');
  }
  return isPaid(tx.state) ? button('resend-callback', tx.orderId, 'Re-send call-back') : '';
}

const ACK_POLICY_LABELS: Record<CallbackAckPolicy, string> = {
  'success-body': 'HTTP 200 with the body SUCCESS',
  'any-2xx': 'any HTTP 2xx',
  'json-rsp-code': 'HTTP 2xx with JSON rsp_code SUCCESS',
};

const ACK_POLICY_HELP: Record<CallbackAckPolicy, string> = {
  'success-body': 'what paymentCallback answers',
  'any-2xx': 'whatever the body says',
  'json-rsp-code': 'a JSON body whose rsp_code is SUCCESS',
};

/** A value of decrypted data: text as it is, a JSON number marked as one (OTT's replies carry both). */
function dataValue(value: unknown): string {
  if (typeof value === 'string') return `<code>${escapeHtml(value)}</code>`;
  if (typeof value === 'number') return `<code>${escapeHtml(value)}</code> <span class="muted">number</span>`;
  return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
}

function dataTable(data: Record<string, unknown>): string {
  const rows = Object.entries(data).map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${dataValue(value)}</td></tr>`);
  return `<table class="kv">${rows.join('')}</table>`;
}

function attemptRow(attempt: CallbackRecord['attempts'][number]): string {
  const status = attempt.httpStatus === null ? '—' : String(attempt.httpStatus);
  const detail =
    attempt.error !== null
      ? `<span class="error">${escapeHtml(attempt.error)}</span>`
      : `<code>${escapeHtml(attempt.reply ?? '')}</code>`;
  const verdict = `<span class="ack" title="policy: ${escapeHtml(ACK_POLICY_LABELS[attempt.ackPolicy])}">${attempt.ok ? 'acknowledged' : 'not acknowledged'}: ${escapeHtml(attempt.ackReason)}</span>`;
  return `<li class="${attempt.ok ? 'ok' : 'bad'}">${time(attempt.at)}${attempt.copy > 1 ? ` (copy ${attempt.copy})` : ''} · HTTP ${escapeHtml(status)} · ${attempt.durationMs} ms · ${detail} · ${verdict}</li>`;
}

function callbackBlock(callback: CallbackRecord): string {
  const next =
    callback.state === 'pending' && callback.nextAttemptAt !== null
      ? ` · next attempt ${time(new Date(callback.nextAttemptAt).toISOString())}`
      : '';
  const copies = callback.copies > 1 ? ` · ${callback.copies} copies each` : '';
  const attempts =
    callback.attempts.length > 0
      ? `<ul class="attempts">${callback.attempts.map(attemptRow).join('')}</ul>`
      : `<div class="muted">${callback.state === 'dropped' ? 'not sent: dropped by the drop fault' : 'no attempt yet'}</div>`;
  const payload = Object.entries(callback.data)
    .map(([key, value]) => `${escapeHtml(key)}=<code>${escapeHtml(value)}</code>`)
    .join(' ');
  return `<div class="callback">
  <div><span class="badge cb-${escapeHtml(callback.state)}">${escapeHtml(callback.state)}</span>
  ${escapeHtml(callback.trigger === 'resend' ? 're-send' : 'call-back')} to <code>${escapeHtml(callback.url)}</code>
  · queued ${time(callback.createdAt)}${next}${copies}</div>
  <div class="payload">payload, decrypted: ${payload}</div>
  ${attempts}
</div>`;
}

function timeline(history: HistoryEntry[]): string {
  const entries = history.map((entry) => {
    const byConsole = entry.event.startsWith('console: ');
    return `<li${byConsole ? ' class="by-console"' : ''}><span class="when">${time(entry.at)}</span> ${escapeHtml(entry.event)}</li>`;
  });
  return `<ol class="timeline">${entries.join('')}</ol>`;
}

function merchantCell(cell: MerchantCell | undefined): string {
  if (cell === undefined) return '<span class="muted" title="the merchant\'s functions do not run beside this sandbox">—</span>';
  if ('error' in cell) return `<span class="error" title="${escapeHtml(cell.error)}">unreadable</span>`;
  if (cell.order === null) return '<span class="muted">no order</span>';
  const review = cell.order.reviewKind ? ` <span class="muted">${escapeHtml(cell.order.reviewKind)}</span>` : '';
  return `<span class="badge ms-${escapeHtml(cell.order.state)}">${escapeHtml(cell.order.state)}</span>${review}`;
}

function transactionRows(detail: TransactionDetail): string {
  const tx = detail.transaction;
  const refunds = detail.refunds.map((r) => `${escapeHtml(r.refundOrderId)}: ${escapeHtml(formatCents(r.amount, tx.currency))}`);
  const payer = tx.payerOpenId ?? tx.openId;
  const facts = [
    `created ${time(tx.createdAt)}`,
    tx.paidAt ? `paid ${time(tx.paidAt)} (finish_time ${escapeHtml(tx.finishTime ?? '')})` : '',
    payer ? `payer <code>${escapeHtml(payer)}</code>` : '',
    tx.bizpayOrderId ? `WeChat id <code>${escapeHtml(tx.bizpayOrderId)}</code>` : '',
    tx.prepayId ? `prepay <code>${escapeHtml(tx.prepayId)}</code>` : '',
    tx.appPayInfo ? `app <code>${escapeHtml(tx.appPayInfo.appId)}</code> partner <code>${escapeHtml(tx.appPayInfo.partnerId)}</code>` : '',
    tx.codeUrl ? `QR <code>${escapeHtml(tx.codeUrl)}</code>` : '',
    refunds.length > 0 ? `refunds ${refunds.join(', ')}` : '',
    `<a href="${escapeHtml(`/?order=${encodeURIComponent(tx.orderId)}#requests`)}">its requests</a>`,
  ].filter(Boolean);
  const callbacks =
    detail.callbacks.length > 0 ? detail.callbacks.map(callbackBlock).join('') : '<div class="muted">no call-back</div>';
  return `<tr class="tx" data-order="${escapeHtml(tx.orderId)}" data-state="${escapeHtml(tx.state)}">
  <td class="order"><code>${escapeHtml(tx.orderId)}</code></td>
  <td class="channel"><span class="badge ch-${escapeHtml(tx.action)}">${escapeHtml(CHANNELS[tx.action])}</span><div class="muted">${escapeHtml(tx.action)}</div></td>
  <td class="ott-state"><span class="badge st-${escapeHtml(tx.state)}">${escapeHtml(tx.state)}</span></td>
  <td class="merchant-state">${merchantCell(detail.merchant)}</td>
  <td class="num">${escapeHtml(formatCents(tx.amount, tx.currency))}</td>
  <td class="num">${escapeHtml(formatCents(tx.tip, tx.currency))}</td>
  <td class="num"><strong>${escapeHtml(formatCents(paidTotal(tx), tx.currency))}</strong></td>
  <td class="num">${tx.refunded > 0 ? escapeHtml(formatCents(tx.refunded, tx.currency)) : ''}</td>
  <td class="actions">${actions(tx)}</td>
</tr>
<tr class="details" data-order="${escapeHtml(tx.orderId)}"><td colspan="9">
  <div class="facts">${facts.join(' · ')}</div>
  <div class="detail-grid">
    <div><h3>Timeline</h3>${timeline(tx.history)}</div>
    <div class="callbacks"><h3>Call-backs</h3>${callbacks}</div>
  </div>
</td></tr>`;
}

function faultEndpoints({ mode, actions }: NormalizedResponseFault): string {
  const sealedOnly = mode === 'CORRUPT_DATA' || mode === 'WRONG_MD5';
  if (sealedOnly || (actions.length > 0 && !actions.includes(IN_APP_ACTION))) return '/processV2';
  return actions.length > 0 && actions.every((action) => action === IN_APP_ACTION) ? '/inAppPay' : '/processV2 and /inAppPay';
}

function activeFaults(faults: CurrentFaults): string[] {
  const active: string[] = [];
  if (faults.delayMs > 0) active.push(`call-backs delayed ${faults.delayMs} ms`);
  if (faults.duplicate > 1) active.push(`call-backs sent ${faults.duplicate}×`);
  if (faults.drop === 'all') active.push('all call-backs dropped');
  else if (faults.drop > 0) active.push(`next ${faults.drop} call-back(s) dropped`);
  if (faults.reorder >= 2) active.push(`call-backs held in groups of ${faults.reorder} and sent newest first`);
  if (faults.response) {
    const r = faults.response;
    const scope = r.actions.length > 0 ? r.actions.join('/') : 'every action';
    const times = r.times === null ? '' : `, ${r.times} more time(s)`;
    active.push(`${faultEndpoints(r)} ${r.mode} for ${scope}${times}${r.afterProcessing ? ', after processing' : ''}`);
  }
  if (faults.numberDigest === 'js') active.push("reply md5 renders numbers as JavaScript does, which OTT's SDK refuses");
  return active;
}

function option(value: string, current: string, label = value): string {
  return `<option value="${escapeHtml(value)}"${value === current ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

function field(control: string, label: string, help: string): string {
  return `<label class="field"><span class="name">${escapeHtml(label)}</span> ${control}<small class="help">${escapeHtml(help)}</small></label>`;
}

function retried(scheduleMs: number[]): string {
  return scheduleMs.length > 0 ? `retried after ${scheduleMs.map((ms) => `${ms / 1000} s`).join(', ')}` : 'not retried';
}

function faultForm(faults: CurrentFaults, info: ConsoleInfo): string {
  const r = faults.response;
  const active = activeFaults(faults);
  const modes = ['', 'SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT', 'CORRUPT_DATA', 'WRONG_MD5'];
  return `<section class="faults" id="fault-switches">
  <h2>Fault switches</h2>
  <p class="${active.length > 0 ? 'warn' : 'muted'}">${active.length > 0 ? active.map(escapeHtml).join(' · ') : 'No fault is switched on.'}</p>
  <form id="faults">
    <fieldset><legend>Call-backs</legend>
      ${field(`<input name="delayMs" type="number" min="0" value="${faults.delayMs}">`, 'delay ms', 'Wait this long before the first attempt of each call-back.')}
      ${field(`<input name="duplicate" type="number" min="0" max="20" value="${faults.duplicate}">`, 'copies', 'Send this many copies of each attempt at once, as a receiver may get the same call-back twice (0 or 1: one).')}
      ${field(`<input name="drop" value="${escapeHtml(faults.drop)}" size="4">`, 'drop next', 'Never send the next this many call-backs (a number, or all); they are listed as dropped.')}
      ${field(`<input name="reorder" type="number" min="0" max="20" value="${faults.reorder}">`, 'reorder groups of', 'Hold call-backs until this many are queued, then send them newest first (0 or 1: off).')}
      ${field(`<input name="reorderTimeoutMs" type="number" min="1" value="${faults.reorderTimeoutMs}">`, 'release after ms', 'Send the held call-backs, newest first, once the oldest has waited this long, even if the group is not full.')}
    </fieldset>
    <fieldset><legend>What acknowledges a call-back (OTT's documents do not say)</legend>
      ${field(
        `<select name="callbackAck">${CALLBACK_ACK_POLICIES.map((p) => option(p, faults.callbackAck, ACK_POLICY_LABELS[p])).join('')}</select>`,
        'acknowledged on',
        `The reply that counts as received: ${CALLBACK_ACK_POLICIES.map((p) => `${ACK_POLICY_LABELS[p]} (${ACK_POLICY_HELP[p]})`).join('; ')}. Any other reply is ${retried(info.retryScheduleMs)}. A reset brings back the value the sandbox started with.`,
      )}
    </fieldset>
    <fieldset><legend>/processV2 and /inAppPay answers</legend>
      ${field(
        `<select name="mode">${modes.map((m) => option(m, r?.mode ?? '', m || 'none')).join('')}</select>`,
        'fault',
        'SYSTEM_ERROR or PROCESSING: answer that rsp_code. TIMEOUT: hold the request without an answer. CORRUPT_DATA or WRONG_MD5: answer SUCCESS with the data or the md5 altered (/processV2 only).',
      )}
      ${field(
        `<input name="actions" value="${escapeHtml(r ? r.actions.join(',') : '')}" placeholder="all" size="16">`,
        'actions',
        `Only these, comma-separated: ${[...PROTOCOL_ACTIONS, IN_APP_ACTION].join(', ')} (${IN_APP_ACTION} is /inAppPay); empty: every action.`,
      )}
      ${field(`<input name="times" type="number" min="1" value="${r?.times ?? ''}" placeholder="∞">`, 'times', 'Switch the fault off after this many requests; empty: until changed.')}
      ${field(
        `<input name="afterProcessing" type="checkbox"${r?.afterProcessing ? ' checked' : ''}>`,
        'after processing',
        'SYSTEM_ERROR, PROCESSING, TIMEOUT: the request takes effect (an order is created, a refund booked) and only its answer is lost; unticked, as if it never arrived.',
      )}
      ${field(
        `<input name="replyAfterMs" type="number" min="0" value="${r?.replyAfterMs ?? ''}" placeholder="never">`,
        'reply after ms',
        'TIMEOUT only: answer after this long (the real answer if processed, else rsp_code TIMEOUT); empty: never, until the caller gives up.',
      )}
      ${field(
        `<select name="numberDigest">${option('java', faults.numberDigest, 'Java (1.0)')}${option('js', faults.numberDigest, 'JavaScript (1)')}</select>`,
        'md5 numbers',
        "How a reply's md5 renders its JSON numbers (reply numbers: number): Java (1234 as 1234.0), as OTT's own SDK checks it; JavaScript (1234), which OTT's SDK refuses and this project's client accepts.",
      )}
    </fieldset>
    <button type="submit" class="primary">Apply</button>
    <button type="button" data-reset-faults>Reset</button>
    <span id="fault-status" class="muted"></span>
  </form>
</section>`;
}

/** The console's name for each reading: its field's label. */
export const READING_LABELS: Readonly<Record<ReadingName, string>> = {
  refundBooking: 'refund shown after ms',
  statusCase: 'status case',
  undocumentedStatus: 'undocumented status',
  tip: 'tip included in',
  replyNumbers: 'reply numbers',
  callbackFields: 'call-back fields',
};

function choice(name: ReadingName, values: readonly string[], current: string): string {
  return `<select name="${name}">${values.map((v) => option(v, current)).join('')}</select>`;
}

function readingsForm(readings: Readings): string {
  const changed = changedReadings(readings);
  const controls: Record<ReadingName, string> = {
    refundBooking: `<input name="refundBooking" value="${escapeHtml(readings.refundBooking)}" placeholder="immediate" size="10">`,
    statusCase: choice('statusCase', STATUS_CASES, readings.statusCase),
    undocumentedStatus: `<input name="undocumentedStatus" value="${escapeHtml(readings.undocumentedStatus)}" placeholder="off" size="12">`,
    tip: choice('tip', TIP_READINGS, readings.tip),
    replyNumbers: choice('replyNumbers', REPLY_NUMBER_FORMS, readings.replyNumbers),
    callbackFields: choice('callbackFields', CALLBACK_FIELD_SETS, readings.callbackFields),
  };
  const fields = (Object.keys(controls) as ReadingName[]).map((name) => field(controls[name], READING_LABELS[name], READING_HELP[name]));
  return `<section class="readings" id="reading-switches">
  <h2>Readings of OTT's documents</h2>
  <p class="muted">Where OTT's documents are silent, how this sandbox takes OTT's server to behave, for the whole run: a reset of the faults leaves them as they are. Set at start with <code>${READINGS_VARIABLE}</code> (JSON).</p>
  <p class="${changed.length > 0 ? 'warn' : 'muted'}" id="readings-now">${changed.length > 0 ? `Not the default: ${changed.map(escapeHtml).join(' · ')}` : 'Every reading is the default.'}</p>
  <form id="readings">
    <fieldset><legend>What OTT sends</legend>
      ${fields.join('\n      ')}
    </fieldset>
    <button type="submit" class="primary">Apply</button>
    <span id="readings-status" class="muted"></span>
  </form>
</section>`;
}

function testPaymentForm(info: ConsoleInfo): string {
  const how = info.merchantSide
    ? `Created through the merchant's <code>createPayment</code> function as the payer <code>${CONSOLE_PAYER_OPENID}</code>, as the mini-program does, so the merchant has the order; then the simulated wallet does what you choose.`
    : `The sandbox sends a <code>MAPPPAY</code> with the merchant's credentials, as the merchant's server would, for the payer <code>${CONSOLE_PAYER_OPENID}</code>; then the simulated wallet does what you choose.`;
  const callbackUrl = info.merchantSide
    ? ''
    : field(
        '<input name="callbackUrl" type="url" size="36" placeholder="the sandbox\'s own receiver">',
        'call_back_url',
        "Where its call-backs go; empty: the sandbox's own receiver, which checks them and answers SUCCESS.",
      );
  return `<section id="test-payment">
  <h2>Test payment</h2>
  <p class="muted">${how}</p>
  <form id="test-payment-form">
    ${field('<input name="amount" type="number" min="0.01" step="0.01" value="12.34" required>', 'amount CAD', 'What the payer owes before the tip.')}
    ${field('<input name="tip" type="number" min="0" step="0.01" value="0">', 'tip CAD', 'Charged on top of the amount.')}
    ${field(`<select name="outcome">${TEST_PAYMENT_OUTCOMES.map((o) => option(o, 'success', OUTCOME_LABELS[o])).join('')}</select>`, 'outcome', 'What the payer does in the wallet.')}
    ${callbackUrl}
    <button type="submit" class="primary">Start payment</button>
  </form>
</section>`;
}

function moreLink(id: string, href: string, label: string): string {
  return `<a class="more" id="${id}" href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

function transactionsSection(view: ConsoleView): string {
  const { query, transactions, total, matching, byState } = view;
  const found = Object.values(byState).reduce((sum, n) => sum + (n ?? 0), 0);
  const states = [option('', query.state, `every state (${found})`)]
    .concat(TRANSACTION_STATES.map((s) => option(s, query.state, `${s} (${byState[s] ?? 0})`)))
    .join('');
  const filters = [
    query.order ? `whose order id contains “${escapeHtml(query.order)}”` : '',
    query.state ? `in state ${escapeHtml(query.state)}` : '',
  ].filter(Boolean);
  const filtered = filters.length > 0;
  const counted =
    `Showing ${transactions.length.toLocaleString('en-US')} of ${plural(matching, 'transaction')}${filtered ? ` ${filters.join(' and ')}` : ''}, ` +
    `newest first${filtered ? ` (${total.toLocaleString('en-US')} in all)` : ''}.`;
  const rows =
    transactions.length > 0
      ? transactions.map(transactionRows).join('\n')
      : total === 0
        ? '<tr><td colspan="9" class="muted">No transaction yet. Start one with the test payment above, or with MAPPPAY or ACTIVEPAY on /processV2, or on /inAppPay.</td></tr>'
        : '<tr><td colspan="9" class="muted">No transaction matches.</td></tr>';
  const more =
    transactions.length < matching
      ? moreLink('more-transactions', `${queryString(query, { limit: query.limit + TRANSACTION_PAGE })}#transactions`, `Show ${Math.min(TRANSACTION_PAGE, matching - transactions.length)} more`)
      : '';
  return `<section id="transactions">
  <div class="toolbar">
    <h2>Transactions</h2>
    <form id="search" method="get" action="/">
      <label>order id <input name="order" type="search" value="${escapeHtml(query.order)}" placeholder="all or part of an order id" size="30"></label>
      <label>state <select name="state">${states}</select></label>
      <button type="submit">Search</button>
      ${filtered ? '<a href="/">show all</a>' : ''}
    </form>
    <span><label><input id="auto" type="checkbox"> refresh every 3 s</label> <button type="button" data-refresh>Refresh</button></span>
  </div>
  <p class="count" id="transaction-count">${counted}</p>
  <table>
    <thead><tr><th>Order</th><th>Channel</th><th title="OTT Pay's order_status">OTT state</th><th title="the order's state in the merchant's store (npm start only)">Merchant state</th><th class="num">Amount</th><th class="num">Tip</th><th class="num">Total</th><th class="num">Refunded</th><th></th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
  ${more}
  <p class="muted">A call-back counts as acknowledged on ${escapeHtml(ACK_POLICY_LABELS[view.faults.callbackAck])}; unacknowledged ones are ${escapeHtml(retried(view.info.retryScheduleMs))}.</p>
</section>`;
}

function exchangeSide(title: string, note: string | null, data: Record<string, unknown> | null, head: string): string {
  const body = data ? dataTable(data) : `<div class="muted">${escapeHtml(note ?? 'no data')}</div>`;
  return `<div><h3>${escapeHtml(title)}</h3>${head}${data && note ? `<div class="muted">${escapeHtml(note)}</div>` : ''}${body}</div>`;
}

function requestEntry(record: RequestRecord): string {
  const envelope = record.envelope
    ? `<div class="facts">${Object.entries(record.envelope)
        .map(([key, value]) => `${escapeHtml(key)}=<code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code>`)
        .join(' ')}</div>`
    : '';
  const answer =
    record.code === null ? '' : `<div class="facts">rsp_code=<code>${escapeHtml(record.code)}</code>${record.message === null ? '' : ` rsp_msg=<code>${escapeHtml(record.message)}</code>`}</div>`;
  const code = record.code ?? 'no answer';
  return `<details class="request" data-id="${escapeHtml(record.id)}">
  <summary>
    <span class="when">${time(record.at)}</span>
    <code class="path">${escapeHtml(record.path)}</code>
    <strong class="action">${escapeHtml(record.action || '(no action)')}</strong>
    <code class="order">${escapeHtml(record.orderIds[0] ?? '—')}</code>
    <span class="badge ${record.code === 'SUCCESS' ? 'rc-ok' : 'rc-bad'}">${escapeHtml(code)}</span>
    <span class="num">${record.durationMs} ms</span>
    ${record.fault ? `<span class="warn">fault: ${escapeHtml(record.fault)}</span>` : ''}
  </summary>
  <div class="exchange">
    ${exchangeSide(record.path === '/inAppPay' ? 'Request (plain JSON)' : 'Request data, decrypted', record.requestNote, record.request, envelope)}
    ${exchangeSide(record.path === '/inAppPay' ? 'Reply (plain JSON)' : 'Reply data, decrypted', record.replyNote, record.reply, answer)}
  </div>
</details>`;
}

function requestsSection(view: ConsoleView): string {
  const { query, requests } = view;
  const filter = query.order ? ` naming an order id that contains “${escapeHtml(query.order)}”` : '';
  const counted =
    `Showing ${requests.requests.length.toLocaleString('en-US')} of ${plural(requests.matching, 'request')}${filter}, newest first` +
    `${filter ? ` (${requests.total.toLocaleString('en-US')} in the log)` : ''}. ` +
    `The log keeps the newest ${REQUEST_LOG_LIMIT.toLocaleString('en-US')} in requests.db; click one for its data.`;
  const entries = requests.requests.length > 0 ? requests.requests.map(requestEntry).join('\n') : '<p class="muted">No request yet.</p>';
  const more =
    requests.requests.length < requests.matching
      ? moreLink('more-requests', `${queryString(query, { requests: query.requests + REQUEST_PAGE })}#requests`, `Show ${Math.min(REQUEST_PAGE, requests.matching - requests.requests.length)} more`)
      : '';
  return `<section id="requests">
  <h2>Requests to /processV2 and /inAppPay</h2>
  <p class="count" id="request-count">${counted}</p>
  <div class="request-log">${entries}</div>
  ${more}
</section>`;
}

const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f4f6f8}
header{background:#1f6f43;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
header span{opacity:.92}
header code{background:rgba(255,255,255,.16);color:#fff}
main{padding:16px 24px}
h2{font-size:15px;margin:0 0 8px}
h3{font-size:13px;margin:4px 0;color:#4a545e}
section{background:#fff;border:1px solid #dde3e8;border-radius:6px;padding:12px 16px;margin-bottom:16px}
table{border-collapse:collapse;width:100%}
th{text-align:left;font-weight:600;border-bottom:2px solid #dde3e8;padding:6px 8px;white-space:nowrap}
td{padding:6px 8px;vertical-align:top}
tr.tx td{border-top:1px solid #dde3e8}
tr.details td{padding-top:0;padding-bottom:10px}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.actions{white-space:nowrap;text-align:right}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f4;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}
td.order code,.badge{white-space:nowrap}
a{color:#1f4e8c}
.muted{color:#5f6b76}
.warn{color:#8a5100;font-weight:600}
.error{color:#b3261e}
#flash{margin:0 0 16px;padding:8px 12px;border-radius:6px;background:#d7f0e0;color:#17613a;font-weight:600}
#flash.error{background:#fadcd9;color:#8c1d14}
.banner{margin:0 0 16px;padding:8px 12px;border-radius:6px;background:#fff1cc}
.facts{color:#4a545e;font-size:13px;margin-bottom:4px}
.detail-grid{display:grid;grid-template-columns:minmax(260px,2fr) 3fr;gap:16px}
.timeline{margin:0;padding-left:18px;font-size:13px}
.timeline .when{color:#5f6b76;font-variant-numeric:tabular-nums}
.timeline li.by-console{font-weight:600;color:#1f4e8c}
.callback{border-left:3px solid #c9d3db;padding:2px 0 2px 10px;margin:4px 0;font-size:13px}
.payload{color:#36414b}
.attempts{margin:2px 0;padding-left:18px}
.attempts li.ok{color:#1f6f43}
.attempts li.bad{color:#b3261e}
.attempts li code{color:#1d2329}
.attempts li .ack{font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e5e9ed;color:#36414b}
.ch-MAPPPAY{background:#e3f1e8;color:#1f6f43}
.ch-ACTIVEPAY{background:#ece6f6;color:#4b2d83}
.ch-INAPP{background:#e0eef7;color:#1f4e8c}
.st-success,.cb-delivered,.ms-PAID,.rc-ok{background:#d7f0e0;color:#17613a}
.st-notpay,.st-init,.cb-pending,.cb-held,.ms-CREATED,.ms-PAYING{background:#fff1cc;color:#7a5200}
.st-failure,.st-orderclosed,.cb-failed,.cb-dropped,.ms-FAILED,.ms-CLOSED,.ms-REVIEW,.rc-bad{background:#fadcd9;color:#8c1d14}
.st-partial_refunded,.st-fully_refunded,.ms-PARTIALLY_REFUNDED,.ms-REFUNDED{background:#dde7f7;color:#1f4e8c}
button{font:inherit;font-size:13px;padding:3px 10px;border:1px solid #b8c2cb;border-radius:4px;background:#fff;cursor:pointer}
button:hover{background:#eef1f4}
button.primary{background:#1f6f43;border-color:#1f6f43;color:#fff}
fieldset{border:1px solid #dde3e8;border-radius:4px;margin:0 0 8px;padding:6px 10px;display:flex;flex-wrap:wrap;gap:8px 20px}
legend{font-weight:600;font-size:13px}
label{font-size:13px;white-space:nowrap}
label.field{display:inline-flex;flex-direction:column;gap:2px;white-space:normal;max-width:300px}
label.field .name{font-weight:600}
label.field input[type=checkbox]{align-self:flex-start}
.help{color:#5f6b76;font-size:12px;line-height:1.35}
#test-payment form{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:flex-end}
#search{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
input,select{font:inherit;font-size:13px;padding:2px 4px}
input[type=number]{width:90px}
.toolbar{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap;margin-bottom:8px}
.count{margin:0 0 8px;color:#36414b}
.more{display:inline-block;margin-top:8px}
details.request{border-top:1px solid #dde3e8;padding:4px 0}
details.request summary{cursor:pointer;display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}
details.request summary .when{color:#5f6b76;font-variant-numeric:tabular-nums}
details.request summary .action{min-width:110px}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:16px;padding:6px 0 6px 18px}
table.kv th{font-weight:500;color:#4a545e;border:0;padding:1px 8px 1px 0;vertical-align:top;width:1%}
table.kv td{padding:1px 0}
`;

const SCRIPT = `
(function(){
  var FLASH='sandbox-flash';
  function post(path, body){
    return fetch(path,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body||{})})
      .then(function(r){return r.json().then(function(j){if(!r.ok){throw new Error(j.error||('HTTP '+r.status));}return j;});});
  }
  var flash=document.getElementById('flash');
  function show(text, error){flash.textContent=text;flash.className=error?'error':'';flash.hidden=false;}
  function fail(e){show(e.message,true);}
  function done(reply){if(reply&&reply.message){sessionStorage.setItem(FLASH,reply.message);}location.reload();}
  var kept=sessionStorage.getItem(FLASH);
  if(kept){sessionStorage.removeItem(FLASH);show(kept,false);}
  document.addEventListener('click',function(ev){
    var t=ev.target;
    if(!(t instanceof HTMLElement)){return;}
    if(t.dataset.action){
      post('/sandbox/transactions/'+encodeURIComponent(t.dataset.order)+'/'+t.dataset.action).then(done,fail);
    } else if(t.hasAttribute('data-reset-faults')){
      post('/sandbox/faults/reset').then(function(){location.reload();},fail);
    } else if(t.hasAttribute('data-refresh')){
      location.reload();
    }
  });
  var form=document.getElementById('faults');
  form.addEventListener('submit',function(ev){
    ev.preventDefault();
    var f=form.elements;
    function num(name){return f[name].value===''?null:Number(f[name].value);}
    var drop=f.drop.value.trim();
    var patch={delayMs:num('delayMs')||0,duplicate:num('duplicate')||0,drop:drop==='all'?'all':Number(drop||0),
      reorder:num('reorder')||0,reorderTimeoutMs:num('reorderTimeoutMs')||5000,numberDigest:f.numberDigest.value,callbackAck:f.callbackAck.value,response:null};
    if(f.mode.value){
      patch.response={mode:f.mode.value,actions:f.actions.value.split(',').map(function(a){return a.trim();}).filter(Boolean),
        times:num('times'),afterProcessing:f.afterProcessing.checked,replyAfterMs:num('replyAfterMs')};
    }
    post('/sandbox/faults',patch).then(function(){location.reload();},function(e){document.getElementById('fault-status').textContent=e.message;});
  });
  var readings=document.getElementById('readings');
  readings.addEventListener('submit',function(ev){
    ev.preventDefault();
    var f=readings.elements;
    var delay=f.refundBooking.value.trim();
    var patch={refundBooking:delay===''||delay==='immediate'?'immediate':Number(delay),statusCase:f.statusCase.value,
      undocumentedStatus:f.undocumentedStatus.value.trim()||'off',tip:f.tip.value,replyNumbers:f.replyNumbers.value,callbackFields:f.callbackFields.value};
    post('/sandbox/readings',patch).then(function(){location.reload();},function(e){document.getElementById('readings-status').textContent=e.message;});
  });
  var pay=document.getElementById('test-payment-form');
  pay.addEventListener('submit',function(ev){
    ev.preventDefault();
    var f=pay.elements;
    function cents(name){return Math.round(Number(f[name].value||0)*100);}
    var body={amountCents:cents('amount'),tipCents:cents('tip'),outcome:f.outcome.value};
    if(f.callbackUrl&&f.callbackUrl.value.trim()){body.callbackUrl=f.callbackUrl.value.trim();}
    post('/sandbox/test-payment',body).then(function(reply){sessionStorage.setItem(FLASH,reply.message);location.assign('/');},fail);
  });
  var search=document.getElementById('search');
  search.elements.state.addEventListener('change',function(){search.submit();});
  var OPEN='sandbox-open-requests';
  var open=JSON.parse(sessionStorage.getItem(OPEN)||'[]');
  document.querySelectorAll('details.request').forEach(function(d){
    if(open.indexOf(d.dataset.id)>=0){d.open=true;}
    d.addEventListener('toggle',function(){
      open=open.filter(function(id){return id!==d.dataset.id;});
      if(d.open){open.push(d.dataset.id);}
      sessionStorage.setItem(OPEN,JSON.stringify(open.slice(-50)));
    });
  });
  var auto=document.getElementById('auto');
  auto.checked=sessionStorage.getItem('sandbox-auto')==='1';
  auto.addEventListener('change',function(){sessionStorage.setItem('sandbox-auto',auto.checked?'1':'0');});
  setInterval(function(){
    var editing=document.activeElement&&document.activeElement.closest&&document.activeElement.closest('form');
    if(auto.checked&&!editing){location.reload();}
  },3000);
})();
`;

export function renderConsole(view: ConsoleView): string {
  const { faults, info } = view;
  const active = activeFaults(faults);
  const banner =
    active.length > 0 ? `<p class="banner warn">Faults on: ${active.map(escapeHtml).join(' · ')}. <a href="#fault-switches">Fault switches</a></p>` : '';
  const readings = changedReadings(view.readings);
  const readingsBanner =
    readings.length > 0 ? `<p class="banner">Readings: ${readings.map(escapeHtml).join(' · ')}. <a href="#reading-switches">Readings of OTT's documents</a></p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>OTT Pay sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>OTT Pay sandbox</h1>
  <span>merchant <strong>${escapeHtml(info.merchantId)}</strong></span>
  <span>operator ${escapeHtml(info.operatorId)}</span>
  <span>mini-program ${escapeHtml(info.appId)}</span>
  <span>app ${escapeHtml(info.nativeAppId)}</span>
  <span>CAD→CNY ${escapeHtml(rateText(info.exchangeRateE8, 4))}</span>
  <span><code>POST ${escapeHtml(info.url)}/processV2</code></span>
  <span><code>POST ${escapeHtml(info.url)}/inAppPay</code></span>
  <span>${info.merchantSide ? "with the merchant's functions" : 'alone'}</span>
</header>
<main>
<p id="flash" role="status" hidden></p>
${banner}
${readingsBanner}
${testPaymentForm(info)}
${transactionsSection(view)}
${requestsSection(view)}
${faultForm(faults, info)}
${readingsForm(view.readings)}
</main>
<script>${SCRIPT}</script>
</body>
</html>`;
}
