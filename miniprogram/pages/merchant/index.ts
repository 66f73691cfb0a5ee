import { config } from '../../config';
import { errorMessage, format, getMessages } from '../../i18n/index';
import { confirmDialog, toast } from '../../services/dialog';
import { collectByQr, getMerchantSummary, refundPayment } from '../../services/merchant';
import { pollOrder } from '../../services/poll';
import type { OrderView } from '../../services/types';
import { QR_BACKOFF } from '../../utils/backoff';
import { applyKey, isKey } from '../../utils/keypad';
import { centsToInput, formatMoney, parseAmount } from '../../utils/money';
import { outcomeOf, refundableCents } from '../../utils/order';
import { newRequestId } from '../../utils/request-id';
import { perInstance } from '../../utils/instance-state';

type Status = 'loading' | 'forbidden' | 'error' | 'staff';
type Mode = 'home' | 'refund' | 'collect';
type CollectPhase = 'enter' | 'creating' | 'waiting' | 'paid' | 'notPaid' | 'stillWaiting';

interface Row {
  orderId: string;
  order: OrderView;
  refundable: boolean;
  refundAria: string;
}

interface TodayView {
  date: string;
  title: string;
  paidCount: number;
  grossText: string;
  refundedText: string;
  netText: string;
}

interface Attempt {
  requestId: string;
  key: string;
}

interface PageState {
  refundAttempt?: Attempt;
  collectAttempt?: Attempt;
  /** Bumped to abandon a running QR poll. */
  pollGeneration: number;
  collectOrderId?: string;
}

const TRANSIENT = ['NETWORK', 'SERVICE_UNAVAILABLE', 'PAYMENT_PENDING', 'BUSY'];
const pageState = perInstance<PageState>(() => ({ pollGeneration: 0 }));

/** The same requestId while the same thing is retried after a transient failure. */
function attemptFor(previous: Attempt | undefined, key: string): Attempt {
  return previous && previous.key === key ? previous : { requestId: newRequestId(), key };
}

