/**
 * The wx APIs the Pay, Result and counter pages use, bridged to the local stack: cloud functions go
 * to the local cloud runtime as the caller, wx.requestPayment goes to the sandbox's simulated
 * wallet. Everything else is a stand-in that only reports what a page asked for (sound: which
 * file, each ending a moment after it starts).
 */
import type { CloudFunctions, WxPaymentParams } from '../../typings/payments';

export type WalletChoice = 'success' | 'cancel' | 'fail';
export type Navigation = 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack';

export interface CallRecord {
  name: string;
  data: unknown;
  /** The function's result; absent when the call failed. */
  result?: unknown;
  error?: CallError;
  /** Epoch ms when the answer came. */
  at: number;
}

export interface CallError {
  errCode: number;
  errMsg: string;
}

export interface BridgeOptions {
  cloudUrl: string;
  sandboxUrl: string;
  /** The payer, sent as x-wx-openid as WeChat would attach it. */
  openid: string;
  /** What the payer does in the wallet. */
  wallet: WalletChoice;
  /** WeChat's language setting, which picks the pages' language. */
  language: string;
  /** Opens the page at `url`; false when the demo has no such page. */
  navigate(kind: Navigation, url: string): boolean;
  onCall?(call: CallRecord): void;
  onWallet?(errMsg: string): void;
  /** Toasts, dialogs and other things a page shows the person outside its own view. */
  onNotice?(text: string): void;
  onTitle?(title: string): void;
  /** Each sound file a page plays, in order (the counter's clips). */
  onSound?(src: string): void;
}

export interface WxBridge {
  calls: CallRecord[];
  /** Resolves once no cloud call or wallet request is in flight. */
  idle(): Promise<void>;
}

interface Callbacks<S, F> {
  success?(result: S): void;
  fail?(error: F): void;
  complete?(result: S | F): void;
}

function answer<S, F>(options: Callbacks<S, F>, outcome: { ok: true; value: S } | { ok: false; value: F }): void {
  if (outcome.ok) options.success?.(outcome.value);
  else options.fail?.(outcome.value);
  options.complete?.(outcome.value);
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return cause ?? (error as Error)?.message ?? String(error);
}

