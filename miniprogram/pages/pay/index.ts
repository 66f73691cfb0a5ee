import { config } from '../../config';
import { errorMessage, format, getMessages, inLanguage, type Messages } from '../../i18n/index';
import { forgetAttempt, outcomeNow, pay, watchLatePayment } from '../../services/checkout';
import { callPhone, inDevTools, openPrivacyGuide } from '../../services/device';
import { confirmDialog, toast } from '../../services/dialog';
import { askForReceipt } from '../../services/subscription';
import { openResult } from '../../services/navigation';
import { getExchangeRateE8 } from '../../services/rate';
import { estimateFen } from '../../utils/cny';
import { perInstance } from '../../utils/instance-state';
import { isKey, type KeyRefusal } from '../../utils/keypad';
import { formatCents, formatMoneyUnbroken as money } from '../../utils/money';
import { chooseTip, EMPTY_FORM, totalsOf, typeKey, type Field, type PayForm, type PayLimits, type TipSelection } from '../../utils/pay-form';
import { sampleValueProblems } from '../../utils/sample-config';
import { tipNeedsConfirmation, tipPercentOf } from '../../utils/tip';

const LIMITS: PayLimits = { maxAmountCents: config.maxAmountCents, maxTipCents: config.maxAmountCents, tipPercents: config.tipPercents };

type Tone = 'hint' | 'notice' | 'success' | 'warn' | 'error';

/** What the line above the keypad says when it is not the limit hint. */
interface Note {
  text: string;
  tone: Tone;
  /** "View" the last payment. */
  link: boolean;
}

interface TipOption {
  id: string;
  value: string;
  label: string;
  aria: string;
  selected: boolean;
}

/** The payment last handed to the wallet: the one the payer must not pay twice. */
interface LastPayment {
  orderId: string;
  form: PayForm;
  totalText: string;
}

interface PageState {
  submitting: boolean;
  /** The payer's answer to the payment notice, for these amounts: asked once, not again on a retry. */
  receipt?: { amounts: string; wanted: boolean };
  /** Bumped to stop a watch for a late payment. */
  watch: number;
  last?: LastPayment;
}

const pageState = perInstance<PageState>(() => ({ submitting: false, watch: 0 }));

function tipOptions(t: Messages, form: PayForm): TipOption[] {
  const options: TipOption[] = LIMITS.tipPercents.map((percent, index) => {
    const label = percent === 0 ? t.pay.tipNone : format(t.pay.tipPercent, { percent });
    return { id: `tip-${percent}`, value: String(index), label, aria: format(t.pay.tipAria, { choice: label }), selected: form.tip === index };
  });
  options.push({ id: 'tip-custom', value: 'custom', label: t.pay.tipCustom, aria: format(t.pay.tipAria, { choice: t.pay.tipCustom }), selected: form.tip === 'custom' });
  return options;
}

function refusalText(t: Messages, field: Field, reason: KeyRefusal): string {
  if (reason === 'DECIMALS') return t.pay.decimals;
  const limit = money(field === 'tip' ? LIMITS.maxTipCents : LIMITS.maxAmountCents, config.currency);
  return format(field === 'tip' ? t.pay.tipOverMax : t.pay.overMax, { amount: limit });
}

