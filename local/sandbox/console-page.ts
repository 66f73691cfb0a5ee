/** The web console at `GET /`: one self-contained HTML page (inline CSS and script, no external assets). */
import { CALLBACK_ACK_POLICIES, IN_APP_ACTION, type CallbackAckPolicy, type CurrentFaults, type NormalizedResponseFault } from './faults';
import { formatCents, rateText } from './formats';
import { isPaid, paidTotal } from './ledger';
import type { CallbackRecord, PaymentAction, RefundRecord, TransactionRecord } from './store';

export interface TransactionDetail {
  transaction: TransactionRecord;
  refunds: RefundRecord[];
  callbacks: CallbackRecord[];
}

export interface ConsoleInfo {
  url: string;
  merchantId: string;
  operatorId: string;
  appId: string;
  nativeAppId: string;
  exchangeRateE8: number;
  retryScheduleMs: number[];
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
  return `<div class="callback">
  <div><span class="badge cb-${escapeHtml(callback.state)}">${escapeHtml(callback.state)}</span>
  ${escapeHtml(callback.trigger === 'resend' ? 're-send' : 'call-back')} to <code>${escapeHtml(callback.url)}</code>
  · queued ${time(callback.createdAt)}${next}${copies}</div>
  ${attempts}
</div>`;
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
  ].filter(Boolean);
  const callbacks =
    detail.callbacks.length > 0 ? detail.callbacks.map(callbackBlock).join('') : '<div class="muted">no call-back</div>';
  return `<tr class="tx" data-state="${escapeHtml(tx.state)}">
  <td><code>${escapeHtml(tx.orderId)}</code></td>
  <td class="channel"><span class="badge ch-${escapeHtml(tx.action)}">${escapeHtml(CHANNELS[tx.action])}</span><div class="muted">${escapeHtml(tx.action)}</div></td>
  <td><span class="badge st-${escapeHtml(tx.state)}">${escapeHtml(tx.state)}</span></td>
  <td class="num">${escapeHtml(formatCents(tx.amount, tx.currency))}</td>
  <td class="num">${escapeHtml(formatCents(tx.tip, tx.currency))}</td>
  <td class="num"><strong>${escapeHtml(formatCents(paidTotal(tx), tx.currency))}</strong></td>
  <td class="num">${tx.refunded > 0 ? escapeHtml(formatCents(tx.refunded, tx.currency)) : ''}</td>
  <td class="actions">${actions(tx)}</td>
</tr>
<tr class="details"><td colspan="8">
  <div class="facts">${facts.join(' · ')}</div>
  <div class="callbacks">${callbacks}</div>
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

function faultForm(faults: CurrentFaults): string {
  const r = faults.response;
  const active = activeFaults(faults);
  const modes = ['', 'SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT', 'CORRUPT_DATA', 'WRONG_MD5'];
  return `<section class="faults">
  <h2>Fault switches</h2>
  <p class="${active.length > 0 ? 'warn' : 'muted'}">${active.length > 0 ? active.map(escapeHtml).join(' · ') : 'No fault is switched on.'}</p>
  <form id="faults">
    <fieldset><legend>Call-backs</legend>
      <label>delay ms <input name="delayMs" type="number" min="0" value="${faults.delayMs}"></label>
      <label>copies <input name="duplicate" type="number" min="0" max="20" value="${faults.duplicate}"></label>
      <label>drop next <input name="drop" value="${escapeHtml(faults.drop)}" size="4" title="a number, or all"></label>
      <label>reorder groups of <input name="reorder" type="number" min="0" max="20" value="${faults.reorder}"></label>
      <label>release after ms <input name="reorderTimeoutMs" type="number" min="1" value="${faults.reorderTimeoutMs}"></label>
    </fieldset>
    <fieldset><legend>What acknowledges a call-back (OTT's documents do not say)</legend>
      <label><select name="callbackAck">${CALLBACK_ACK_POLICIES.map((p) => option(p, faults.callbackAck, ACK_POLICY_LABELS[p])).join('')}</select></label>
    </fieldset>
    <fieldset><legend>/processV2 and /inAppPay answers</legend>
      <label>fault <select name="mode">${modes.map((m) => option(m, r?.mode ?? '', m || 'none')).join('')}</select></label>
      <label>actions <input name="actions" value="${escapeHtml(r ? r.actions.join(',') : '')}" placeholder="all" size="16"></label>
      <label>times <input name="times" type="number" min="1" value="${r?.times ?? ''}" placeholder="∞"></label>
      <label><input name="afterProcessing" type="checkbox"${r?.afterProcessing ? ' checked' : ''}> after processing</label>
      <label>reply after ms <input name="replyAfterMs" type="number" min="0" value="${r?.replyAfterMs ?? ''}" placeholder="never"></label>
      <label>md5 numbers <select name="numberDigest">${option('java', faults.numberDigest, 'Java (1.0)')}${option('js', faults.numberDigest, 'JavaScript (1)')}</select></label>
    </fieldset>
    <button type="submit" class="primary">Apply</button>
    <button type="button" data-reset-faults>Reset</button>
    <span id="fault-status" class="muted"></span>
  </form>
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
section{background:#fff;border:1px solid #dde3e8;border-radius:6px;padding:12px 16px;margin-bottom:16px}
table{border-collapse:collapse;width:100%}
th{text-align:left;font-weight:600;border-bottom:2px solid #dde3e8;padding:6px 8px;white-space:nowrap}
td{padding:6px 8px;vertical-align:top}
tr.tx td{border-top:1px solid #dde3e8}
tr.details td{padding-top:0;padding-bottom:10px}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.actions{white-space:nowrap;text-align:right}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f4;padding:1px 4px;border-radius:3px;word-break:break-all}
.muted{color:#6b7782}
.warn{color:#9a5b00;font-weight:600}
.error{color:#b3261e}
.facts{color:#4a545e;font-size:13px;margin-bottom:4px}
.callback{border-left:3px solid #c9d3db;padding:2px 0 2px 10px;margin:4px 0;font-size:13px}
.attempts{margin:2px 0;padding-left:18px}
.attempts li.ok{color:#1f6f43}
.attempts li.bad{color:#b3261e}
.attempts li code{color:#1d2329}
.attempts li .ack{font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e5e9ed;color:#36414b}
.ch-MAPPPAY{background:#e3f1e8;color:#1f6f43}
.ch-ACTIVEPAY{background:#ece6f6;color:#4b2d83}
.ch-INAPP{background:#e0eef7;color:#1f4e8c}
.st-success,.cb-delivered{background:#d7f0e0;color:#17613a}
.st-notpay,.st-init,.cb-pending,.cb-held{background:#fff1cc;color:#7a5200}
.st-failure,.st-orderclosed,.cb-failed,.cb-dropped{background:#fadcd9;color:#8c1d14}
.st-partial_refunded,.st-fully_refunded{background:#dde7f7;color:#1f4e8c}
button{font:inherit;font-size:13px;padding:3px 10px;border:1px solid #b8c2cb;border-radius:4px;background:#fff;cursor:pointer}
button:hover{background:#eef1f4}
button.primary{background:#1f6f43;border-color:#1f6f43;color:#fff}
fieldset{border:1px solid #dde3e8;border-radius:4px;margin:0 0 8px;padding:6px 10px;display:flex;flex-wrap:wrap;gap:6px 16px}
legend{font-weight:600;font-size:13px}
label{font-size:13px;white-space:nowrap}
input,select{font:inherit;font-size:13px;padding:2px 4px}
input[type=number]{width:90px}
.toolbar{display:flex;justify-content:space-between;align-items:center;margin-bottom:8px}
`;

const SCRIPT = `
(function(){
  function post(path, body){
    return fetch(path,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body||{})})
      .then(function(r){return r.json().then(function(j){if(!r.ok){throw new Error(j.error||('HTTP '+r.status));}return j;});});
  }
  function fail(e){alert(e.message);}
  document.addEventListener('click',function(ev){
    var t=ev.target;
    if(!(t instanceof HTMLElement)){return;}
    if(t.dataset.action){
      post('/sandbox/transactions/'+encodeURIComponent(t.dataset.order)+'/'+t.dataset.action).then(function(){location.reload();},fail);
    } else if(t.hasAttribute('data-reset-faults')){
      post('/sandbox/faults/reset').then(function(){location.reload();},fail);
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
  var auto=document.getElementById('auto');
  auto.checked=sessionStorage.getItem('sandbox-auto')==='1';
  auto.addEventListener('change',function(){sessionStorage.setItem('sandbox-auto',auto.checked?'1':'0');});
  setInterval(function(){if(auto.checked&&!form.contains(document.activeElement)){location.reload();}},3000);
})();
`;

export function renderConsole(details: TransactionDetail[], faults: CurrentFaults, info: ConsoleInfo): string {
  const rows =
    details.length > 0
      ? details.map(transactionRows).join('\n')
      : '<tr><td colspan="8" class="muted">No transaction yet. Create one with MAPPPAY or ACTIVEPAY on /processV2, or on /inAppPay.</td></tr>';
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
</header>
<main>
${faultForm(faults)}
<section>
  <div class="toolbar">
    <h2>Transactions (${details.length}, newest first)</h2>
    <span><label><input id="auto" type="checkbox"> refresh every 3 s</label> <button type="button" onclick="location.reload()">Refresh</button></span>
  </div>
  <table>
    <thead><tr><th>Order</th><th>Channel</th><th>State</th><th class="num">Amount</th><th class="num">Tip</th><th class="num">Total</th><th class="num">Refunded</th><th></th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
  <p class="muted">A call-back counts as acknowledged on ${escapeHtml(ACK_POLICY_LABELS[faults.callbackAck])}; unacknowledged ones are retried after ${escapeHtml(info.retryScheduleMs.map((ms) => `${ms / 1000} s`).join(', '))}.</p>
</section>
</main>
<script>${SCRIPT}</script>
</body>
</html>`;
}
