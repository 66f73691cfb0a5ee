import { config } from '../../config';
import { getMessages, inLanguage } from '../../i18n/index';
import { amountEntry, pressAmountKey, type AmountEntryCopy } from '../../utils/amount-entry';
import { isKey } from '../../utils/keypad';
import { centsToInput, parseAmount } from '../../utils/money';

const LIMIT = { maxCents: config.maxAmountCents, currency: config.currency, unbroken: true };

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
    valid: false,
    message: { text: '', tone: 'hint' },
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t, merchantName: inLanguage(config.merchantName) });
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
      this.setData(amountEntry(input, LIMIT, this.copy(), error));
    },

    onKey(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const key = event.detail.key;
      if (isKey(key)) this.setData(pressAmountKey(this.data.input, key, LIMIT, this.copy()));
    },

    copy(): AmountEntryCopy {
      return { ...this.data.t.collect, decimals: this.data.t.pay.decimals };
    },

    /** The QR page replaces this one: back from the code leads to the shop page, not to a stale amount. */
    onShowQr() {
      const parsed = parseAmount(this.data.input, { maxCents: config.maxAmountCents });
      if (parsed.ok) wx.redirectTo({ url: `/pages/qr/index?amountCents=${parsed.cents}` });
    },
  },
});
