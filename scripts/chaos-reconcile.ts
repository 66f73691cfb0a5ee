/**
 * Reconciles the merchant's orders against the acquirer's own ledger (the sandbox's), the way a
 * finance team lines the two books up: every figure is something that went wrong, so every
 * figure must be 0. Information counts what is not wrong but worth a look: orders in review
 * because OTT answered a status it does not document while holding no money for them (and the
 * payment requests of such orders that never got payment details), and refunds OTT booked so
 * recently that its STATUS_QUERY may not show them yet (the refundBooking reading).
 */
import { historyProblems } from '../server/orders/history';
import { orderIdOfAttempt, type Order } from '../server/orders/model';
import { isPaidState } from '../server/orders/state-machine';

/** A transaction as the acquirer booked it (attempts and QR payments alike), with its refunds. */
export interface AcquirerTransaction {
  /** OTT's order_id: an attempt's ottOrderId. */
  orderId: string;
  state: string;
  amount: number;
  tip: number;
  refunded: number;
  /** `createdAt`: when the acquirer booked the refund (ISO). */
  refunds: { refundOrderId: string; amount: number; createdAt?: string }[];
}

/** What the load driver knows it asked for. */
export interface DriverRequest {
  requestId: string;
  /** The order id a function answered with, if it answered at all. */
  orderId?: string;
}

export interface Figures {
  orders_lost: number;
  paid_at_ott_but_not_paid: number;
  paid_but_not_paid_at_ott: number;
  settled_twice: number;
  changes_without_history: number;
  dead_requests: number;
  refunds_unresolved: number;
  refunded_amount_not_otts: number;
  in_review: number;
}

export interface Information {
  /** In REVIEW as unknown_status (OTT kept answering an undocumented status) with no money at OTT. */
  in_review_unknown_status_without_money: number;
  /** PENDING at the end, booked by OTT less than the refund booking delay before the reconciliation. */
  refunds_pending_within_booking_delay: number;
}

export interface ReconcileOptions {
  /** How long after booking OTT's STATUS_QUERY shows a refund (0: at once). */
  refundBookingDelayMs: number;
  /** When the acquirer's ledger was read. */
  at: Date;
}

const UNKNOWN_STATUS_REVIEW: string = 'unknown_status';

const ACQUIRER_PAID = new Set(['success', 'partial_refunded', 'fully_refunded']);

