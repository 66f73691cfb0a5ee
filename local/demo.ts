/**
 * `npm run demo`: a payer pays on the real Pay page, run in miniprogram-simulate, through the local
 * stack; the demo then follows the real Result page until the order is settled (or, when the payer
 * cancels in the wallet, stays on the Pay page), printing each step.
 */
import { readCommandLine, refuseFlagsNpmTook, UsageError } from '../server/app/command-line';
import type { OrderView } from '../typings/payments';
import type { CallbackRecord } from './sandbox';
import { queryPayment } from '../miniprogram/services/payments';
import { connectToRunningStack, sandboxTransaction, setCallbackDrop, startDemoStack, type DemoStack } from './demo/local-stack';
import { exists, openPage, parsePageUrl, prepareSimulator, tap, tapInside, text, typeOnKeypad, type Page } from './demo/simulator';
import { installWxBridge, type CallRecord } from './demo/wx-bridge';
import { runCounterDemo } from './counter-demo';

const USAGE = `Usage: npm run demo -- [options]

Pays CAD 25.80 with a 15% tip on the real Pay page (in miniprogram-simulate) through the local
stack, then follows the real Result page until the order is paid, printing each step.

Options:
  --cancel         the payer cancels in the WeChat wallet: back on the Pay page with the
                   amount kept, and the order not paid
  --drop-callback  the sandbox drops OTT Pay's call-back; the order must be settled by query
  --counter        instead: the real counter page open as the shop's owner while three customers
                   pay; each payment as it shows and the words it says (written out)
  --use-running    use the stack of a running "npm start" (ports LOCAL_CLOUD_PORT and
                   OTT_SANDBOX_PORT, default 8701 and 8700) instead of starting one in-process
                   with the sandbox credentials and a fresh data folder
  --verbose        also print the stack's own log
  --help           print this help
`;

const PAYER = 'o-demo-payer';
const AMOUNT_KEYS = '25.80';
const TIP_PERCENT = 15;
/** The Result page itself gives up after about 30 s. */
const FOLLOW_LIMIT_MS = 35_000;
const STEP_LIMIT_MS = 15_000;
/** The sandbox sends a call-back at once unless told to delay it. */
const CALLBACK_WAIT_MS = 5_000;

interface Options {
  counter: boolean;
  cancel: boolean;
  dropCallback: boolean;
  useRunning: boolean;
  verbose: boolean;
  help: boolean;
}

class DemoFailure extends Error {}

let verbose = false;

const FLAGS = ['counter', 'cancel', 'drop-callback', 'use-running', 'verbose'] as const;

function parseOptions(args: string[]): Options {
  refuseFlagsNpmTook(FLAGS);
  const { values, positionals, help } = readCommandLine(args, Object.fromEntries(FLAGS.map((flag) => [flag, { type: 'boolean', default: false }])) as Record<(typeof FLAGS)[number], { type: 'boolean'; default: false }>);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const flag = (name: (typeof FLAGS)[number]) => (values as Record<string, unknown>)[name] === true;
  const options: Options = { counter: flag('counter'), cancel: flag('cancel'), dropCallback: flag('drop-callback'), useRunning: flag('use-running'), verbose: flag('verbose'), help };
  if (options.counter && (options.cancel || options.dropCallback)) throw new UsageError('--counter goes alone');
  if (options.cancel && options.dropCallback) throw new UsageError('--cancel and --drop-callback do not go together: a cancelled payment has no call-back');
  return options;
}

