/**
 * Reconciles the merchant's orders against the acquirer's own ledger (the sandbox's), the way a
 * finance team lines the two books up: every figure is something that went wrong, so every
 * figure must be 0.
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
  refunds: { refundOrderId: string; amount: number }[];
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

const ACQUIRER_PAID = new Set(['success', 'partial_refunded', 'fully_refunded']);

export function reconcile(orders: Order[], transactions: AcquirerTransaction[], requests: DriverRequest[], deadRequests: number): { figures: Figures; details: string[] } {
  const details: string[] = [];
  const figures: Figures = {
    orders_lost: 0,
    paid_at_ott_but_not_paid: 0,
    paid_but_not_paid_at_ott: 0,
    settled_twice: 0,
    changes_without_history: 0,
    dead_requests: deadRequests,
    refunds_unresolved: 0,
    refunded_amount_not_otts: 0,
    in_review: 0,
  };
  const count = (figure: keyof Figures, detail: string) => {
    figures[figure] += 1;
    details.push(`${figure}: ${detail}`);
  };
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  const byAttempt = new Map(transactions.map((t) => [t.orderId, t]));

  for (const request of requests) {
    if (request.orderId !== undefined && !byId.has(request.orderId)) count('orders_lost', `request ${request.requestId} was answered with order ${request.orderId}, which is not stored`);
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
    for (const refund of order.refunds.filter((r) => r.state === 'PENDING')) count('refunds_unresolved', `refund ${refund.refundId} of order ${order.orderId}`);
    if (order.state === 'REVIEW') count('in_review', `order ${order.orderId}: ${order.reviewKind}: ${order.reviewReason}`);

    const paid = paidAttempts[0];
    const transaction = paid && byAttempt.get(paid.ottOrderId);
    const acquirerRefunded = transaction?.refunded ?? 0;
    const booked = new Set((transaction?.refunds ?? []).map((r) => r.refundOrderId));
    const succeeded = new Set(order.refunds.filter((r) => r.state === 'SUCCEEDED').map((r) => r.refundId));
    const sameRefunds = booked.size === succeeded.size && [...booked].every((id) => succeeded.has(id));
    if (order.refundedCents !== acquirerRefunded || !sameRefunds) {
      count('refunded_amount_not_otts', `order ${order.orderId}: ledger ${order.refundedCents} (${[...succeeded].join(' ')}), acquirer ${acquirerRefunded} (${[...booked].join(' ')})`);
    }
  }
  return { figures, details };
}
