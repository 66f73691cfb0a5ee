import { config } from '../../config';
import { format, getMessages, merchantName } from '../../i18n/index';
import { isKey, pressKey } from '../../utils/keypad';
import { centsToInput, formatMoney, parseAmount } from '../../utils/money';

/** Staff type the amount a customer is to pay by scanning; the QR page makes the code. */
Component({
  data: {
    t: getMessages(),
    merchantName: '',
    currency: config.currency,
    input: '',
    amountAria: '',
    keySub: '',
    keyAria: '',
    canShow: false,
    message: { text: '', tone: 'hint' },
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t, merchantName: merchantName(config.merchantName) });
      wx.setNavigationBarTitle({ title: t.collect.title });
      this.setInput('');
    },
  },

  methods: {
    /** "Change amount" from the QR page comes back with the amount. */
    onLoad(query: Record<string, string | undefined>) {
      const cents = Number(query.amountCents);
      if (Number.isSafeInteger(cents) && cents > 0 && cents <= config.maxAmountCents) this.setInput(centsToInput(cents));
    },

    setInput(input: string, error = '') {
      const t = this.data.t;
      const parsed = parseAmount(input, { maxCents: config.maxAmountCents });
      const amountText = parsed.ok ? formatMoney(parsed.cents, config.currency) : '';
      this.setData({
        input,
        amountAria: format(t.collect.amountAria, { amount: input || '0' }),
        keySub: amountText,
        keyAria: amountText ? format(t.collect.keyAria, { amount: amountText }) : t.collect.key,
        canShow: parsed.ok,
        message: error ? { text: error, tone: 'error' } : { text: format(t.collect.hint, { amount: formatMoney(config.maxAmountCents, config.currency) }), tone: 'hint' },
      });
    },

    onKey(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const key = event.detail.key;
      if (!isKey(key)) return;
      const t = this.data.t;
      const result = pressKey(this.data.input, key, config.maxAmountCents);
      const limit = formatMoney(config.maxAmountCents, config.currency);
      if (result.refused) this.setInput(result.input, result.refused === 'DECIMALS' ? t.pay.decimals : format(t.collect.overMax, { amount: limit }));
      else this.setInput(result.input);
    },

    /** The QR page replaces this one: back from the code leads to the shop page, not to a stale amount. */
    onShowQr() {
      const parsed = parseAmount(this.data.input, { maxCents: config.maxAmountCents });
      if (parsed.ok) wx.redirectTo({ url: `/pages/qr/index?amountCents=${parsed.cents}` });
    },
  },
});
