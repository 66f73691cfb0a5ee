import { errorMessage, getMessages } from '../../i18n/index';
import { listPayments } from '../../services/payments';
import type { OrderView } from '../../services/types';
import { mergeOrders, sortNewestFirst } from '../../utils/order';
import { perInstance } from '../../utils/instance-state';

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
        this.setData({ error: errorMessage(this.data.t, result.code), loading: false });
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
        this.setData({ error: errorMessage(this.data.t, result.code), loading: false });
      }
    },

    onRetry() {
      if (this.data.loaded) this.loadMore();
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
      if (!orderId) return;
      wx.navigateTo({ url: `/pages/result/index?orderId=${encodeURIComponent(orderId)}&from=history` });
    },
  },
});
