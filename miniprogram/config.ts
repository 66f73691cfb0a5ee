/**
 * The one file a merchant edits. Nothing here is confidential: signing and merchant
 * credentials live only in the cloud functions.
 */
export const config = {
  /** Cloud Development environment id, from the WeChat DevTools cloud console. */
  cloudEnv: 'your-cloud-env-id',
  /** Largest amount (and largest tip) one payment may carry, in cents. Must equal the functions' MAX_AMOUNT_CENTS. */
  maxAmountCents: 1_000_000,
  /** Tip choices offered on the pay page, in percent of the amount; 0 means "no tip". */
  tipPercents: [0, 10, 15, 20] as readonly number[],
  currency: 'CAD' as const,
};
