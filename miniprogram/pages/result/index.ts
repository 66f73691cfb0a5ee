import { config } from '../../config';
import { errorMessage, format, getMessages, inLanguage, type Messages } from '../../i18n/index';
import { callPhone } from '../../services/device';
import { goBack, goToPay, openHistory } from '../../services/navigation';
import { pollOrder } from '../../services/poll';
import type { OrderView } from '../../services/types';
import { PAYMENT_BACKOFF } from '../../utils/backoff';
import { perInstance } from '../../utils/instance-state';
import { formatMoney } from '../../utils/money';
import { resultViewOf, type ResultView } from '../../utils/order';

type View = 'confirming' | ResultView | 'notFound' | 'error';

interface PageState {
  orderId: string;
  from: string;
  /** Bumped to abandon a running poll (page closed, or a new check started). */
  generation: number;
}

const pageState = perInstance<PageState>(() => ({ orderId: '', from: '', generation: 0 }));

/** The element id, icon, title and explanation of each view. */
function viewText(t: Messages, view: View): { id: string; icon: string; title: string; body: string } {
  switch (view) {
    case 'confirming':
      return { id: 'confirming', icon: '', title: t.result.confirming, body: t.result.confirmingHint };
    case 'paid':
      return { id: 'paid', icon: 'success', title: t.result.paidTitle, body: '' };
    case 'refunded':
      return { id: 'refunded', icon: 'info', title: t.result.refundedTitle, body: '' };
    case 'partlyRefunded':
      return { id: 'partly-refunded', icon: 'info', title: t.result.partlyRefundedTitle, body: '' };
    case 'pending':
      return { id: 'pending', icon: 'waiting', title: t.result.pendingTitle, body: t.result.pendingBody };
    case 'notPaid':
      return { id: 'not-paid', icon: 'cancel', title: t.result.notPaidTitle, body: t.result.notPaidBody };
    case 'review':
      return { id: 'review', icon: 'warn', title: t.result.reviewTitle, body: t.result.reviewBody };
    case 'notFound':
      return { id: 'not-found', icon: 'warn', title: t.result.notFoundTitle, body: t.result.notFoundBody };
    case 'error':
      return { id: 'error', icon: 'warn', title: '', body: '' };
  }
}

Component({
  data: {
    t: getMessages(),
    view: 'confirming' as View,
    stateId: 'confirming',
    icon: '',
    title: '',
    body: '',
    note: '',
    merchantName: '',
    orderId: '',
    order: null as OrderView | null,
    amountText: '',
    refundedText: '',
    paidText: '',
    contactService: false,
    contactAria: '',
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({
        t,
        merchantName: inLanguage(config.merchantName),
        contactService: config.contact.customerService,
        contactAria: format(t.result.contactAria, { phone: config.contact.phone }),
      });
      this.show('confirming');
      wx.setNavigationBarTitle({ title: t.result.title });
    },
    detached() {
      pageState(this).generation++;
    },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const state = pageState(this);
      state.orderId = query.orderId ? decodeURIComponent(query.orderId) : '';
      state.from = query.from ?? '';
      this.setData({ orderId: state.orderId });
      if (!state.orderId) this.show('notFound');
      else this.check();
    },

    onUnload() {
      pageState(this).generation++;
    },

    /** An error view says its message as its title; the others take it as a note. */
    show(view: View, message = '') {
      const text = viewText(this.data.t, view);
      const title = view === 'error' ? message : text.title;
      this.setData({ view, stateId: text.id, icon: text.icon, title, body: text.body, note: view === 'error' ? '' : message });
    },

    showOrder(order: OrderView) {
      const amountText = formatMoney(order.totalCents, order.currency);
      const refunded = order.refundedCents > 0;
      this.setData({
        order,
        amountText,
        refundedText: refunded ? formatMoney(order.refundedCents, order.currency) : '',
        paidText: refunded ? format(this.data.t.result.paidOf, { amount: amountText }) : '',
      });
    },

    async check() {
      const state = pageState(this);
      if (!state.orderId) return;
      const generation = ++state.generation;
      const t = this.data.t;
      this.show('confirming');

      const outcome = await pollOrder(state.orderId, {
        backoff: PAYMENT_BACKOFF,
        isCancelled: () => state.generation !== generation,
        onUpdate: (order) => {
          this.showOrder(order);
          if (this.data.note) this.setData({ note: '' });
        },
        onRetrying: () => this.setData({ note: t.result.retrying }),
        onWaiting: () => this.show('pending', this.data.note),
      });

      switch (outcome.kind) {
        case 'cancelled':
        case 'timeout': // onWaiting has already shown it as pending
          return;
        case 'settled':
          this.show(resultViewOf(outcome.order.state));
          return;
        case 'error':
          if (outcome.failure.code === 'NOT_FOUND') this.show('notFound');
          else this.show('error', errorMessage(t, outcome.failure.code));
          return;
      }
    },

    onCheckAgain() {
      this.check();
    },

    /** Not paid: back to Pay, which offers the same amount again. */
    onPayAgain() {
      goToPay();
    },

    onHistory() {
      openHistory(pageState(this).from === 'history');
    },

    onDone() {
      if (pageState(this).from === 'history') goBack('/pages/pay/index');
      else goToPay();
    },

    onContact() {
      callPhone(config.contact.phone);
    },
  },
});
