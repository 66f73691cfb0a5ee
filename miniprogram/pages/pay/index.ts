import { config } from '../../config';
import { errorMessage, format, getMessages, type Messages } from '../../i18n/index';
import { getMerchantSummary } from '../../services/merchant';
import { createPayment, requestPayment } from '../../services/payments';
import { getExchangeRateE8 } from '../../services/rate';
import { estimateFen } from '../../utils/cny';
import { applyKey, isKey } from '../../utils/keypad';
import { formatCents, formatMoney, parseAmount } from '../../utils/money';
import { newRequestId } from '../../utils/request-id';
import { tipForPercent } from '../../utils/tip';

/** The tip chip chosen: an index into config.tipPercents, or 'custom'. */
type TipSelection = number | 'custom';
type Field = 'amount' | 'tip';

interface TipOption {
  id: string;
  value: string;
  label: string;
  aria: string;
  selected: boolean;
}

/** The idempotency key of the current attempt and the amounts it was made for. */
interface Attempt {
  requestId: string;
  amountCents: number;
  tipCents: number;
}

/**
 * Failures after which a tap on Pay retries with the same requestId. PAYMENT_PENDING means no
 * payment details were handed out, so nothing was charged: the retry asks OTT Pay again.
 */
const RETRY_SAME_ATTEMPT = ['NETWORK', 'SERVICE_UNAVAILABLE', 'PAYMENT_PENDING'];

const attempts = new WeakMap<object, Attempt>();
const submitting = new WeakSet<object>();

interface Totals {
  amountCents: number | null;
  tipCents: number | null;
  totalCents: number | null;
}

function computeTotals(amountInput: string, tip: TipSelection, customTipInput: string): Totals {
  const amount = parseAmount(amountInput, { maxCents: config.maxAmountCents });
  const amountCents = amount.ok ? amount.cents : null;
  let tipCents: number | null;
  if (tip === 'custom') {
    if (customTipInput === '') {
      tipCents = 0;
    } else {
      const parsed = parseAmount(customTipInput, { maxCents: config.maxAmountCents, allowZero: true });
      tipCents = parsed.ok ? parsed.cents : null;
    }
  } else {
    tipCents = amountCents === null ? 0 : tipForPercent(amountCents, config.tipPercents[tip] ?? 0);
  }
  const totalCents = amountCents !== null && tipCents !== null ? amountCents + tipCents : null;
  return { amountCents, tipCents, totalCents };
}

function tipOptions(t: Messages, tip: TipSelection): TipOption[] {
  const options: TipOption[] = config.tipPercents.map((percent, index) => {
    const label = percent === 0 ? t.pay.tipNone : format(t.pay.tipPercent, { percent });
    return {
      id: `tip-${percent}`,
      value: String(index),
      label,
      aria: format(t.pay.tipAria, { choice: label }),
      selected: tip === index,
    };
  });
  options.push({
    id: 'tip-custom',
    value: 'custom',
    label: t.pay.tipCustom,
    aria: format(t.pay.tipAria, { choice: t.pay.tipCustom }),
    selected: tip === 'custom',
  });
  return options;
}

