import { config } from '../../config';
import { errorMessage, format, getMessages } from '../../i18n/index';
import { copyText } from '../../services/device';
import { toast } from '../../services/dialog';
import { getMerchantSummary } from '../../services/merchant';
import type { DailyTakings, OrderView, StaffOrderView } from '../../services/types';
import { formatMoney } from '../../utils/money';
import { normalizeOrderNumber } from '../../utils/order-number';
import { refundableCents } from '../../utils/order';
import { hasOpenRefund } from '../../utils/refunds';

type Status = 'loading' | 'forbidden' | 'error' | 'staff';

interface Row {
  orderId: string;
  order: OrderView;
  action: string;
  actionAria: string;
}

interface TodayView {
  title: string;
  paidCount: number;
  grossText: string;
  refundedText: string;
  netText: string;
  /** Orders in review with money held, apart from the figures above; '' when there are none. */
  reviewText: string;
}

type RowAction = 'refund' | 'refundStatus' | '';

/** Today's takings, today's orders, and an order found by its number: the way into refunds and collect by QR. */
Component({
  data: {
    t: getMessages(),
    status: 'loading' as Status,
    errorText: '',
    today: null as TodayView | null,
    rows: [] as Row[],
    find: { input: '', busy: false, error: '', found: null as Row | null },
    /** The caller's own user id, shown with Copy when they are not staff yet. */
    userId: '',
    /** Owners also manage the staff list. */
    isOwner: false,
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.merchant.title });
      this.load();
    },
  },

  methods: {
    /** Back from a refund or a QR code: the figures may have changed. */
    onShow() {
      if (this.data.status === 'staff') this.load();
    },

    async onPullDownRefresh() {
      try {
        await this.load();
      } finally {
        wx.stopPullDownRefresh();
      }
    },

    rowFor(order: OrderView, action: RowAction): Row {
      const t = this.data.t;
      const amount = formatMoney(order.totalCents, order.currency);
      return {
        orderId: order.orderId,
        order,
        action: action ? t.merchant[action] : '',
        actionAria: action === 'refund' ? format(t.merchant.refundAria, { amount }) : action ? format(t.merchant.refundStatusAria, { amount }) : '',
      };
    },

    /** An order found by its number: the server says what may be refunded, and a refund may be waiting. */
    foundRow(order: StaffOrderView): Row {
      return this.rowFor(order, hasOpenRefund(order) ? 'refundStatus' : order.refundableCents > 0 ? 'refund' : '');
    },

    showSummary(today: DailyTakings, recent: OrderView[]) {
      const money = (cents: number) => formatMoney(cents, config.currency);
      this.setData({
        status: 'staff',
        errorText: '',
        today: {
          title: format(this.data.t.merchant.today, { date: today.date }),
          paidCount: today.paidCount,
          grossText: money(today.grossCents),
          refundedText: money(today.refundedCents),
          netText: money(today.netCents),
          reviewText: today.reviewCount > 0 ? format(this.data.t.merchant.reviewLine, { count: today.reviewCount, amount: money(today.reviewHeldCents) }) : '',
        },
        rows: recent.map((order) => this.rowFor(order, refundableCents(order) > 0 ? 'refund' : '')),
      });
    },

    async load() {
      if (this.data.status !== 'staff') this.setData({ status: 'loading', errorText: '' });
      const result = await getMerchantSummary();
      if (result.ok) {
        this.showSummary(result.today, result.recent);
        this.setData({ isOwner: result.role === 'owner' });
      }
      else if (result.code === 'FORBIDDEN') this.setData({ status: 'forbidden', today: null, rows: [], userId: result.userId ?? '' });
      else this.setData({ status: this.data.status === 'staff' ? 'staff' : 'error', errorText: errorMessage(this.data.t, result.code) });
    },

    onRefresh() {
      this.load();
    },

    async onCopyUserId() {
      if (!(await copyText(this.data.userId))) toast(this.data.t.common.copyFailed);
    },

    onFindInput(event: WechatMiniprogram.Input) {
      this.setData({ 'find.input': event.detail.value, 'find.error': '' });
    },

    async onFind() {
      const t = this.data.t;
      if (this.data.find.busy) return;
      const orderId = normalizeOrderNumber(this.data.find.input);
      if (!orderId) {
        this.setData({ 'find.error': t.merchant.findInvalid, 'find.found': null });
        return;
      }
      this.setData({ 'find.busy': true, 'find.error': '' });
      const result = await getMerchantSummary(orderId);
      this.setData({ 'find.busy': false });
      if (!result.ok) {
        this.setData({ 'find.error': errorMessage(t, result.code), 'find.found': null });
        return;
      }
      this.showSummary(result.today, result.recent);
      this.setData({ 'find.found': result.order ? this.foundRow(result.order) : null });
    },

    onRefund(event: WechatMiniprogram.CustomEvent<{ orderId: string }>) {
      const orderId = event.detail.orderId;
      if (orderId) wx.navigateTo({ url: `/pages/refund/index?orderId=${encodeURIComponent(orderId)}` });
    },

    onCollect() {
      wx.navigateTo({ url: '/pages/collect/index' });
    },

    onCounter() {
      wx.navigateTo({ url: '/pages/counter/index' });
    },

    onStaff() {
      wx.navigateTo({ url: '/pages/staff/index' });
    },
  },
});