Component({
  data: {
    t: getMessages(),
    merchantName: '',
    about: '',
    /** WeChat customer service (open-type="contact") rather than the phone. */
    contactService: false,
    contactAria: '',
    /** config.ts still holds this repository's sample shop: said on the page, so no one mistakes it for a real one. */
    isSample: false,
    /** In DevTools, what config.ts still needs (check:miniprogram's words): the developer sees it before uploading. */
    configProblems: [] as string[],
    currency: config.currency,
    form: EMPTY_FORM,
    tipOptions: [] as TipOption[],
    amountAria: '',
    tipText: '',
    tipFieldAria: '',
    totalText: '',
    cnyText: '',
    cnyAria: '',
    paySub: '',
    payAria: '',
    canPay: false,
    busy: false,
    note: null as Note | null,
    message: { text: '', tone: 'hint' as Tone, link: false },
    /** Contact and Privacy, on the line above the keypad until an amount is typed. */
    shopLinks: true,
    rateE8: null as number | null,
    rateUnavailable: false,
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({
        t,
        merchantName: inLanguage(config.merchantName),
        about: inLanguage(config.about),
        contactService: config.contact.customerService,
        contactAria: config.contact.customerService ? t.pay.contactServiceAria : format(t.pay.contactAria, { phone: config.contact.phone }),
        isSample: sampleValueProblems(config).length > 0,
        configProblems: inDevTools() ? sampleValueProblems(config) : [],
      });
      wx.setNavigationBarTitle({ title: t.pay.title });
      this.refreshView();
      this.loadRate();
    },
    detached() {
      pageState(this).watch++;
    },
  },

  methods: {
    /** Back on this page (from the Result page, say): the last payment is not offered again. */
    onShow() {
      this.reviewLastPayment();
    },

    async loadRate() {
      const rateE8 = await getExchangeRateE8();
      this.setData({ rateE8, rateUnavailable: rateE8 === null });
      this.refreshView();
    },

    /** Recomputes everything shown from the form. */
    refreshView() {
      const { t, form, rateE8, rateUnavailable, busy, note } = this.data;
      const { amountCents, tipCents, totalCents } = totalsOf(form, LIMITS);
      const cad = (cents: number) => money(cents, config.currency);
      const totalText = totalCents === null ? '' : cad(totalCents);
      const withTip = amountCents !== null && tipCents !== null && tipCents > 0;
      const fen = totalCents !== null && rateE8 !== null ? estimateFen(totalCents, rateE8) : null;
      const fenText = fen === null ? '' : formatCents(fen, true);
      const hint = { text: format(t.pay.maxHint, { amount: cad(LIMITS.maxAmountCents) }), tone: 'hint' as Tone, link: false };
      this.setData({
        tipOptions: tipOptions(t, form),
        amountAria: format(t.pay.amountAria, { amount: form.amountInput || '0' }),
        tipText: amountCents === null || tipCents === null ? '—' : cad(tipCents),
        tipFieldAria: format(t.pay.tipCustomAria, { amount: form.customTipInput || '0' }),
        totalText: totalText || '—',
        cnyText: fenText ? format(t.pay.cnyEstimate, { amount: fenText }) : rateUnavailable ? t.pay.rateUnavailable : '',
        cnyAria: fenText ? format(t.pay.cnyAria, { amount: fenText }) : '',
        paySub: withTip ? format(t.pay.paySubTip, { amount: cad(amountCents), tip: formatCents(tipCents, true) }) : totalText,
        payAria: !totalText ? t.pay.payKey : withTip ? format(t.pay.payTipAria, { total: totalText, amount: cad(amountCents), tip: cad(tipCents) }) : format(t.pay.payAria, { amount: totalText }),
        canPay: totalCents !== null && !busy,
        message: busy ? { text: t.pay.paying, tone: 'hint', link: false } : note ?? hint,
        // on the first screen, beside the limit hint: once an amount is typed, or a notice shows, the line is theirs
        shopLinks: !busy && note === null && form.amountInput === '',
      });
    },

    /** New amounts: a new attempt, and whatever was said about the old ones is gone. */
    setForm(form: PayForm, note: Note | null = null) {
      forgetAttempt(this);
      this.setData({ form, note });
      this.refreshView();
    },

    setNote(note: Note | null) {
      this.setData({ note });
      this.refreshView();
    },

    onEditAmount() {
      if (this.data.busy) return;
      this.setData({ 'form.editing': 'amount' });
    },

    onEditTip() {
      if (this.data.busy || this.data.form.tip !== 'custom') return;
      this.setData({ 'form.editing': 'tip' });
    },

    /** A tip far above the usual share, as a forgotten decimal point makes it, is confirmed first. */
    async tipConfirmed(amountCents: number, tipCents: number, totalCents: number): Promise<boolean> {
      if (!tipNeedsConfirmation(amountCents, tipCents, config.tipConfirmPercent)) return true;
      const { pay: t, dialog, common } = this.data.t;
      const cad = (cents: number) => money(cents, config.currency);
      const answer = await confirmDialog({
        title: format(t.bigTipTitle, { tip: cad(tipCents) }),
        content: format(t.bigTipBody, { percent: tipPercentOf(amountCents, tipCents), amount: cad(amountCents), total: cad(totalCents) }),
        confirmText: dialog.pay,
        cancelText: dialog.editTip,
      });
      if (answer === 'failed') toast(common.dialogFailed);
      if (answer !== 'yes' && this.data.form.tip === 'custom') this.setData({ 'form.editing': 'tip' });
      return answer === 'yes';
    },

    onKey(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const key = event.detail.key;
      if (this.data.busy || !isKey(key)) return;
      const { t, form } = this.data;
      const typed = typeKey(form, key, LIMITS);
      if (typed.refused) this.setNote({ text: refusalText(t, typed.refused.field, typed.refused.reason), tone: 'error', link: false });
      else if (typed.form.amountInput !== form.amountInput || typed.form.customTipInput !== form.customTipInput) this.setForm(typed.form);
    },

    onTipTap(event: WechatMiniprogram.TouchEvent) {
      if (this.data.busy) return;
      const value = String(event.currentTarget.dataset.value);
      const index = Number(value);
      if (value !== 'custom' && !(Number.isInteger(index) && index >= 0 && index < LIMITS.tipPercents.length)) return;
      const tip: TipSelection = value === 'custom' ? 'custom' : index;
      const next = chooseTip(this.data.form, tip);
      if (tip !== this.data.form.tip) {
        this.setForm(next);
        return;
      }
      this.setData({ form: next });
      this.refreshView();
    },

    async onPay() {
      const state = pageState(this);
      if (state.submitting || this.data.busy) return;
      const form = this.data.form;
      const totals = totalsOf(form, LIMITS);
      if (totals.amountCents === null || totals.tipCents === null || totals.totalCents === null) return;
      const totalText = money(totals.totalCents, config.currency);
      const t = this.data.t;

      state.submitting = true;
      // WeChat asks about the notice only from the tap itself: first, before any other dialog
      const amounts = `${totals.amountCents}+${totals.tipCents}`;
      if (config.receiptTemplateId && state.receipt?.amounts !== amounts) {
        state.receipt = { amounts, wanted: await askForReceipt(config.receiptTemplateId) };
      }
      if (!(await this.tipConfirmed(totals.amountCents, totals.tipCents, totals.totalCents))) {
        state.submitting = false;
        return;
      }
      state.watch++;
      this.setData({ busy: true, note: null });
      this.refreshView();
      try {
        const step = await pay(this, totals.amountCents, totals.tipCents, state.receipt?.amounts === amounts && state.receipt.wanted);
        if (step.kind === 'walletPaid') {
          state.last = { orderId: step.orderId, form, totalText };
          this.setForm(EMPTY_FORM);
          openResult(step.orderId, 'pay');
        } else if (step.kind === 'walletClosed') {
          this.setNote(step.wallet === 'cancel' ? { text: t.pay.walletCancelled, tone: 'notice', link: false } : { text: t.pay.walletFailed, tone: 'error', link: false });
          this.watchLatePayment({ orderId: step.orderId, form, totalText });
        } else {
          this.setNote({ text: errorMessage(t, step.code), tone: 'error', link: false });
        }
      } finally {
        state.submitting = false;
        this.setData({ busy: false });
        this.refreshView();
      }
    },

    /** The wallet closed unpaid: if the payment goes through after all, the payer sees it. */
    async watchLatePayment(payment: LastPayment) {
      const state = pageState(this);
      const watch = ++state.watch;
      const order = await watchLatePayment(payment.orderId, () => state.watch !== watch);
      if (!order || state.watch !== watch) return;
      state.last = payment;
      this.setForm(EMPTY_FORM);
      openResult(payment.orderId, 'pay');
    },

    async reviewLastPayment() {
      const state = pageState(this);
      const last = state.last;
      if (!last || this.data.form.amountInput !== '' || this.data.busy) return;
      const t = this.data.t;
      const notice = (text: string, tone: Tone = 'warn') => this.setNote({ text: format(text, { amount: last.totalText }), tone, link: true });
      notice(t.pay.lastUnknown);
      const outcome = await outcomeNow(last.orderId);
      if (state.last !== last || this.data.form.amountInput !== '') return;
      if (outcome === 'notPaid') {
        state.last = undefined;
        this.setForm(last.form, { text: format(t.pay.lastNotPaid, { amount: last.totalText }), tone: 'warn', link: false });
      } else if (outcome === 'paid') notice(t.pay.lastPaid, 'success');
      else if (outcome === 'pending') notice(t.pay.lastPending);
      else if (outcome === 'review') notice(t.pay.lastReview);
    },

    onMessageLink() {
      const last = pageState(this).last;
      if (last) openResult(last.orderId, 'pay');
    },

    onHistory() {
      wx.navigateTo({ url: '/pages/history/index' });
    },

    onContact() {
      callPhone(config.contact.phone);
    },

    async onPrivacy() {
      if (!(await openPrivacyGuide())) toast(this.data.t.pay.privacyFailed);
    },
  },
});