Component({
  data: {
    t: getMessages(),
    amountInput: '',
    customTipInput: '',
    tip: 0 as TipSelection,
    editing: 'amount' as Field,
    tipOptions: [] as TipOption[],
    amountAria: '',
    customTipAria: '',
    tipText: '',
    totalText: '',
    cnyText: '',
    payLabel: '',
    maxHint: '',
    canPay: false,
    busy: false,
    error: '',
    rateE8: null as number | null,
    isStaff: false,
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t, maxHint: format(t.pay.maxHint, { amount: formatMoney(config.maxAmountCents, config.currency) }) });
      wx.setNavigationBarTitle({ title: t.pay.title });
      this.refreshView();
      this.loadRate();
      this.checkStaff();
    },
  },

  methods: {
    async loadRate() {
      const rateE8 = await getExchangeRateE8();
      this.setData({ rateE8 });
      this.refreshView();
    },

    async checkStaff() {
      const summary = await getMerchantSummary();
      if (summary.ok) this.setData({ isStaff: true });
    },

    /** Recomputes everything shown from the inputs. */
    refreshView() {
      const { t, amountInput, tip, customTipInput, rateE8, busy } = this.data;
      const totals = computeTotals(amountInput, tip, customTipInput);
      const fen = totals.totalCents !== null && rateE8 !== null ? estimateFen(totals.totalCents, rateE8) : null;
      const totalText = totals.totalCents === null ? '' : formatMoney(totals.totalCents, config.currency);
      this.setData({
        tipOptions: tipOptions(t, tip),
        amountAria: format(t.pay.amountAria, { amount: amountInput || '0' }),
        customTipAria: format(t.pay.tipCustomAria, { amount: customTipInput || '0' }),
        tipText: totals.tipCents ? formatMoney(totals.tipCents, config.currency) : '',
        totalText,
        cnyText: fen === null ? '' : format(t.pay.cnyEstimate, { amount: formatCents(fen, true) }),
        payLabel: totalText ? format(t.pay.payButton, { amount: totalText }) : t.pay.title,
        canPay: totals.totalCents !== null && !busy,
      });
    },

    /** A change of amount or tip starts a new attempt. */
    inputsChanged(update: Partial<{ amountInput: string; customTipInput: string; tip: TipSelection }>) {
      attempts.delete(this);
      this.setData({ ...update, error: '' });
      this.refreshView();
    },

    onEditAmount() {
      this.setData({ editing: 'amount' });
    },

    onEditTip() {
      this.setData({ editing: 'tip', tip: 'custom' });
      this.refreshView();
    },

    onKey(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const key = event.detail.key;
      if (this.data.busy || !isKey(key)) return;
      if (this.data.editing === 'tip' && this.data.tip === 'custom') {
        const next = applyKey(this.data.customTipInput, key, config.maxAmountCents);
        if (next !== this.data.customTipInput) this.inputsChanged({ customTipInput: next });
      } else {
        const next = applyKey(this.data.amountInput, key, config.maxAmountCents);
        if (next !== this.data.amountInput) this.inputsChanged({ amountInput: next });
      }
    },

    onTipTap(event: WechatMiniprogram.TouchEvent) {
      if (this.data.busy) return;
      const value = String(event.currentTarget.dataset.value);
      if (value === 'custom') {
        this.inputsChanged({ tip: 'custom' });
        this.setData({ editing: 'tip' });
        return;
      }
      const index = Number(value);
      if (!Number.isInteger(index) || index < 0 || index >= config.tipPercents.length) return;
      this.inputsChanged({ tip: index });
      this.setData({ editing: 'amount' });
    },

    async onPay() {
      if (submitting.has(this) || this.data.busy) return;
      const totals = computeTotals(this.data.amountInput, this.data.tip, this.data.customTipInput);
      if (totals.amountCents === null || totals.tipCents === null) return;
      const amountCents = totals.amountCents;
      const tipCents = totals.tipCents;

      let attempt = attempts.get(this);
      if (!attempt || attempt.amountCents !== amountCents || attempt.tipCents !== tipCents) {
        attempt = { requestId: newRequestId(), amountCents, tipCents };
        attempts.set(this, attempt);
      }

      submitting.add(this);
      this.setData({ busy: true, canPay: false, error: '' });
      try {
        const result = await createPayment({ amountCents, tipCents, requestId: attempt.requestId });
        if (result.ok) {
          attempts.delete(this);
          const wallet = await requestPayment(result.payment);
          this.openResult(result.orderId, wallet);
          return;
        }
        if (!RETRY_SAME_ATTEMPT.includes(result.code)) attempts.delete(this);
        this.setData({ error: errorMessage(this.data.t, result.code) });
      } finally {
        submitting.delete(this);
        this.setData({ busy: false });
        this.refreshView();
      }
    },

    openResult(orderId: string, wallet: string) {
      wx.navigateTo({ url: `/pages/result/index?orderId=${encodeURIComponent(orderId)}&wallet=${wallet}&from=pay` });
    },

    onHistory() {
      wx.navigateTo({ url: '/pages/history/index' });
    },

    onMerchant() {
      wx.navigateTo({ url: '/pages/merchant/index' });
    },
  },
});
