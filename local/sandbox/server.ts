/** The sandbox's HTTP surface: /processV2, /inAppPay, the simulated wallet, the control endpoints and the console. */
import http from 'http';
import type { CallbackDelivery } from './callbacks';
import { ConsoleInfo, renderConsole, TransactionDetail } from './console-page';
import { FaultSettingsError, FaultSwitchboard } from './faults';
import { isPaid, Ledger, paidTotal, PayerOutcome } from './ledger';
import { replyCode, type InAppReply, type ProtocolHandler, type ProtocolOutcome, type ProtocolReply } from './protocol';
import type { CallbackRecord, SandboxStore, TransactionRecord } from './store';
import type { Wallet } from './wallet';

const BODY_LIMIT = 1024 * 1024;

export interface SandboxServices {
  store: SandboxStore;
  ledger: Ledger;
  protocol: ProtocolHandler;
  wallet: Wallet;
  callbacks: CallbackDelivery;
  faults: FaultSwitchboard;
  info: () => ConsoleInfo;
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
  /** Set for HTML; everything else is JSON. */
  html?: boolean;
  note?: string;
}

const CONSOLE_ACTIONS: Record<string, PayerOutcome> = { approve: 'success', cancel: 'cancel', fail: 'fail', close: 'close' };

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
  const text = reply.html ? String(reply.body) : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'Content-Type': reply.html ? 'text/html; charset=utf-8' : 'application/json; charset=UTF-8',
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
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    let reply: Reply;
    try {
      if (method === 'POST' && (path === '/processV2' || path === '/inAppPay')) {
        await this.acquirerApi(path, request, response, started);
        return;
      }
      reply = await this.route(method, path, request);
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

  private async acquirerApi(path: string, request: http.IncomingMessage, response: http.ServerResponse, started: number): Promise<void> {
    const { protocol } = this.services;
    const body = await readBody(request);
    const outcome: ProtocolOutcome = path === '/inAppPay' ? await protocol.handleInApp(body) : await protocol.handle(body);
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
      this.services.log(`${summary} ${Date.now() - started}ms`);
      return;
    }
    this.hold(response, outcome.reply, outcome.hold.replyAfterMs);
    this.services.log(`${summary} held ${outcome.hold.replyAfterMs === null ? 'without answer' : `for ${outcome.hold.replyAfterMs}ms`}`);
  }

  private hold(response: http.ServerResponse, reply: ProtocolReply | InAppReply, replyAfterMs: number | null): void {
    let timer: NodeJS.Timeout | null = null;
    if (replyAfterMs !== null) {
      timer = setTimeout(() => {
        this.heldResponses.delete(response);
        send(response, { status: 200, body: reply });
      }, replyAfterMs);
      timer.unref();
    }
    this.heldResponses.set(response, timer);
    response.on('close', () => {
      const pending = this.heldResponses.get(response);
      if (pending) clearTimeout(pending);
      this.heldResponses.delete(response);
    });
  }

  private async route(method: string, path: string, request: http.IncomingMessage): Promise<Reply> {
    const { store, wallet, faults } = this.services;
    if (path === '/' && method === 'GET') return { status: 200, body: await this.consolePage(), html: true };
    if (path === '/favicon.ico') return { status: 204, body: '', html: true };
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
    const { ledger, callbacks } = this.services;
    if (command === 'resend-callback') {
      const transaction = await ledger.find(orderId);
      if (!transaction) throw new HttpError(404, `order ${orderId} not found`);
      if (!isPaid(transaction.state)) throw new HttpError(409, `order ${orderId} is not paid (${transaction.state})`);
      const delivery = await callbacks.enqueue(transaction, 'resend');
      return { status: 200, body: { delivery }, note: `order=${orderId}` };
    }
    const outcome = CONSOLE_ACTIONS[command];
    if (!outcome) throw new HttpError(404, `unknown command ${command}`);
    const result = await ledger.settle(orderId, outcome, 'console');
    if (result.ok) return { status: 200, body: { transaction: transactionView(result.transaction) }, note: `order=${orderId}` };
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

  private async consolePage(): Promise<string> {
    const { store, faults, info } = this.services;
    const transactions = (await store.listTransactions()).slice(0, 200);
    const callbacks = await store.listCallbacks();
    const details = transactions.map((tx) => transactionDetail(tx, callbacks.filter((c) => c.orderId === tx.orderId)));
    return renderConsole(details, faults.get(), info());
  }
}
