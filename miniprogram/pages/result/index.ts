import { errorMessage, format, getMessages } from '../../i18n/index';
import type { WalletOutcome } from '../../services/payments';
import { pollOrder } from '../../services/poll';
import type { OrderView } from '../../services/types';
import { PAYMENT_BACKOFF, type Backoff } from '../../utils/backoff';
import { formatMoney } from '../../utils/money';
import { outcomeOf } from '../../utils/order';
import { formatDateTime } from '../../utils/time';

type View = 'confirming' | 'paid' | 'pending' | 'notPaid' | 'cancelled' | 'walletFailed' | 'review' | 'error';

/** After a cancelled or failed wallet the order is checked briefly, in case it went through anyway. */
const AFTER_WALLET_BACKOFF: Backoff = { initialMs: 1000, factor: 1.5, capMs: 2000, totalMs: 4000 };

interface PageState {
  orderId: string;
  wallet: WalletOutcome | 'pending' | '';
  from: string;
  /** Bumped to abandon a running poll (page closed, or a new check started). */
  generation: number;
}

const states = new WeakMap<object, PageState>();

function walletOf(value: string | undefined): PageState['wallet'] {
  return value === 'ok' || value === 'cancel' || value === 'fail' || value === 'pending' ? value : '';
}

Component({
  data: {
    t: getMessages(),
    view: 'confirming' as View,
    orderId: '',
    amountText: '',
    tipText: '',
    totalText: '',
    paidAtText: '',
    refundedText: '',
    errorText: '',
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.result.title });
    },
    detached() {
      const state = states.get(this);
      if (state) state.generation++;
    },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const orderId = query.orderId ? decodeURIComponent(query.orderId) : '';
      states.set(this, { orderId, wallet: walletOf(query.wallet), from: query.from ?? '', generation: 0 });
      this.setData({ orderId });
      if (!orderId) {
        this.setData({ view: 'error', errorText: this.data.t.result.missingOrder });
        return;
      }
      this.check();
    },

    onUnload() {
      const state = states.get(this);
      if (state) state.generation++;
    },

    showOrder(order: OrderView) {
      this.setData({
        amountText: formatMoney(order.amountCents, order.currency),
        tipText: order.tipCents > 0 ? formatMoney(order.tipCents, order.currency) : '',
        totalText: formatMoney(order.totalCents, order.currency),
        paidAtText: formatDateTime(order.paidAt),
        refundedText: order.refundedCents > 0 ? format(this.data.t.result.refundedNote, { amount: formatMoney(order.refundedCents, order.currency) }) : '',
      });
    },

    async check() {
      const state = states.get(this);
      if (!state || !state.orderId) return;
      const generation = ++state.generation;
      const afterWallet = state.wallet === 'cancel' || state.wallet === 'fail';
      this.setData({ view: 'confirming', errorText: '' });

      const outcome = await pollOrder(state.orderId, {
        backoff: afterWallet ? AFTER_WALLET_BACKOFF : PAYMENT_BACKOFF,
        isCancelled: () => state.generation !== generation,
        onUpdate: (order) => this.showOrder(order),
      });

      switch (outcome.kind) {
        case 'cancelled':
          return;
        case 'settled': {
          const result = outcomeOf(outcome.order.state);
          this.setData({ view: result === 'pending' ? 'pending' : result });
          return;
        }
        case 'timeout':
          if (state.wallet === 'cancel') this.setData({ view: 'cancelled' });
          else if (state.wallet === 'fail') this.setData({ view: 'walletFailed' });
          else this.setData({ view: 'pending', errorText: outcome.lastFailure ? errorMessage(this.data.t, outcome.lastFailure.code) : '' });
          return;
        case 'error':
          this.setData({
            view: 'error',
            errorText: outcome.failure.code === 'NOT_FOUND' ? this.data.t.result.missingOrder : errorMessage(this.data.t, outcome.failure.code),
          });
          return;
      }
    },

    onCheckAgain() {
      this.check();
    },

    /** Back to the pay page with the amount still entered, or a fresh one when opened from elsewhere. */
    onTryAgain() {
      const state = states.get(this);
      if (state?.from === 'pay' && typeof getCurrentPages === 'function' && getCurrentPages().length > 1) {
        wx.navigateBack({ delta: 1 });
      } else {
        wx.reLaunch({ url: '/pages/pay/index' });
      }
    },

    onDone() {
      wx.reLaunch({ url: '/pages/pay/index' });
    },

    onHistory() {
      wx.redirectTo({ url: '/pages/history/index' });
    },
  },
});
