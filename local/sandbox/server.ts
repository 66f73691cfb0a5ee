/** The sandbox's HTTP surface: /processV2, /inAppPay, the simulated wallet, the control endpoints and the console. */
import http from 'http';
import { unseal, VerificationError, type SealedData } from '../../server/ottpay/codec';
import type { CallbackDelivery } from './callbacks';
import { consoleQuery, renderConsole, type ConsoleInfo, type MerchantCell, type TransactionDetail } from './console-page';
import { FaultSettingsError, FaultSwitchboard } from './faults';
import { isPaid, Ledger, paidTotal, PayerOutcome } from './ledger';
import { ReadingsError, type ReadingBoard, type ReadingsPatch } from './readings';
import { replyCode, type InAppReply, type ProtocolHandler, type ProtocolOutcome, type ProtocolReply } from './protocol';
import { orderIdMatches, type AcquirerPath, type Exchange, type RequestLog } from './request-log';
import type { CallbackRecord, SandboxStore, TransactionRecord, TransactionState } from './store';
import { CALLBACK_SINK_PATH, parseTestPayment, runTestPayment, TestPaymentError, type MerchantSide, type StandaloneMerchant } from './test-payment';
import type { Wallet } from './wallet';

const BODY_LIMIT = 1024 * 1024;

export interface SandboxServices {
  store: SandboxStore;
  ledger: Ledger;
  protocol: ProtocolHandler;
  wallet: Wallet;
  callbacks: CallbackDelivery;
  faults: FaultSwitchboard;
  readings: ReadingBoard;
  requests: RequestLog;
  merchant: MerchantSide | undefined;
  signKey: string;
  info: () => ConsoleInfo;
  /** The sandbox as the merchant's server it plays for test payments when it runs alone. */
  standalone: () => StandaloneMerchant;
  log: (line: string) => void;
}

export type TransactionView = TransactionRecord & { total: number };

export function transactionView(transaction: TransactionRecord): TransactionView {
  return { ...transaction, total: paidTotal(transaction) };
}

