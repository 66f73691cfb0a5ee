import { errorMessage, getMessages } from '../../i18n/index';
import { goToPay, openResult } from '../../services/navigation';
import { listPayments } from '../../services/payments';
import type { OrderView } from '../../services/types';
import { perInstance } from '../../utils/instance-state';
import { mergeOrders, sortNewestFirst } from '../../utils/order';

const PAGE_SIZE = 20;

interface ListState {
  cursor?: string;
  /** Bumped by a refresh so a late "load more" answer cannot mix into the new list. */
  generation: number;
}

const listState = perInstance<ListState>(() => ({ generation: 0 }));

Component({
  data: {
    t: getMessages(),
    orders: [] as OrderView[],
    loaded: false,
    loading: false,
    hasMore: false,
    error: '',
    /** Where the error shows: at the top for the list itself, at the bottom for the next page. */
    errorAt: 'top' as 'top' | 'bottom',
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.history.title });
      this.reload();
    },
  },

  methods: {
    /** The first page again, replacing the list. */
    async reload() {
      const state = listState(this);
      const generation = ++state.generation;
      this.setData({ loading: true, error: '' });
      const result = await listPayments(undefined, PAGE_SIZE);
      if (state.generation !== generation) return;
      if (result.ok) {
        state.cursor = result.nextCursor;
        this.setData({ orders: sortNewestFirst(result.orders), hasMore: Boolean(result.nextCursor), loaded: true, loading: false });
      } else {
        this.setData({ error: errorMessage(this.data.t, result.code), errorAt: 'top', loading: false });
      }
    },

    async loadMore() {
      const state = listState(this);
      if (this.data.loading || !this.data.hasMore || !state.cursor) return;
      const generation = state.generation;
      this.setData({ loading: true, error: '' });
      const result = await listPayments(state.cursor, PAGE_SIZE);
      if (state.generation !== generation) return;
      if (result.ok) {
        state.cursor = result.nextCursor;
        this.setData({ orders: mergeOrders(this.data.orders, result.orders), hasMore: Boolean(result.nextCursor), loading: false });
      } else {
        this.setData({ error: errorMessage(this.data.t, result.code), errorAt: 'bottom', loading: false });
      }
    },

    /** Retries what failed: the list (refresh) or the next page. */
    onRetry() {
      if (this.data.errorAt === 'bottom') this.loadMore();
      else this.reload();
    },

    onReachBottom() {
      this.loadMore();
    },

    async onPullDownRefresh() {
      try {
        await this.reload();
      } finally {
        wx.stopPullDownRefresh();
      }
    },

    onOpen(event: WechatMiniprogram.CustomEvent<{ orderId: string }>) {
      const orderId = event.detail.orderId;
      if (orderId) openResult(orderId, 'history');
    },

    onGoPay() {
      goToPay();
    },

    onStaffEntry() {
      wx.navigateTo({ url: '/pages/merchant/index' });
    },
  },
});