const say = (line: string) => console.log(line);
const step = (n: number, line: string) => say(`${n}. ${line}`);
const detail = (line: string) => say(`   ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new DemoFailure(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(50);
  }
}

function answerOf(call: CallRecord): string {
  if (call.error) return `failed: ${call.error.errMsg}`;
  const result = call.result as { ok: boolean; code?: string; order?: OrderView };
  return result.ok ? (result.order?.state ?? 'ok') : result.code ?? 'an error';
}

/** The title and main lines of what the Result page shows now. */
function resultShown(page: Page): { view: string; title: string; summary: string } {
  const view = String(page.data.view);
  const title = String(page.data.title);
  const parts = [`"${title}"`];
  if (exists(page, '#amount-text')) parts.push(text(page, '#amount-text'));
  const details = page.querySelector('#details');
  const detail = (selector: string) => (details?.querySelector(selector)?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
  if (view === 'paid') {
    const time = detail('#detail-time');
    if (time) parts.push(time.replace(/^\D+/, 'paid at '));
    parts.push(`order ${String(page.data.orderId)}`);
  } else if (exists(page, '#body')) {
    parts.push(text(page, '#body'));
  }
  return { view, title, summary: parts.join(', ') };
}

/** The Pay page's action key and the line above the keypad, as the payer reads them. */
function payShown(page: Page): { key: string; message: string } {
  const keypad = page.querySelector('#keypad');
  const line = (id: string) => (keypad?.querySelector(id)?.dom?.textContent ?? '').trim();
  return { key: [line('#key-action-label'), line('#key-action-sub')].filter(Boolean).join(' '), message: text(page, '#message-text') };
}

async function run(stack: DemoStack, options: Options): Promise<void> {
  let opened: { page: Page; at: number; orderId: string } | undefined;
  let walletAnswer = '';
  const bridge = installWxBridge({
    cloudUrl: stack.cloudUrl,
    sandboxUrl: stack.sandboxUrl,
    openid: PAYER,
    wallet: options.cancel ? 'cancel' : 'success',
    language: 'en',
    navigate(kind, url) {
      const { path, query } = parsePageUrl(url);
      if (kind !== 'navigateTo' || path !== '/pages/result/index' || opened) {
        detail(`(the page asked to ${kind} ${url}; the demo has only the Pay and Result pages)`);
        return false;
      }
      opened = { at: Date.now(), orderId: decodeURIComponent(query.orderId ?? ''), page: openPage('result', query) };
      return true;
    },
    onWallet: (errMsg) => (walletAnswer = errMsg),
    onNotice: (notice) => detail(`(the page shows a ${notice})`),
  });

  const payPage = openPage('pay');
  await bridge.idle();
  step(1, `Opened the Pay page as payer ${PAYER}`);

  await typeOnKeypad(payPage, AMOUNT_KEYS);
  await tap(payPage, `#tip-${TIP_PERCENT}`);
  step(2, `Typed ${AMOUNT_KEYS} on the keypad and chose the ${TIP_PERCENT}% tip`);
  const amounts = [`amount CAD ${text(payPage, '#amount-value')}`, `tip ${text(payPage, '#tip-text')}`, `total ${text(payPage, '#total-text')}`];
  if (text(payPage, '#cny-text')) amounts.push(text(payPage, '#cny-text'));
  detail(amounts.join(', '));

  const payLabel = payShown(payPage).key;
  await tapInside(payPage, '#keypad', '#key-action');
  const createCall = () => bridge.calls.find((call) => call.name === 'createPayment');
  const after = await waitFor(
    () => {
      if (opened) return { at: opened.at };
      if (options.cancel && walletAnswer) return { at: Date.now() };
      if (payPage.data.message?.tone === 'error') throw new DemoFailure(`the Pay page shows an error: ${payShown(payPage).message}`);
      return undefined;
    },
    STEP_LIMIT_MS,
    options.cancel ? 'the wallet closing' : 'opening the Result page after Pay',
  );
  await bridge.idle();
  const created = createCall()?.result as { ok: boolean; orderId?: string; code?: string } | undefined;
  if (!created?.ok || !created.orderId) throw new DemoFailure(`createPayment did not create an order (${created?.code ?? 'no answer'})`);
  const orderId = created.orderId;
  step(3, `Tapped "${payLabel}": createPayment created order ${orderId}`);

  const sent = await sandboxTransaction(stack, orderId);
  if (!sent) throw new DemoFailure(`the OTT Pay sandbox has no order ${orderId}`);
  const tx = sent.transaction;
  step(4, `Sent to OTT Pay (as the sandbox recorded it): action ${tx.action}, amount ${tx.amount}, tip ${tx.tip} (cents), order_id ${tx.orderId}`);
  detail(`call_back_url ${tx.callbackUrl}`);

  if (!walletAnswer) throw new DemoFailure(`the Pay page did not open the WeChat Pay wallet for order ${orderId}`);
  step(5, `WeChat Pay wallet (sandbox): the payer ${options.cancel ? 'cancels' : 'approves'} → ${walletAnswer}`);

  if (options.cancel) {
    if (sent.deliveries.length > 0) throw new DemoFailure(`the sandbox queued a call-back for the cancelled order ${orderId}`);
    step(6, 'No call-back from OTT Pay: nothing was paid');
  } else {
    const deliveries = await waitFor(
      async () => {
        const found = (await sandboxTransaction(stack, orderId))?.deliveries ?? [];
        return found.some((d) => d.attempts.length > 0 || d.state === 'dropped') ? found : undefined;
      },
      CALLBACK_WAIT_MS,
      'the call-back',
    ).catch(() => [] as CallbackRecord[]);
    const attempt = deliveries.flatMap((d) => d.attempts)[0];
    const dropped = deliveries.some((d) => d.state === 'dropped');
    if (attempt) {
      const outcome = attempt.httpStatus === null ? `no answer (${attempt.error})` : `HTTP ${attempt.httpStatus}, reply "${attempt.reply ?? ''}"`;
      step(6, `Call-back from OTT Pay to call_back_url: ${outcome}`);
    } else if (dropped) {
      step(6, 'Call-back from OTT Pay: dropped by the sandbox (fault "drop"), so it never reaches the cloud');
    } else {
      step(6, `Call-back from OTT Pay: none sent within ${CALLBACK_WAIT_MS / 1000} s`);
    }
    if (options.dropCallback && (attempt || !dropped)) throw new DemoFailure(`the sandbox did not drop the call-back of ${orderId}`);
  }

  const queries = () => bridge.calls.filter((call) => call.name === 'queryPayment');

  if (options.cancel) {
    const shown = payShown(payPage);
    step(7, `The Pay page stays, with the amount kept (${text(payPage, '#amount-value')}, key "${shown.key}"), and says: "${shown.message}"`);
    if (opened) throw new DemoFailure('the Result page opened although the payer cancelled');
    if (text(payPage, '#amount-value') !== AMOUNT_KEYS) throw new DemoFailure(`the Pay page lost the amount: it shows ${text(payPage, '#amount-value')}`);
    const check = await queryPayment(orderId);
    if (!check.ok) throw new DemoFailure(`queryPayment for ${orderId} failed: ${check.code}`);
    const state = check.order.state;
    if (state === 'PAID' || state === 'PARTIALLY_REFUNDED' || state === 'REFUNDED') throw new DemoFailure(`order ${orderId} is ${state} although the payer cancelled`);
    const ott = (await sandboxTransaction(stack, orderId))?.transaction.state;
    step(8, `The order, asked once more: ${state} (the Pay page keeps checking quietly in case it was paid after all)`);
    say(`Done: order ${orderId} is not paid (${state}; OTT Pay has it as ${ott}), as the payer cancelled.`);
    return;
  }

  const result = opened!;
  step(7, 'The Result page follows the order (queryPayment with back-off):');
  const page = result.page;
  let printed = 0;
  const printQueries = () => {
    for (const call of queries().slice(printed)) detail(`queryPayment → ${answerOf(call)} after ${((call.at - after.at) / 1000).toFixed(1)} s`);
    printed = queries().length;
  };
  await waitFor(
    () => {
      printQueries();
      return page.data.view === 'confirming' ? undefined : true;
    },
    FOLLOW_LIMIT_MS,
    'the Result page leaving "confirming"',
  ).catch(() => {
    throw new DemoFailure(`order ${orderId} did not settle: the Result page was still confirming after ${FOLLOW_LIMIT_MS / 1000} s`);
  });
  await bridge.idle();
  printQueries();

  const shown = resultShown(page);
  step(8, `The Result page shows ${shown.summary}`);

  const lastState = answerOf(queries()[queries().length - 1]);
  if (shown.view !== 'paid' || lastState !== 'PAID') {
    const seconds = Math.round((Date.now() - after.at) / 1000);
    throw new DemoFailure(`order ${orderId} did not end PAID within ${seconds} s: the Result page shows "${shown.title}" (order ${lastState})`);
  }
  const cause = stack.causeOf(orderId, 'PAID');
  if (options.dropCallback) {
    const after = await sandboxTransaction(stack, orderId);
    const sentCallbacks = after?.deliveries.filter((d) => d.attempts.length > 0).length ?? 0;
    if (sentCallbacks > 0 || (cause !== undefined && cause !== 'status_query')) {
      throw new DemoFailure(`order ${orderId} was not settled by query (cause ${cause ?? 'unknown'}, ${sentCallbacks} call-backs sent)`);
    }
    say(`Done: order ${orderId} is PAID, settled by query: with the call-back dropped, queryPayment asked OTT Pay (STATUS_QUERY).`);
    return;
  }
  const by = cause === 'callback' ? ', settled by the call-back' : cause === 'status_query' ? ', settled by query (STATUS_QUERY)' : '';
  say(`Done: order ${orderId} is PAID${by}.`);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  verbose = options.verbose;
  if (options.help) {
    say(USAGE);
    return 0;
  }

  say(options.counter ? 'Demo: the counter page (miniprogram-simulate) hears three payments through the local stack' : 'Demo: a payment on the real Pay page (miniprogram-simulate) through the local stack');
  const stack = options.useRunning ? await connectToRunningStack() : await startDemoStack({ verbose: options.verbose });
  process.once('SIGINT', () => void stack.close().finally(() => process.exit(130)));
  detail(`stack ${stack.description}`);
  detail(`OTT Pay sandbox ${stack.sandboxUrl}, local cloud runtime ${stack.cloudUrl}`);
  let restoreDrop: (() => Promise<unknown>) | undefined;
  try {
    if (options.dropCallback) {
      const previous = await setCallbackDrop(stack, 1);
      restoreDrop = () => setCallbackDrop(stack, previous);
      detail('fault: the sandbox drops the next call-back');
    }
    prepareSimulator();
    if (options.counter) await runCounterDemo(stack, say);
    else await run(stack, options);
    return 0;
  } finally {
    await restoreDrop?.().catch(() => undefined);
    await stack.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    const trace = verbose && !(error instanceof DemoFailure);
    console.error(`demo failed: ${(trace ? error?.stack : error?.message) ?? String(error)}`);
    process.exit(1);
  },
);
