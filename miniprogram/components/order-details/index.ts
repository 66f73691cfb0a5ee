import { format, getMessages } from '../../i18n/index';
import { copyText } from '../../services/device';
import { toast } from '../../services/dialog';
import type { OrderView } from '../../services/types';
import { formatMoney } from '../../utils/money';
import { groupOrderNumber } from '../../utils/order-number';
import { formatDateTime } from '../../utils/time';

interface Row {
  id: string;
  label: string;
  value: string;
}

/**
 * The facts of one order, as a receipt: amount and tip, total, time, refunds, and the order number
 * with a Copy button. Given only `orderId` (the order not known yet), just the order number.
 * `part` shows only the order number ('number') or everything but it ('facts').
 */
Component({
  properties: {
    order: { type: Object, value: {} },
    orderId: { type: String, value: '' },
    /** Leave out the total (a page that already shows it large). */
    hideTotal: { type: Boolean, value: false },
    /** Only the time and the order number (the amounts are shown above it). */
    brief: { type: Boolean, value: false },
    part: { type: String, value: 'all' },
  },
  data: {
    rows: [] as Row[],
    number: '',
    numberText: '',
    orderNoLabel: '',
    copyLabel: '',
    copyAria: '',
  },
  observers: {
    'order, orderId, hideTotal, brief, part'(order: OrderView, orderId: string, hideTotal: boolean, brief: boolean, part: string) {
      const t = getMessages();
      const number = order?.orderId || orderId;
      const rows: Row[] = [];
      if (order?.orderId && part !== 'number') {
        const money = (cents: number) => formatMoney(cents, order.currency);
        if (order.tipCents > 0 && !brief) {
          rows.push({ id: 'detail-amount', label: t.common.amount, value: money(order.amountCents) });
          rows.push({ id: 'detail-tip', label: t.common.tip, value: money(order.tipCents) });
        }
        if (!hideTotal && !brief) rows.push({ id: 'detail-total', label: t.common.total, value: money(order.totalCents) });
        if (order.refundedCents > 0) rows.push({ id: 'detail-refunded', label: t.common.refunded, value: money(order.refundedCents) });
        const paid = formatDateTime(order.paidAt);
        rows.push(paid ? { id: 'detail-time', label: t.common.paidAt, value: paid } : { id: 'detail-time', label: t.common.createdAt, value: formatDateTime(order.createdAt) });
      }
      this.setData({ rows, number, numberText: groupOrderNumber(number), orderNoLabel: t.common.orderNo, copyLabel: t.common.copy, copyAria: format(t.common.copyAria, { orderId: number }) });
    },
  },
  methods: {
    async onCopy() {
      if (this.data.number && !(await copyText(this.data.number))) toast(getMessages().common.copyFailed);
    },
  },
});
