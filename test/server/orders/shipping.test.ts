import { loadPaymentSettings, SettingsError } from '../../../server/app/settings';
import { recordShippingAnswers, shippingInfo, SHIPPING_GIVE_UP_AFTER, SHIPPING_RETRY_MS } from '../../../server/orders/shipping';
import type { Order } from '../../../server/orders/model';
import type { UploadAnswer } from '../../../server/wechat/shipping-api';
import { at, created, issued, paid, T0 } from './order-fixtures';

const REFUSED: UploadAnswer = { kind: 'refused', errcode: 10060001, errmsg: '支付单不存在' };
const answer = (order: Order, a: UploadAnswer) => new Map([[order.attempts[0].ottOrderId, a]]);

describe('shipping information of a payment', () => {
  it('is due from the moment a mini-program payment is recorded, in that same change', () => {
    const order = paid();
    expect(order.state).toBe('PAID');
    expect(order.shippingDueAt).toBe(at(30).at);
    expect(issued().shippingDueAt).toBeUndefined();
    const qr = paid(issued({ ...created(), channel: 'QR' }));
    expect(qr.shippingDueAt).toBeUndefined();
  });

  it('is described as WeChat asks: by transaction id, or by merchant id and order number; picked up or virtual', () => {
    const order = paid();
    const attempt = { ...order.attempts[0], bizpayOrderId: '4200001234202603021234567890' };
    const settings = loadPaymentSettings({ WECHAT_SHIPPING_UPLOAD: 'virtual', SHIPPING_ITEM_DESC: '咖啡' }).shipping!;
    expect(shippingInfo(order, attempt, settings, new Date(T0))).toEqual({
      order_key: { order_number_type: 2, transaction_id: '4200001234202603021234567890' },
      logistics_type: 3,
      delivery_mode: 1,
      shipping_list: [{ item_desc: '咖啡' }],
      upload_time: '2026-03-02T15:00:00.000Z',
      payer: { openid: 'o-unit-payer' },
    });
    expect(shippingInfo(order, order.attempts[0], settings, new Date(T0))).toEqual({ missing: expect.stringContaining('bizpay_order_id') });
    const byMerchant = loadPaymentSettings({ WECHAT_SHIPPING_UPLOAD: 'self-pickup', SHIPPING_ORDER_KEY: 'out-trade-no', WECHAT_PAY_MCHID: '1900000109' }).shipping!;
    expect(shippingInfo(order, order.attempts[0], byMerchant, new Date(T0))).toMatchObject({ order_key: { order_number_type: 1, mchid: '1900000109', out_trade_no: order.attempts[0].ottOrderId }, logistics_type: 4 });
  });

  it('refuses settings it cannot use, naming each', () => {
    expect(loadPaymentSettings({}).shipping).toBeNull();
    expect(() => loadPaymentSettings({ WECHAT_SHIPPING_UPLOAD: 'yes' })).toThrow(SettingsError);
    expect(() => loadPaymentSettings({ WECHAT_SHIPPING_UPLOAD: 'self-pickup', SHIPPING_ORDER_KEY: 'out-trade-no' })).toThrow(/WECHAT_PAY_MCHID/);
    expect(() => loadPaymentSettings({ WECHAT_SHIPPING_UPLOAD: 'self-pickup', SHIPPING_ITEM_DESC: 'x'.repeat(121) })).toThrow(/SHIPPING_ITEM_DESC/);
  });

  it('accepted: recorded on the attempt with its history entry, and nothing is due', () => {
    const order = paid();
    const next = recordShippingAnswers(order, answer(order, { kind: 'accepted' }), at(300, 'sweep'))!;
    expect(next).toMatchObject({ shippingDueAt: null, shippingFailures: 0, shippingError: null, state: 'PAID', amountCents: order.amountCents });
    expect(next.attempts[0].shippingUploadedAt).toBe(at(300).at);
    expect(next.history.at(-1)).toMatchObject({ event: 'shipping.uploaded', attempt: order.attempts[0].ottOrderId, cause: 'sweep' });
  });

  it('refused: tried again after a growing wait, and left to a person after the last try', () => {
    let order = paid();
    const waits: number[] = [];
    for (let failure = 1; failure <= SHIPPING_GIVE_UP_AFTER; failure++) {
      const now = at(1000 * failure, 'sweep');
      order = recordShippingAnswers(order, answer(order, REFUSED), now)!;
      expect(order.shippingFailures).toBe(failure);
      if (order.shippingDueAt !== null) waits.push(Date.parse(order.shippingDueAt!) - Date.parse(now.at));
    }
    expect(waits.slice(0, 5)).toEqual([...SHIPPING_RETRY_MS]);
    expect(waits).toHaveLength(SHIPPING_GIVE_UP_AFTER - 1);
    expect(order).toMatchObject({ shippingDueAt: null, shippingError: 'errcode 10060001: 支付单不存在' });
    expect(order.attempts[0].shippingUploadedAt).toBeUndefined();
    expect(order.history.filter((h) => h.event === 'shipping.uploaded')).toEqual([]);
  });

  it('"cannot be shipped" (refunded, or shipped already) ends it as settled', () => {
    const order = paid();
    const next = recordShippingAnswers(order, answer(order, { kind: 'refused', errcode: 10060004, errmsg: '支付单处于不可发货的状态' }), at(300, 'sweep'))!;
    expect(next.shippingDueAt).toBeNull();
    expect(next.history.at(-1)).toMatchObject({ event: 'shipping.uploaded', detail: { errcode: 10060004 } });
  });
});
