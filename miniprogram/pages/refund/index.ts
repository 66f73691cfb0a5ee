import { config } from '../../config';
import { errorMessage, format, getMessages } from '../../i18n/index';
import { confirmDialog, toast } from '../../services/dialog';
import { getMerchantSummary, refundPayment } from '../../services/merchant';
import { goBack } from '../../services/navigation';
import type { OrderView } from '../../services/types';
import { attemptFor, keptAfter, type Attempt } from '../../utils/attempt';
import { perInstance } from '../../utils/instance-state';
import { amountEntry, pressAmountKey, type AmountEntryCopy, type AmountLimit } from '../../utils/amount-entry';
import { isKey } from '../../utils/keypad';
import { centsToInput, formatMoney, parseAmount } from '../../utils/money';
import { refundableCents } from '../../utils/order';

type Status = 'loading' | 'error' | 'notRefundable' | 'form';

interface PageState {
  orderId: string;
  attempt?: Attempt;
}

const pageState = perInstance<PageState>(() => ({ orderId: '' }));
const MERCHANT_PAGE = '/pages/merchant/index';

/** A refund of one order: an amount up to what is left, confirmed, sent once. */
Component({
  data: {
    t: getMessages(),
    status: 'loading' as Status,
    errorText: '',
    currency: config.currency,
    order: null as OrderView | null,
    maxCents: 0,
    input: '',
    amountAria: '',
    fullAria: '',
    keyAria: '',
    keySub: '',
    valid: false,
    busy: false,
    message: { text: '', tone: 'hint' },
    notRefundableText: '',
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

    showOrder(order: OrderView) {
      const t = this.data.t;
      const maxCents = refundableCents(order);
      const maxText = formatMoney(maxCents, order.currency);
      this.setData({
        order,
        maxCents,
        status: maxCents > 0 ? 'form' : 'notRefundable',
        notRefundableText: format(t.refund.notRefundable, { state: t.states[order.state] }),
        fullAria: format(t.refund.fullAria, { amount: maxText }),
      });
      this.setInput('');
    },

    setInput(input: string, error = '') {
      this.setData(amountEntry(input, this.limit(), this.copy(), error));
    },

    onKey(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const key = event.detail.key;
      if (!this.data.busy && isKey(key)) this.setData(pressAmountKey(this.data.input, key, this.limit(), this.copy()));
    },

    limit(): AmountLimit {
      return { maxCents: this.data.maxCents, currency: this.data.currency };
    },

    copy(): AmountEntryCopy {
      return { ...this.data.t.refund, decimals: this.data.t.pay.decimals };
    },

    onFull() {
      if (!this.data.busy) this.setInput(centsToInput(this.data.maxCents));
    },

    async onRefund() {
      const { t, order, input, maxCents, busy } = this.data;
      if (busy || !order) return;
      const parsed = parseAmount(input, { maxCents });
      if (!parsed.ok) return;
      const money = (cents: number) => formatMoney(cents, order.currency);
      this.setData({ busy: true });
      const confirmed = await confirmDialog({
        title: format(t.refund.confirmTitle, { amount: money(parsed.cents) }),
        content: format(t.refund.confirmBody, { total: money(order.totalCents), refunded: money(order.refundedCents) }),
        confirmText: t.refund.confirm,
        cancelText: t.common.cancel,
        destructive: true,
      });
      if (!confirmed) {
        this.setData({ busy: false });
        return;
      }
      const state = pageState(this);
      const attempt = attemptFor(state.attempt, `${order.orderId}:${parsed.cents}`);
      state.attempt = attempt;
      const result = await refundPayment({ orderId: order.orderId, amountCents: parsed.cents, requestId: attempt.requestId });
      this.setData({ busy: false });
      if (!result.ok) {
        state.attempt = keptAfter(attempt, result.code);
        this.setInput(input, errorMessage(t, result.code));
        return;
      }
      state.attempt = undefined;
      const done = result.refund.state === 'SUCCEEDED';
      toast(done ? t.refund.done : t.refund.submitted, done ? 'success' : 'none');
      goBack(MERCHANT_PAGE);
    },

    onBack() {
      goBack(MERCHANT_PAGE);
    },
  },
});