Component({
  data: {
    t: getMessages(),
    status: 'loading' as Status,
    errorText: '',
    today: null as TodayView | null,
    rows: [] as Row[],
    mode: 'home' as Mode,
    busy: false,
    refund: { orderId: '', refundableCents: 0, refundableText: '', input: '', amountAria: '', error: '' },
    collect: { phase: 'enter' as CollectPhase, input: '', amountText: '', amountAria: '', hint: '', qrAlt: '', qrDataUrl: '', paidText: '', error: '' },
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.merchant.title });
      this.loadSummary();
    },
    detached() {
      pageState(this).pollGeneration++;
    },
  },

  methods: {
    async loadSummary() {
      const t = this.data.t;
      if (this.data.status !== 'staff') this.setData({ status: 'loading', errorText: '' });
      const result = await getMerchantSummary();
      if (!result.ok) {
        if (result.code === 'FORBIDDEN') this.setData({ status: 'forbidden', today: null, rows: [] });
        else if (this.data.status === 'staff') toast(errorMessage(t, result.code));
        else this.setData({ status: 'error', errorText: errorMessage(t, result.code) });
        return;
      }
      const currency = config.currency;
      this.setData({
        status: 'staff',
        today: {
          date: result.today.date,
          title: format(t.merchant.today, { date: result.today.date }),
          paidCount: result.today.paidCount,
          grossText: formatMoney(result.today.grossCents, currency),
          refundedText: formatMoney(result.today.refundedCents, currency),
          netText: formatMoney(result.today.netCents, currency),
        },
        rows: result.recent.map((order) => this.rowFor(order)),
      });
    },

    rowFor(order: OrderView): Row {
      return {
        orderId: order.orderId,
        order,
        refundable: refundableCents(order) > 0,
        refundAria: format(this.data.t.merchant.refundAria, { amount: formatMoney(order.totalCents, order.currency) }),
      };
    },

    onRefresh() {
      this.loadSummary();
    },

    onBack() {
      pageState(this).pollGeneration++;
      this.setData({ mode: 'home', busy: false });
      this.loadSummary();
    },

    onKey(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const key = event.detail.key;
      if (this.data.busy || !isKey(key)) return;
      if (this.data.mode === 'refund') {
        const next = applyKey(this.data.refund.input, key, this.data.refund.refundableCents);
        this.setRefundInput(next);
      } else if (this.data.mode === 'collect' && this.data.collect.phase === 'enter') {
        const next = applyKey(this.data.collect.input, key, config.maxAmountCents);
        this.setCollectInput(next);
      }
    },

    // Refunds

    onRefundTap(event: WechatMiniprogram.TouchEvent) {
      const orderId = String(event.currentTarget.dataset.orderId ?? '');
      const row = this.data.rows.find((r) => r.order.orderId === orderId);
      if (!row || !row.refundable) return;
      const cents = refundableCents(row.order);
      this.setData({
        mode: 'refund',
        refund: {
          orderId,
          refundableCents: cents,
          refundableText: format(this.data.t.merchant.refundable, { amount: formatMoney(cents, row.order.currency) }),
          input: '',
          amountAria: '',
          error: '',
        },
      });
      this.setRefundInput(centsToInput(cents));
    },

    setRefundInput(input: string) {
      this.setData({
        'refund.input': input,
        'refund.amountAria': format(this.data.t.merchant.refundAmountAria, { amount: input || '0' }),
        'refund.error': '',
      });
    },

    onRefundFull() {
      this.setRefundInput(centsToInput(this.data.refund.refundableCents));
    },

    async onRefundSubmit() {
      if (this.data.busy) return;
      const t = this.data.t;
      const { orderId, refundableCents: max, input } = this.data.refund;
      const parsed = parseAmount(input, { maxCents: max });
      if (!parsed.ok) {
        this.setData({ 'refund.error': format(t.merchant.refundInvalid, { amount: formatMoney(max, config.currency) }) });
        return;
      }
      const amountText = formatMoney(parsed.cents, config.currency);
      this.setData({ busy: true });
      const confirmed = await confirmDialog({
        title: t.merchant.confirmRefundTitle,
        content: format(t.merchant.confirmRefundBody, { amount: amountText, orderId }),
        confirmText: t.common.confirm,
        cancelText: t.common.cancel,
      });
      if (!confirmed) {
        this.setData({ busy: false });
        return;
      }
      const state = pageState(this);
      const attempt = attemptFor(state.refundAttempt, `${orderId}:${parsed.cents}`);
      state.refundAttempt = attempt;
      const result = await refundPayment({ orderId, amountCents: parsed.cents, requestId: attempt.requestId });
      this.setData({ busy: false });
      if (!result.ok) {
        if (!TRANSIENT.includes(result.code)) state.refundAttempt = undefined;
        this.setData({ 'refund.error': errorMessage(t, result.code) });
        return;
      }
      state.refundAttempt = undefined;
      toast(result.refund.state === 'SUCCEEDED' ? t.merchant.refundDone : t.merchant.refundSubmitted, result.refund.state === 'SUCCEEDED' ? 'success' : 'none');
      this.setData({
        mode: 'home',
        rows: this.data.rows.map((row) => (row.order.orderId === result.order.orderId ? this.rowFor(result.order) : row)),
      });
      this.loadSummary();
    },

    // Collect by QR code

    onCollectTap() {
      pageState(this).pollGeneration++;
      this.setData({
        mode: 'collect',
        collect: { phase: 'enter', input: '', amountText: '', amountAria: '', hint: '', qrAlt: '', qrDataUrl: '', paidText: '', error: '' },
      });
      this.setCollectInput('');
    },

    setCollectInput(input: string) {
      const parsed = parseAmount(input, { maxCents: config.maxAmountCents });
      this.setData({
        'collect.input': input,
        'collect.amountText': parsed.ok ? formatMoney(parsed.cents, config.currency) : '',
        'collect.amountAria': format(this.data.t.merchant.collectAmountAria, { amount: input || '0' }),
        'collect.error': '',
      });
    },

    async onShowQr() {
      if (this.data.busy) return;
      const t = this.data.t;
      const parsed = parseAmount(this.data.collect.input, { maxCents: config.maxAmountCents });
      if (!parsed.ok) return;
      const state = pageState(this);
      const attempt = attemptFor(state.collectAttempt, String(parsed.cents));
      state.collectAttempt = attempt;
      this.setData({ busy: true, 'collect.phase': 'creating', 'collect.error': '' });
      const result = await collectByQr({ amountCents: parsed.cents, requestId: attempt.requestId });
      this.setData({ busy: false });
      if (!result.ok) {
        if (!TRANSIENT.includes(result.code)) state.collectAttempt = undefined;
        this.setData({ 'collect.phase': 'enter', 'collect.error': errorMessage(t, result.code) });
        return;
      }
      state.collectAttempt = undefined;
      state.collectOrderId = result.order.orderId;
      const amountText = formatMoney(result.order.totalCents, result.order.currency);
      this.setData({
        'collect.qrDataUrl': result.qrDataUrl,
        'collect.hint': format(t.merchant.qrHint, { amount: amountText }),
        'collect.qrAlt': format(t.merchant.qrAlt, { amount: amountText }),
        'collect.paidText': format(t.merchant.qrPaid, { amount: amountText }),
      });
      this.watchCollect();
    },

    async watchCollect() {
      const state = pageState(this);
      const orderId = state.collectOrderId;
      if (!orderId) return;
      const generation = ++state.pollGeneration;
      this.setData({ 'collect.phase': 'waiting', 'collect.error': '' });
      const outcome = await pollOrder(orderId, { backoff: QR_BACKOFF, isCancelled: () => state.pollGeneration !== generation });
      if (outcome.kind === 'cancelled') return;
      if (outcome.kind === 'settled') {
        this.setData({ 'collect.phase': outcomeOf(outcome.order.state) === 'paid' ? 'paid' : 'notPaid' });
      } else if (outcome.kind === 'timeout') {
        this.setData({ 'collect.phase': 'stillWaiting' });
      } else {
        this.setData({ 'collect.phase': 'stillWaiting', 'collect.error': errorMessage(this.data.t, outcome.failure.code) });
      }
    },

    onCheckQrAgain() {
      this.watchCollect();
    },

    onNewCollect() {
      this.onCollectTap();
    },
  },
});
