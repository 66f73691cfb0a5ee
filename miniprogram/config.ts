/**
 * The one file a merchant edits. Nothing here is confidential: signing and merchant
 * credentials live only in the cloud functions.
 */
export const config = {
  /** Cloud Development environment id, from the WeChat DevTools cloud console. */
  cloudEnv: 'your-cloud-env-id',
  /** The shop's name as payers know it, shown on the Pay, Result and QR code pages. */
  merchantName: { zh: '枫叶咖啡', en: 'Maple Leaf Café' },
  /** One short line under the name on the Pay page: what the shop sells, or where it is. */
  about: { zh: '咖啡与烘焙 · 温哥华', en: 'Coffee & pastries · Vancouver' },
  /**
   * How a payer reaches the shop from an unsettled payment. `customerService: true` opens WeChat
   * customer service (enable it in the mini-program admin console); otherwise `phone` is dialled.
   */
  contact: { phone: '+1 604-555-0123', customerService: false },
  /**
   * The payment notice's subscription-message template (订阅消息), the same as the functions'
   * RECEIPT_TEMPLATE_ID; '' asks nobody and sends nothing.
   */
  receiptTemplateId: '',
  /** Largest amount (and largest tip) one payment may carry, in cents. Must equal the functions' MAX_AMOUNT_CENTS. */
  maxAmountCents: 1_000_000,
  /** Tip choices offered on the pay page, in percent of the amount; 0 means "no tip". */
  tipPercents: [0, 10, 15, 20] as readonly number[],
  /** A tip above this share of the amount, in percent, is confirmed by the payer before paying. */
  tipConfirmPercent: 30,
  currency: 'CAD' as const,
};