function transactionDetail(transaction: TransactionRecord, callbacks: CallbackRecord[]): TransactionDetail {
  return { transaction, refunds: transaction.refunds ?? [], callbacks };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Reply {
  status: number;
  body: unknown;
  /** Set for HTML or plain text; everything else is JSON. */
  type?: 'html' | 'text';
  note?: string;
}

const CONSOLE_ACTIONS: Record<string, { outcome: PayerOutcome; done: string }> = {
  approve: { outcome: 'success', done: 'Approved: the payer paid' },
  cancel: { outcome: 'cancel', done: 'Cancelled by the payer: still payable' },
  fail: { outcome: 'fail', done: 'Failed: the wallet declined' },
  close: { outcome: 'close', done: 'Closed' },
};

const CONTENT_TYPES = { html: 'text/html; charset=utf-8', text: 'text/plain; charset=utf-8', json: 'application/json; charset=UTF-8' };

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new HttpError(413, 'request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete) reject(new HttpError(400, 'the connection closed before the body ended'));
    });
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function send(response: http.ServerResponse, reply: Reply): void {
  if (response.destroyed || response.headersSent) return;
  const text = reply.type ? String(reply.body) : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'Content-Type': CONTENT_TYPES[reply.type ?? 'json'],
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

export class SandboxServer {
  readonly server: http.Server;
  private readonly handlers = new Set<Promise<void>>();
  private readonly heldResponses = new Map<http.ServerResponse, NodeJS.Timeout | null>();

  constructor(private readonly services: SandboxServices) {
    this.server = http.createServer((request, response) => {
      const handling = this.handle(request, response);
      this.handlers.add(handling);
      void handling.finally(() => this.handlers.delete(handling));
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /** Stops listening, ends every connection (held TIMEOUT requests included) and waits for running handlers. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const [response, timer] of this.heldResponses) {
      if (timer) clearTimeout(timer);
      response.destroy();
    }
    this.heldResponses.clear();
    this.server.closeAllConnections();
    while (this.handlers.size > 0) await Promise.allSettled([...this.handlers]);
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    let reply: Reply;
    try {
      if (method === 'POST' && (path === '/processV2' || path === '/inAppPay')) {
        await this.acquirerApi(path, request, response, started);
        return;
      }
      reply = await this.route(method, path, url.searchParams, request);
    } catch (error) {
      reply =
        error instanceof HttpError
          ? { status: error.status, body: { error: error.message } }
          : { status: 500, body: { error: (error as Error).message } };
    }
    send(response, reply);
    if (path !== '/favicon.ico') {
      this.services.log(`${method} ${path} -> ${reply.status}${reply.note ? ` ${reply.note}` : ''} ${Date.now() - started}ms`);
    }
  }

  private async acquirerApi(path: AcquirerPath, request: http.IncomingMessage, response: http.ServerResponse, started: number): Promise<void> {
    const { protocol, requests } = this.services;
    const body = await readBody(request);
    const outcome: ProtocolOutcome = path === '/inAppPay' ? await protocol.handleInApp(body) : await protocol.handle(body);
    const exchange: Omit<Exchange, 'answered'> = { path, startedAt: started, body, outcome };
    const summary = [
      `POST ${path}`,
      outcome.action || '(no action)',
      outcome.orderId ? `order=${outcome.orderId}` : '',
      '->',
      replyCode(outcome.reply),
      outcome.fault ? `[fault ${outcome.fault}]` : '',
    ]
      .filter(Boolean)
      .join(' ');
    if (!outcome.hold) {
      send(response, { status: 200, body: outcome.reply });
      requests.record({ ...exchange, answered: true });
      this.services.log(`${summary} ${Date.now() - started}ms`);
      return;
    }
    this.hold(response, outcome.reply, outcome.hold.replyAfterMs, (answered) => requests.record({ ...exchange, answered }));
    this.services.log(`${summary} held ${outcome.hold.replyAfterMs === null ? 'without answer' : `for ${outcome.hold.replyAfterMs}ms`}`);
  }

  private hold(
    response: http.ServerResponse,
    reply: ProtocolReply | InAppReply,
    replyAfterMs: number | null,
    ended: (answered: boolean) => void,
  ): void {
    let timer: NodeJS.Timeout | null = null;
    let answered = false;
    if (replyAfterMs !== null) {
      timer = setTimeout(() => {
        this.heldResponses.delete(response);
        answered = true;
        send(response, { status: 200, body: reply });
        ended(true);
      }, replyAfterMs);
      timer.unref();
    }
    this.heldResponses.set(response, timer);
    response.on('close', () => {
      const pending = this.heldResponses.get(response);
      if (pending) clearTimeout(pending);
      this.heldResponses.delete(response);
      if (!answered) ended(false);
    });
  }

  private async route(method: string, path: string, params: URLSearchParams, request: http.IncomingMessage): Promise<Reply> {
    const { store, wallet, faults, readings, requests } = this.services;
    if (path === '/' && method === 'GET') return { status: 200, body: await this.consolePage(params), type: 'html' };
    if (path === '/favicon.ico') return { status: 204, body: '', type: 'text' };
    if (path === '/sandbox/requests' && method === 'GET') {
      const limit = Number(params.get('limit') ?? '');
      return { status: 200, body: await requests.list({ orderId: params.get('orderId') ?? undefined, limit: limit > 0 ? limit : undefined }) };
    }
    if (path === '/sandbox/test-payment' && method === 'POST') return this.testPayment(parseJson(await readBody(request)));
    if (path === CALLBACK_SINK_PATH && method === 'POST') return this.callbackSink(await readBody(request));
    if (path === '/sandbox/wallet/pay' && method === 'POST') {
      const result = await wallet.pay(parseJson(await readBody(request)));
      return { ...result, note: result.body.errMsg };
    }
    if (path === '/sandbox/wallet/app-pay' && method === 'POST') {
      const result = await wallet.appPay(parseJson(await readBody(request)));
      return { ...result, note: result.body.errMsg };
    }
    if (path === '/sandbox/wallet/scan' && method === 'POST') {
      const result = await wallet.scan(parseJson(await readBody(request)));
      return { ...result, note: result.body.errMsg };
    }
    if (path === '/sandbox/faults') {
      if (method === 'GET') return { status: 200, body: faults.get() };
      if (method === 'POST') {
        try {
          const settings = faults.set(parseJson(await readBody(request)) as Parameters<FaultSwitchboard['set']>[0]);
          return { status: 200, body: settings };
        } catch (error) {
          if (error instanceof FaultSettingsError) throw new HttpError(400, error.message);
          throw error;
        }
      }
    }
    if (path === '/sandbox/faults/reset' && method === 'POST') return { status: 200, body: faults.reset() };
    if (path === '/sandbox/readings') {
      if (method === 'GET') return { status: 200, body: readings.get() };
      if (method === 'POST') {
        try {
          return { status: 200, body: readings.set(parseJson(await readBody(request)) as ReadingsPatch) };
        } catch (error) {
          if (error instanceof ReadingsError) throw new HttpError(400, error.message);
          throw error;
        }
      }
    }
    if (path === '/sandbox/transactions' && method === 'GET') {
      return { status: 200, body: { transactions: (await store.listTransactions()).map(transactionView) } };
    }
    const match = /^\/sandbox\/transactions\/([^/]+)(?:\/([a-z-]+))?$/.exec(path);
    if (match) {
      const orderId = decodeURIComponent(match[1]);
      const command = match[2];
      if (command === undefined && method === 'GET') {
        const detail = await this.detail(orderId);
        if (!detail) throw new HttpError(404, `order ${orderId} not found`);
        return {
          status: 200,
          body: { transaction: transactionView(detail.transaction), refunds: detail.refunds, deliveries: detail.callbacks },
        };
      }
      if (command !== undefined && method === 'POST') return this.command(orderId, command);
    }
    throw new HttpError(404, `no route for ${method} ${path}`);
  }

  private async command(orderId: string, command: string): Promise<Reply> {
    const { ledger, callbacks, store } = this.services;
    if (command === 'resend-callback') {
      const transaction = await ledger.find(orderId);
      if (!transaction) throw new HttpError(404, `order ${orderId} not found`);
      if (!isPaid(transaction.state)) throw new HttpError(409, `order ${orderId} is not paid (${transaction.state})`);
      const delivery = await callbacks.enqueue(transaction, 'resend');
      await store.updateTransaction(orderId, {}, {}, 'console: re-send call-back');
      return { status: 200, body: { delivery, message: `Re-sent the call-back of ${orderId} to ${delivery.url}.` }, note: `order=${orderId}` };
    }
    const action = CONSOLE_ACTIONS[command];
    if (!action) throw new HttpError(404, `unknown command ${command}`);
    const result = await ledger.settle(orderId, action.outcome, `console: ${command}`);
    if (result.ok) {
      const message = `${action.done}: ${orderId} is now ${result.transaction.state}.`;
      return { status: 200, body: { transaction: transactionView(result.transaction), message }, note: `order=${orderId}` };
    }
    if (result.reason === 'NOT_FOUND') throw new HttpError(404, `order ${orderId} not found`);
    return {
      status: 409,
      body: { error: `order ${orderId} is ${result.transaction.state}, not payable`, transaction: transactionView(result.transaction) },
    };
  }

  async detail(orderId: string): Promise<TransactionDetail | null> {
    const { store } = this.services;
    const transaction = await store.findTransaction({ orderId });
    return transaction && transactionDetail(transaction, await store.listCallbacks(orderId));
  }

  private async testPayment(body: unknown): Promise<Reply> {
    const { store, wallet, merchant, standalone } = this.services;
    try {
      const result = await runTestPayment({ store, wallet, merchant, standalone }, parseTestPayment(body));
      return { status: 200, body: { ...result, transaction: transactionView(result.transaction) }, note: `order=${result.orderId}` };
    } catch (error) {
      if (error instanceof TestPaymentError) throw new HttpError(error.status, error.message);
      throw error;
    }
  }

  /** The receiver test payments use when the sandbox runs alone: SUCCESS for a call-back that unseals with the sign key. */
  private callbackSink(body: string): Reply {
    try {
      unseal(Object(JSON.parse(body)) as Partial<SealedData>, this.services.signKey);
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof VerificationError) return { status: 400, body: `FAIL ${error.message}`, type: 'text' };
      throw error;
    }
    return { status: 200, body: 'SUCCESS', type: 'text' };
  }

  private async merchantCell(orderId: string): Promise<MerchantCell | undefined> {
    const { merchant } = this.services;
    if (!merchant) return undefined;
    try {
      return { order: await merchant.orderState(orderId) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  private async consolePage(params: URLSearchParams): Promise<string> {
    const { store, faults, readings, info, requests } = this.services;
    const query = consoleQuery(params);
    const all = await store.listTransactions();
    const found = query.order ? all.filter((tx) => orderIdMatches(tx.orderId, query.order)) : all;
    const byState: Partial<Record<TransactionState, number>> = {};
    for (const tx of found) byState[tx.state] = (byState[tx.state] ?? 0) + 1;
    const matching = query.state ? found.filter((tx) => tx.state === query.state) : found;
    const shown = matching.slice(0, query.limit);
    const callbacks = new Map<string, CallbackRecord[]>();
    for (const callback of await store.listCallbacks()) {
      const list = callbacks.get(callback.orderId);
      if (list) list.push(callback);
      else callbacks.set(callback.orderId, [callback]);
    }
    const transactions = await Promise.all(
      shown.map(async (tx) => ({ ...transactionDetail(tx, callbacks.get(tx.orderId) ?? []), merchant: await this.merchantCell(tx.orderId) })),
    );
    return renderConsole({
      query,
      transactions,
      total: all.length,
      byState,
      matching: matching.length,
      requests: await requests.list({ orderId: query.order, limit: query.requests }),
      faults: faults.get(),
      readings: readings.get(),
      info: info(),
    });
  }
}
