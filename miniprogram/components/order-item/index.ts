import { format, getMessages } from '../../i18n/index';
import { formatMoney } from '../../utils/money';
import { formatDateTime } from '../../utils/time';
import type { OrderView } from '../../services/types';

/** One order in a list: amount, state, time, order number. Actions go in the slot. */
Component({
  properties: {
    order: { type: Object, value: {} },
    /** When set, tapping the row emits `open` with `{ orderId }`. */
    tappable: { type: Boolean, value: false },
  },
  data: {
    amountText: '',
    stateLabel: '',
    stateClass: '',
    timeText: '',
    orderId: '',
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
        stateClass: `state--${String(order.state).toLowerCase()}`,
        timeText,
        orderId: order.orderId,
        aria: format(t.history.itemAria, { amount: amountText, state: stateLabel, time: timeText }),
      });
    },
  },
  methods: {
    onTap() {
      if (this.data.tappable && this.data.orderId) this.triggerEvent('open', { orderId: this.data.orderId });
    },
  },
});
