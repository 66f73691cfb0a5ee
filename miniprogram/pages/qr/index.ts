import { config } from '../../config';
import { errorMessage, format, getMessages, inLanguage } from '../../i18n/index';
import { brightScreen, releaseScreen } from '../../services/device';
import { confirmDialog, toast } from '../../services/dialog';
import { collectByQr } from '../../services/merchant';
import { goBack } from '../../services/navigation';
import { pollOrder } from '../../services/poll';
import type { OrderView } from '../../services/types';
import { attemptFor, keptAfter, type Attempt } from '../../utils/attempt';
import { QR_BACKOFF, QR_VALID_MS } from '../../utils/backoff';
import { perInstance } from '../../utils/instance-state';
import { formatMoney } from '../../utils/money';
import { outcomeOf } from '../../utils/order';
import { mayStillBePaid, type QrPhase } from '../../utils/qr-code';
import { formatCountdown } from '../../utils/time';

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

/** One QR code for one amount: shown large and bright, watched until paid or until watching gives up. */
Component({
  data: {
    t: getMessages(),
    phase: 'creating' as QrPhase,
    /** The order is still being asked about: a payment would show here. */
    watching: false,
    /** A payment may still arrive: the way to today's orders leads, a new code is secondary. */
    mayStillBePaid: false,
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
      this.setData({ t, merchantName: inLanguage(config.merchantName) });
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
      this.setPhase('creating', { note: '', order: null });
      const result = await collectByQr({ amountCents: state.amountCents, requestId: attempt.requestId });
      if (!result.ok) {
        state.attempt = keptAfter(attempt, result.code);
        this.setPhase('failed', { note: errorMessage(this.data.t, result.code) });
        return;
      }
      state.attempt = undefined;
      state.expiresAt = Date.now() + QR_VALID_MS;
      this.setPhase('waiting', { qrDataUrl: result.qrDataUrl, order: result.order });
      brightScreen();
      this.tick();
      this.stopCountdown();
      state.timer = setInterval(() => this.tick(), 1000);
      this.watch(result.order.orderId);
    },

    setPhase(phase: QrPhase, extra: Record<string, unknown> = {}) {
      this.setData({ ...extra, phase, mayStillBePaid: mayStillBePaid(phase) });
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
    codeGone(phase: 'expired' | 'hidden') {
      this.stopCountdown();
      releaseScreen();
      this.setPhase(phase);
    },

    async watch(orderId: string) {
      const state = pageState(this);
      const generation = ++state.generation;
      const t = this.data.t;
      this.setData({ watching: true });
      const outcome = await pollOrder(orderId, {
        backoff: QR_BACKOFF,
        isCancelled: () => state.generation !== generation,
        onUpdate: (order) => this.setData({ order, note: '' }),
        onRetrying: () => this.setData({ note: t.qr.unknown }),
      });
      if (outcome.kind === 'cancelled') return;
      this.setData({ watching: false });
      if (outcome.kind === 'settled') {
        const result = outcomeOf(outcome.order.state);
        this.stopCountdown();
        releaseScreen();
        this.setPhase(result === 'paid' ? 'paid' : result === 'review' ? 'review' : 'notPaid', { note: '' });
        return;
      }
      if (this.data.phase === 'waiting') this.codeGone('expired');
      const unknown = outcome.kind === 'error' || outcome.lastFailure !== undefined;
      this.setData({ note: unknown ? (outcome.kind === 'error' ? errorMessage(t, outcome.failure.code) : t.qr.unknownAtEnd) : '' });
    },

    /** Only off the screen: the order at OTT Pay stays open, so it is still watched. */
    onHide() {
      if (this.data.phase === 'waiting') this.codeGone('hidden');
    },

    /** A new code for the same amount; the old one is no longer watched, so staff confirm first when it may still be paid. */
    async onNewCode() {
      const t = this.data.t.qr;
      if (this.data.mayStillBePaid) {
        const { dialog, common } = this.data.t;
        const answer = await confirmDialog({ title: t.newCodeConfirmTitle, content: t.newCodeConfirmBody, confirmText: dialog.newCode, cancelText: dialog.cancel });
        if (answer === 'failed') toast(common.dialogFailed);
        if (answer !== 'yes') return;
      }
      const state = pageState(this);
      state.generation++;
      this.create();
    },

    onRetry() {
      this.create();
    },

    async onAnother() {
      const t = this.data.t.qr;
      if (this.data.watching) {
        const { dialog, common } = this.data.t;
        const answer = await confirmDialog({ title: t.anotherConfirmTitle, content: t.anotherConfirmBody, confirmText: dialog.leave, cancelText: dialog.stay });
        if (answer === 'failed') toast(common.dialogFailed);
        if (answer !== 'yes') return;
      }
      wx.redirectTo({ url: '/pages/collect/index' });
    },

    onChangeAmount() {
      wx.redirectTo({ url: `/pages/collect/index?amountCents=${pageState(this).amountCents}` });
    },

    /** Today's orders are on the shop admin page, under this one. */
    onDone() {
      goBack(MERCHANT_PAGE);
    },
  },
});