export function reconcile(
  orders: Order[],
  transactions: AcquirerTransaction[],
  requests: DriverRequest[],
  deadRequests: DriverRequest[],
  options: ReconcileOptions = { refundBookingDelayMs: 0, at: new Date() },
): { figures: Figures; information: Information; details: string[] } {
  const details: string[] = [];
  const figures: Figures = {
    orders_lost: 0,
    paid_at_ott_but_not_paid: 0,
    paid_but_not_paid_at_ott: 0,
    settled_twice: 0,
    changes_without_history: 0,
    dead_requests: 0,
    refunds_unresolved: 0,
    refunded_amount_not_otts: 0,
    in_review: 0,
  };
  const information: Information = { in_review_unknown_status_without_money: 0, refunds_pending_within_booking_delay: 0 };
  const count = (figure: keyof Figures, detail: string) => {
    figures[figure] += 1;
    details.push(`${figure}: ${detail}`);
  };
  const note = (item: keyof Information, detail: string) => {
    information[item] += 1;
    details.push(`${item} (information): ${detail}`);
  };
  const withinBookingDelay = (refund: AcquirerTransaction['refunds'][number] | undefined): boolean =>
    refund?.createdAt !== undefined && Date.parse(refund.createdAt) + options.refundBookingDelayMs > options.at.getTime();
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  const byAttempt = new Map(transactions.map((t) => [t.orderId, t]));

  const unknownStatusWithoutMoney = (order: Order | undefined): boolean =>
    order?.state === 'REVIEW' && order.reviewKind === UNKNOWN_STATUS_REVIEW && !order.attempts.some((a) => ACQUIRER_PAID.has(byAttempt.get(a.ottOrderId)?.state ?? ''));

  for (const request of requests) {
    if (request.orderId !== undefined && !byId.has(request.orderId)) count('orders_lost', `request ${request.requestId} was answered with order ${request.orderId}, which is not stored`);
  }
  for (const request of deadRequests) {
    count('dead_requests', `request ${request.requestId} (order ${request.orderId ?? 'none'}) never got payment details`);
  }
  for (const transaction of transactions) {
    const order = byId.get(orderIdOfAttempt(transaction.orderId));
    const attempt = order?.attempts.find((a) => a.ottOrderId === transaction.orderId);
    if (!order || !attempt) {
      count('orders_lost', `the acquirer booked ${transaction.orderId} (${transaction.state}), which no stored order has as an attempt`);
      continue;
    }
    if (ACQUIRER_PAID.has(transaction.state) && (attempt.state !== 'PAID' || !isPaidState(order.state))) {
      count('paid_at_ott_but_not_paid', `${transaction.orderId} is ${transaction.state} at the acquirer; order ${order.orderId} is ${order.state}, attempt ${attempt.state}`);
    }
  }

  for (const order of orders) {
    const paidAttempts = order.attempts.filter((a) => a.state === 'PAID');
    for (const attempt of paidAttempts) {
      const transaction = byAttempt.get(attempt.ottOrderId);
      if (!transaction || !ACQUIRER_PAID.has(transaction.state)) {
        count('paid_but_not_paid_at_ott', `${attempt.ottOrderId} is PAID in order ${order.orderId} but ${transaction?.state ?? 'unknown'} at the acquirer`);
      }
    }
    if (isPaidState(order.state) && paidAttempts.length === 0) count('paid_but_not_paid_at_ott', `order ${order.orderId} is ${order.state} without a paid attempt`);
    const acquirerPaid = order.attempts.filter((a) => ACQUIRER_PAID.has(byAttempt.get(a.ottOrderId)?.state ?? ''));
    const toPaid = order.history.filter((e) => e.event === 'state' && e.to === 'PAID');
    if (acquirerPaid.length > 1 || paidAttempts.length > 1 || toPaid.length > 1) {
      count('settled_twice', `order ${order.orderId}: ${acquirerPaid.length} attempts paid at the acquirer, ${paidAttempts.length} PAID, ${toPaid.length} moves to PAID`);
    }
    for (const problem of historyProblems(order)) count('changes_without_history', `order ${order.orderId}: ${problem}`);
    const paid = paidAttempts[0];
    const transaction = paid && byAttempt.get(paid.ottOrderId);
    const bookedRefunds = new Map((transaction?.refunds ?? []).map((r) => [r.refundOrderId, r]));
    const justBooked = new Set<string>();
    for (const refund of order.refunds.filter((r) => r.state === 'PENDING')) {
      if (withinBookingDelay(bookedRefunds.get(refund.refundId))) {
        justBooked.add(refund.refundId);
        note('refunds_pending_within_booking_delay', `refund ${refund.refundId} of order ${order.orderId}`);
      } else count('refunds_unresolved', `refund ${refund.refundId} of order ${order.orderId}`);
    }
    if (unknownStatusWithoutMoney(order)) note('in_review_unknown_status_without_money', `order ${order.orderId}: ${order.reviewReason}`);
    else if (order.state === 'REVIEW') count('in_review', `order ${order.orderId}: ${order.reviewKind}: ${order.reviewReason}`);

    const counted = [...bookedRefunds.values()].filter((r) => !justBooked.has(r.refundOrderId));
    const acquirerRefunded = (transaction?.refunded ?? 0) - [...justBooked].reduce((sum, id) => sum + bookedRefunds.get(id)!.amount, 0);
    const booked = new Set(counted.map((r) => r.refundOrderId));
    const succeeded = new Set(order.refunds.filter((r) => r.state === 'SUCCEEDED').map((r) => r.refundId));
    const sameRefunds = booked.size === succeeded.size && [...booked].every((id) => succeeded.has(id));
    if (order.refundedCents !== acquirerRefunded || !sameRefunds) {
      count('refunded_amount_not_otts', `order ${order.orderId}: ledger ${order.refundedCents} (${[...succeeded].join(' ')}), acquirer ${acquirerRefunded} (${[...booked].join(' ')})`);
    }
  }
  return { figures, information, details };
}
