import { loadPaymentSettings } from '../../../server/app/settings';
import { receiptMessage } from '../../../server/payments/receipts';
import { paid } from '../orders/order-fixtures';

const settings = loadPaymentSettings({
  RECEIPT_TEMPLATE_ID: 'tmpl-payment-notice-0001',
  RECEIPT_FIELDS: 'amount:amount1,tip:amount2,time:time3,shop:thing4,order:character_string5',
  RECEIPT_SHOP_NAME: '枫叶咖啡',
}).receipt!;

describe('the payment notice', () => {
  it('puts each part in its keyword: the total and the tip in CAD, the time on the merchant’s clock, the shop, the order number', () => {
    const order = { ...paid(), paidAt: '2026-12-03T22:05:30.000Z' };
    expect(receiptMessage(order, settings, 'America/Vancouver')).toEqual({
      touser: order.openid,
      template_id: 'tmpl-payment-notice-0001',
      page: 'pages/history/index',
      data: {
        amount1: { value: '12.00 CAD' },
        amount2: { value: '2.00 CAD' },
        time3: { value: '2026-12-03 14:05' },
        thing4: { value: '枫叶咖啡' },
        character_string5: { value: order.orderId },
      },
    });
    // summer time: Toronto is four hours behind UTC
    expect(receiptMessage({ ...order, paidAt: '2026-07-01T03:30:00.000Z' }, settings, 'America/Toronto').data.time3.value).toBe('2026-06-30 23:30');
  });

  it('refuses a mapping it cannot use, naming the variable', () => {
    expect(() => loadPaymentSettings({ RECEIPT_TEMPLATE_ID: 'tmpl-payment-notice-0001', RECEIPT_FIELDS: 'time:time1' })).toThrow(/RECEIPT_FIELDS/);
    expect(() => loadPaymentSettings({ RECEIPT_TEMPLATE_ID: 'tmpl-payment-notice-0001', RECEIPT_FIELDS: 'amount:amount1,price:amount2' })).toThrow(/"price:amount2"/);
    expect(() => loadPaymentSettings({ RECEIPT_TEMPLATE_ID: 'tmpl-payment-notice-0001', RECEIPT_FIELDS: 'amount:amount1,shop:thing2' })).toThrow(/RECEIPT_SHOP_NAME/);
    expect(loadPaymentSettings({ RECEIPT_FIELDS: 'anything' }).receipt).toBeNull();
  });
});
