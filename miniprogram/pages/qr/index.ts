import { config } from '../../config';
import { errorMessage, format, getMessages, merchantName } from '../../i18n/index';
import { brightScreen, releaseScreen } from '../../services/device';
import { collectByQr } from '../../services/merchant';
import { goBack } from '../../services/navigation';
import { pollOrder } from '../../services/poll';
import type { OrderView } from '../../services/types';
import { attemptFor, keptAfter, type Attempt } from '../../utils/attempt';
import { QR_BACKOFF, QR_VALID_MS } from '../../utils/backoff';
import { perInstance } from '../../utils/instance-state';
import { formatMoney } from '../../utils/money';
import { outcomeOf } from '../../utils/order';
import { formatCountdown } from '../../utils/time';

type Phase = 'creating' | 'failed' | 'waiting' | 'paid' | 'expired' | 'voided' | 'notPaid' | 'review';

interface PageState {
  amountCents: number;
  attempt?: Attempt;
  /** Bumped to stop watching the current code. */
  generation: number;
  expiresAt: number;
  timer?: ReturnType<typeof setInterval>;
}

const pageState = perInstance<PageState>(() => ({ amountCents: 0, generation: 0, expiresAt: 0 }));
const MERCHANT_PAGE = '/pages/merchant/index';

/** One QR code for one amount: shown large and bright, watched until paid, expired or voided. */
Component({
  data: {
    t: getMessages(),
    phase: 'creating' as Phase,
    merchantName: '',
    amountText: '',
    qrDataUrl: '',
    qrAria: '',
    expiresText: '',
    /** Why the status is unknown right now, or what failed. */
    note: '',
    order: null as OrderView | null,
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t, merchantName: merchantName(config.merchantName) });
      wx.setNavigationBarTitle({ title: t.qr.title });
    },
    detached() {
      this.stop();
    },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const cents = Number(query.amountCents);
      if (!Number.isSafeInteger(cents) || cents <= 0) {
        wx.redirectTo({ url: '/pages/collect/index' });
        return;
      }
      const amountText = formatMoney(cents, config.currency);
      pageState(this).amountCents = cents;
      this.setData({ amountText, qrAria: format(this.data.t.qr.imageAria, { amount: amountText }) });
      this.create();
    },

    onUnload() {
      this.stop();
    },

    /** Stops watching and counting, and gives the screen back. */
    stop() {
      const state = pageState(this);
      state.generation++;
      this.stopCountdown();
      releaseScreen();
    },

    stopCountdown() {
      const state = pageState(this);
      if (state.timer !== undefined) clearInterval(state.timer);
      state.timer = undefined;
    },

    async create() {
      const state = pageState(this);
      const attempt = attemptFor(state.attempt, String(state.amountCents));
      state.attempt = attempt;
      this.setData({ phase: 'creating', note: '', order: null });
      const result = await collectByQr({ amountCents: state.amountCents, requestId: attempt.requestId });
      if (!result.ok) {
        state.attempt = keptAfter(attempt, result.code);
        this.setData({ phase: 'failed', note: errorMessage(this.data.t, result.code) });
        return;
      }
      state.attempt = undefined;
      state.expiresAt = Date.now() + QR_VALID_MS;
      this.setData({ phase: 'waiting', qrDataUrl: result.qrDataUrl, order: result.order });
      brightScreen();
      this.tick();
      this.stopCountdown();
      state.timer = setInterval(() => this.tick(), 1000);
      this.watch(result.order.orderId);
    },

    tick() {
      const left = pageState(this).expiresAt - Date.now();
      if (left > 0) {
        this.setData({ expiresText: format(this.data.t.qr.expiresIn, { time: formatCountdown(left) }) });
      } else if (this.data.phase === 'waiting') {
        this.codeGone('expired');
      }
    },

    /** The code leaves the screen; the order is still watched in case it was scanned already. */
    codeGone(phase: 'expired' | 'voided') {
      this.stopCountdown();
      releaseScreen();
      this.setData({ phase });
    },

    async watch(orderId: string) {
      const state = pageState(this);
      const generation = ++state.generation;
      const t = this.data.t;
      const outcome = await pollOrder(orderId, {
        backoff: QR_BACKOFF,
        isCancelled: () => state.generation !== generation,
        onUpdate: (order) => this.setData({ order, note: '' }),
        onRetrying: () => this.setData({ note: t.qr.unknown }),
      });
      if (outcome.kind === 'cancelled') return;
      if (outcome.kind === 'settled') {
        const result = outcomeOf(outcome.order.state);
        this.stopCountdown();
        releaseScreen();
        this.setData({ phase: result === 'paid' ? 'paid' : result === 'review' ? 'review' : 'notPaid', note: '' });
        return;
      }
      if (this.data.phase === 'waiting') this.codeGone('expired');
      const unknown = outcome.kind === 'error' || outcome.lastFailure !== undefined;
      this.setData({ note: unknown ? (outcome.kind === 'error' ? errorMessage(t, outcome.failure.code) : t.qr.unknownAtEnd) : '' });
    },

    onVoid() {
      if (this.data.phase === 'waiting') this.codeGone('voided');
    },

    /** A new code for the same amount; the old one is no longer watched. */
    onNewCode() {
      const state = pageState(this);
      state.generation++;
      this.create();
    },

    onRetry() {
      this.create();
    },

    onAnother() {
      wx.redirectTo({ url: '/pages/collect/index' });
    },

    onChangeAmount() {
      wx.redirectTo({ url: `/pages/collect/index?amountCents=${pageState(this).amountCents}` });
    },

    onDone() {
      goBack(MERCHANT_PAGE);
    },
  },
});
