/**
 * `npm run demo -- --counter`: the real counter page (in miniprogram-simulate) open as the local
 * stack's owner while three customers pay; each payment as the page shows it and the words it
 * says, clip by clip, written out.
 */
import type { CreatePaymentResult } from '../typings/payments';
import { LOCAL_STAFF_OPENID } from './stack';
import type { DemoStack } from './demo/local-stack';
import { openPage, tap, text, type Page } from './demo/simulator';
import { installWxBridge } from './demo/wx-bridge';
import { CLIPS } from '../miniprogram/utils/speech';

const PAYMENTS = [
  { amountCents: 2580, tipCents: 387 },
  { amountCents: 1200, tipCents: 0 },
  { amountCents: 45000, tipCents: 6750 },
];

async function post<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return (await response.json()) as T;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The words of the clips played, as the counter says them. */
function words(sources: string[]): string {
  return sources
    .map((src) => /\/voice\/(zh|en)\/(\w+)\.wav$/.exec(src))
    .map((m) => (m ? CLIPS[m[1] as 'zh' | 'en'][m[2]] : '?'))
    .join('');
}

function rows(page: Page): number {
  return (page.data.rows as unknown[]).length;
}

export async function runCounterDemo(stack: DemoStack, say: (line: string) => void): Promise<void> {
  const played: string[] = [];
  installWxBridge({
    cloudUrl: stack.cloudUrl,
    sandboxUrl: stack.sandboxUrl,
    openid: LOCAL_STAFF_OPENID,
    wallet: 'success',
    language: 'zh_CN',
    navigate: () => false,
    onSound: (src) => played.push(src),
  });
  const page = openPage('counter');
  await waitFor(() => page.data.status === 'live', 'the counter going live');
  say(`1. Opened the counter page as ${LOCAL_STAFF_OPENID} (owner): "${text(page, '#status')}", ${rows(page)} payments so far`);
  await tap(page, '#sound');
  await waitFor(() => played.length > 0, 'the sound-on clip');
  say(`2. Tapped "开启播报" (WeChat plays sound only after a tap): it says "${words(played.splice(0))}"`);

  let n = 3;
  for (const [i, payment] of PAYMENTS.entries()) {
    const created = await post<{ result: CreatePaymentResult }>(`${stack.cloudUrl}/functions/createPayment`, { ...payment, requestId: `counter-demo-${Date.now()}-${i}` }, { 'x-wx-openid': `o-demo-customer-${i}` });
    if (!created.result.ok) throw new Error(`createPayment: ${created.result.code}`);
    const before = rows(page);
    const paidAt = Date.now();
    await post(`${stack.sandboxUrl}/sandbox/wallet/pay`, { ...created.result.payment, outcome: 'success' });
    await waitFor(() => rows(page) > before, `the counter showing payment ${i + 1}`);
    const shownMs = Date.now() - paidAt;
    await waitFor(() => played.some((src) => src.endsWith('/cad.wav')), 'the announcement');
    // the rest of the sentence (the tip) follows clip by clip
    await new Promise((resolve) => setTimeout(resolve, 300));
    const shown = (page.data.rows as Array<Record<string, string>>)[0];
    const row = [shown.amountText, shown.tipText, shown.timeText, shown.tailText].filter(Boolean);
    say(`${n++}. A customer pays CAD ${((payment.amountCents + payment.tipCents) / 100).toFixed(2)}${payment.tipCents ? ` (tip ${(payment.tipCents / 100).toFixed(2)})` : ''} in the wallet: ${shownMs} ms later the counter shows "${row.join(' · ')}"`);
    say(`   and says: "${words(played.splice(0))}"`);
  }
  say(`Done: ${rows(page)} payments on the counter, each shown and said once.`);
  page.detach();
}
