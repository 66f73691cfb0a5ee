import { config } from '../../config';
import { errorMessage, format, getMessages } from '../../i18n/index';
import { confirmDialog, toast } from '../../services/dialog';
import { getMerchantSummary, refundPayment } from '../../services/merchant';
import { goBack } from '../../services/navigation';
import type { StaffOrderView } from '../../services/types';
import { attemptFor, keptAfter, type Attempt } from '../../utils/attempt';
import { perInstance } from '../../utils/instance-state';
import { amountEntry, pressAmountKey, type AmountEntryCopy, type AmountLimit } from '../../utils/amount-entry';
import { isKey } from '../../utils/keypad';
import { centsToInput, formatMoney, parseAmount } from '../../utils/money';
import { openRefundNotice, staffOrderRefunds, type OpenRefundNotice, type RefundLine, type RefundStatus, type ReviewNotice } from '../../utils/refunds';

type Status = 'loading' | 'error' | RefundStatus;

interface PageState {
  orderId: string;
  /** A refund sent without an answer: it is sent again as it was, under the same requestId. */
  attempt?: Attempt;
}

const pageState = perInstance<PageState>(() => ({ orderId: '' }));
const MERCHANT_PAGE = '/pages/merchant/index';

/**
 * A refund of one order: its refunds so far, the one waiting for OTT Pay first; otherwise an
 * amount up to what the server says may be refunded, confirmed, sent once.
 */
Component({
  data: {
    t: getMessages(),
    status: 'loading' as Status,
    errorText: '',
    currency: config.currency,
    order: null as StaffOrderView | null,
    maxCents: 0,
    open: null as OpenRefundNotice | null,
    review: null as ReviewNotice | null,
    refunds: [] as RefundLine[],
    notRefundableText: '',
    input: '',
    amountAria: '',
    fullAria: '',
    keyAria: '',
    keySub: '',
    valid: false,
    busy: false,
    /** The amount of a refund sent without an answer: only that refund may be sent again. */
    locked: false,
    message: { text: '', tone: 'hint' },
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.refund.title });
    },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      pageState(this).orderId = query.orderId ? decodeURIComponent(query.orderId) : '';
      this.load();
    },

    async load() {
      const t = this.data.t;
      const orderId = pageState(this).orderId;
      this.setData({ status: 'loading', errorText: '' });
      const result = await getMerchantSummary(orderId);
      if (!result.ok || !result.order) {
        this.setData({ status: 'error', errorText: errorMessage(t, result.ok ? 'NOT_FOUND' : result.code) });
        return;
      }
      this.showOrder(result.order);
    },

    /** After a refund got no answer: whether the server recorded it shows in the order's refunds. */
    async reloadQuietly() {
      const result = await getMerchantSummary(pageState(this).orderId);
      if (result.ok && result.order && !this.data.busy) this.showOrder(result.order);
    },

    showOrder(order: StaffOrderView) {
      const t = this.data.t;
      const view = staffOrderRefunds(order, t);
      this.setData({ order, ...view, fullAria: format(t.refund.fullAria, { amount: formatMoney(view.maxCents, order.currency) }) });
      if (this.data.locked) this.setInput(this.data.input, t.refund.noAnswer);
      else this.setInput('');
    },

    setInput(input: string, error = '') {
      this.setData(amountEntry(input, this.limit(), this.copy(), error));
    },

    onKey(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const key = event.detail.key;
      if (!this.data.busy && !this.data.locked && isKey(key)) this.setData(pressAmountKey(this.data.input, key, this.limit(), this.copy()));
    },

    limit(): AmountLimit {
      return { maxCents: this.data.maxCents, currency: this.data.currency, unbroken: true };
    },

    copy(): AmountEntryCopy {
      return { ...this.data.t.refund, decimals: this.data.t.pay.decimals };
    },

    onFull() {
      if (!this.data.busy && !this.data.locked) this.setInput(centsToInput(this.data.maxCents));
    },

    async onRefund() {
      const { t, order, input, maxCents, busy } = this.data;
      if (busy || !order) return;
      const parsed = parseAmount(input, { maxCents });
      if (!parsed.ok) return;
      const money = (cents: number) => formatMoney(cents, order.currency);
      this.setData({ busy: true });
      const answer = await confirmDialog({
        title: format(t.refund.confirmTitle, { amount: money(parsed.cents) }),
        content: format(t.refund.confirmBody, { total: money(order.totalCents), refunded: money(order.refundedCents) }),
        confirmText: t.dialog.refund,
        cancelText: t.dialog.cancel,
        destructive: true,
      });
      if (answer !== 'yes') {
        if (answer === 'failed') toast(t.common.dialogFailed);
        this.setData({ busy: false });
        return;
      }
      if (this.data.message.tone === 'error') this.setInput(input);
      const state = pageState(this);
      const attempt = attemptFor(state.attempt, `${order.orderId}:${parsed.cents}`);
      state.attempt = attempt;
      const result = await refundPayment({ orderId: order.orderId, amountCents: parsed.cents, requestId: attempt.requestId });
      this.setData({ busy: false });
      if (!result.ok) {
        state.attempt = keptAfter(attempt, result.code);
        this.setData({ locked: state.attempt !== undefined });
        if (result.code === 'REFUND_OPEN' && result.openRefund) {
          this.setData({ status: 'open', open: openRefundNotice(result.openRefund, order.currency, t) });
          return;
        }
        const unanswered = result.code === 'NETWORK' || result.code === 'SERVICE_UNAVAILABLE';
        this.setInput(input, unanswered ? t.refund.noAnswer : errorMessage(t, result.code));
        if (unanswered) this.reloadQuietly();
        return;
      }
      state.attempt = undefined;
      this.setData({ locked: false });
      const done = result.refund.state === 'SUCCEEDED';
      toast(done ? t.refund.done : t.refund.submitted, done ? 'success' : 'none');
      goBack(MERCHANT_PAGE);
    },

    onBack() {
      goBack(MERCHANT_PAGE);
    },
  },
});
