import { format, getMessages } from '../../i18n/index';
import { formatMoney } from '../../utils/money';
import { badgeOf } from '../../utils/order';
import { groupOrderNumber } from '../../utils/order-number';
import { formatDateTime } from '../../utils/time';
import type { OrderView } from '../../services/types';

/** One order in a list: amount, state, time, order number, and an optional action (Refund). */
Component({
  properties: {
    order: { type: Object, value: {} },
    /** When set, tapping the row emits `open` with `{ orderId }`. */
    tappable: { type: Boolean, value: false },
    /** The label of a button on the row; tapping it emits `action` with `{ orderId }`. */
    action: { type: String, value: '' },
    actionAria: { type: String, value: '' },
  },
  data: {
    amountText: '',
    stateLabel: '',
    badge: '',
    timeText: '',
    orderId: '',
    numberText: '',
    orderNoLabel: '',
    aria: '',
  },
  observers: {
    order(order: OrderView) {
      if (!order || !order.orderId) return;
      const t = getMessages();
      const amountText = formatMoney(order.totalCents, order.currency);
      const stateLabel = t.states[order.state] ?? order.state;
      const timeText = formatDateTime(order.paidAt ?? order.createdAt);
      this.setData({
        amountText,
        stateLabel,
        badge: badgeOf(order.state),
        timeText,
        orderId: order.orderId,
        numberText: groupOrderNumber(order.orderId),
        orderNoLabel: t.common.orderNo,
        aria: format(t.history.itemAria, { amount: amountText, state: stateLabel, time: timeText }),
      });
    },
  },
  methods: {
    onTap() {
      if (this.data.tappable && this.data.orderId) this.triggerEvent('open', { orderId: this.data.orderId });
    },
    onAction() {
      if (this.data.orderId) this.triggerEvent('action', { orderId: this.data.orderId });
    },
  },
});