export function installWxBridge(options: BridgeOptions): WxBridge {
  const calls: CallRecord[] = [];
  let inFlight = 0;
  let waiting: Array<() => void> = [];

  async function tracked<T>(work: () => Promise<T>): Promise<T> {
    inFlight++;
    try {
      return await work();
    } finally {
      inFlight--;
      if (inFlight === 0) {
        const resolvers = waiting;
        waiting = [];
        resolvers.forEach((resolve) => resolve());
      }
    }
  }

  async function invoke(name: string, data: unknown): Promise<{ errMsg: string; result: unknown; requestID: string }> {
    const record: CallRecord = { name, data, at: 0 };
    try {
      let reply: { status: number; body: unknown };
      try {
        reply = await postJson(`${options.cloudUrl}/functions/${encodeURIComponent(name)}`, data ?? {}, { 'x-wx-openid': options.openid });
      } catch (error) {
        throw { errCode: -1, errMsg: `cloud.callFunction:fail ${reason(error)}` };
      }
      const body = reply.body as { result?: unknown; errCode?: unknown; errMsg?: unknown };
      if (reply.status === 200 && typeof body === 'object' && body !== null && 'result' in body) {
        record.result = body.result;
        return { errMsg: 'cloud.callFunction:ok', result: body.result, requestID: '' };
      }
      throw {
        errCode: typeof body?.errCode === 'number' ? body.errCode : -1,
        errMsg: typeof body?.errMsg === 'string' ? body.errMsg : `cloud.callFunction:fail HTTP ${reply.status}`,
      };
    } catch (error) {
      record.error = error as CallError;
      throw error;
    } finally {
      record.at = Date.now();
      calls.push(record);
      options.onCall?.(record);
    }
  }

  function callFunction(call: { name: keyof CloudFunctions | string; data?: unknown } & Callbacks<unknown, CallError>): Promise<unknown> | undefined {
    const running = tracked(() => invoke(call.name, call.data));
    if (!call.success && !call.fail && !call.complete) return running;
    running.then(
      (value) => answer(call, { ok: true, value }),
      (error: CallError) => answer(call, { ok: false, value: error }),
    );
    return undefined;
  }

  async function pay(params: WxPaymentParams): Promise<string> {
    try {
      const reply = await postJson(`${options.sandboxUrl}/sandbox/wallet/pay`, {
        timeStamp: params.timeStamp,
        nonceStr: params.nonceStr,
        package: params.package,
        signType: params.signType,
        paySign: params.paySign,
        outcome: options.wallet,
      });
      const errMsg = (reply.body as { errMsg?: unknown })?.errMsg;
      return typeof errMsg === 'string' ? errMsg : `requestPayment:fail the wallet answered HTTP ${reply.status}`;
    } catch (error) {
      return `requestPayment:fail ${reason(error)}`;
    }
  }

  function requestPayment(params: WxPaymentParams & Callbacks<{ errMsg: string }, { errMsg: string }>): void {
    void tracked(async () => {
      const errMsg = await pay(params);
      options.onWallet?.(errMsg);
      answer(params, { ok: errMsg === 'requestPayment:ok', value: { errMsg } });
    });
  }

  function navigation(kind: Navigation) {
    return (call: { url?: string; delta?: number } & Callbacks<{ errMsg: string }, { errMsg: string }> = {}): void => {
      const opened = options.navigate(kind, call.url ?? '');
      answer(call, { ok: opened, value: { errMsg: `${kind}:${opened ? 'ok' : 'fail the demo has no such page'}` } });
    };
  }

  Object.assign(wx, {
    cloud: { init: () => undefined, callFunction },
    requestPayment,
    navigateTo: navigation('navigateTo'),
    redirectTo: navigation('redirectTo'),
    reLaunch: navigation('reLaunch'),
    navigateBack: navigation('navigateBack'),
    getAppBaseInfo: () => ({ language: options.language, SDKVersion: '3.8.0', theme: 'light' }),
    getDeviceInfo: () => ({ platform: 'ios' }),
    setKeepScreenOn: () => undefined,
    setInnerAudioOption: () => undefined,
    createInnerAudioContext: () => {
      let ended: () => void = () => undefined;
      const audio = {
        src: '',
        play() {
          options.onSound?.(audio.src);
          setTimeout(() => ended(), 5);
        },
        stop: () => undefined,
        destroy: () => undefined,
        onEnded(fn: () => void) {
          ended = fn;
        },
        onError: () => undefined,
      };
      return audio;
    },
    setNavigationBarTitle: (call: { title: string } & Callbacks<{ errMsg: string }, never>) => {
      options.onTitle?.(call.title);
      answer(call, { ok: true, value: { errMsg: 'setNavigationBarTitle:ok' } });
    },
    showToast: (call: { title: string } & Callbacks<{ errMsg: string }, never>) => {
      options.onNotice?.(`toast: ${call.title}`);
      answer(call, { ok: true, value: { errMsg: 'showToast:ok' } });
    },
    showModal: (call: { title?: string; content?: string } & Callbacks<{ errMsg: string; confirm: boolean; cancel: boolean }, never>) => {
      options.onNotice?.(`dialog: ${call.title ?? ''} ${call.content ?? ''} (answered Cancel: nobody to confirm)`);
      answer(call, { ok: true, value: { errMsg: 'showModal:ok', confirm: false, cancel: true } });
    },
  });

  return {
    calls,
    async idle() {
      do {
        await new Promise<void>((resolve) => (inFlight === 0 ? setImmediate(resolve) : waiting.push(() => setImmediate(resolve))));
      } while (inFlight > 0);
    },
  };
}
