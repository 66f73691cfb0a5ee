import { format, type Messages } from '../i18n/index';
import type { RefundView, StaffOrderView } from '../services/types';
import { formatMoney } from './money';
import { sortNewestFirst } from './order';
import { formatDateTime } from './time';

/** What the Refund page offers for an order: a refund waiting for OTT Pay, the amount form, or nothing. */
export type RefundStatus = 'open' | 'form' | 'notRefundable';

export interface RefundLine {
  id: string;
  amountText: string;
  stateText: string;
  timeText: string;
  state: RefundView['state'];
}

/** A refund recorded but not yet confirmed by OTT Pay: amount, since when, last looked at. */
export interface OpenRefundNotice {
  title: string;
  since: string;
  checked: string;
}

export interface ReviewNotice {
  title: string;
  reason: string;
  held: string;
}

/** A function deployed before the staff view existed sends an order without refunds: nothing is offered then. */
function refundsOf(order: StaffOrderView): RefundView[] {
  return Array.isArray(order.refunds) ? order.refunds : [];
}

export interface StaffOrderRefunds {
  status: RefundStatus;
  /** What may be refunded now, as the server says. */
  maxCents: number;
  open: OpenRefundNotice | null;
  review: ReviewNotice | null;
  refunds: RefundLine[];
  notRefundableText: string;
}

export function openRefundNotice(refund: RefundView, currency: string, t: Messages): OpenRefundNotice {
  const checked = formatDateTime(refund.lastCheckedAt);
  return {
    title: format(t.refund.openTitle, { amount: formatMoney(refund.amountCents, currency) }),
    since: format(t.refund.openSince, { time: formatDateTime(refund.createdAt) }),
    checked: checked ? format(t.refund.openChecked, { time: checked }) : '',
  };
}

function reviewNotice(order: StaffOrderView, t: Messages): ReviewNotice {
  const kinds = t.refund.reviewKinds as Record<string, string>;
  const kind = order.reviewKind && Object.prototype.hasOwnProperty.call(kinds, order.reviewKind) ? kinds[order.reviewKind] : '';
  return {
    title: kind ? format(t.refund.reviewTitle, { kind }) : t.states.REVIEW,
    reason: order.reviewReason ?? '',
    held: format(t.refund.reviewHeld, { amount: formatMoney(order.heldCents, order.currency) }),
  };
}

/** The refunds of an order as staff see them, and whether a new one may be asked for. */
export function staffOrderRefunds(order: StaffOrderView, t: Messages): StaffOrderRefunds {
  const refunds = refundsOf(order);
  const open = refunds.find((refund) => refund.state === 'PENDING');
  const maxCents = open || !Number.isSafeInteger(order.refundableCents) ? 0 : Math.max(0, order.refundableCents);
  return {
    status: open ? 'open' : maxCents > 0 ? 'form' : 'notRefundable',
    maxCents,
    open: open ? openRefundNotice(open, order.currency, t) : null,
    review: order.state === 'REVIEW' ? reviewNotice(order, t) : null,
    refunds: sortNewestFirst(refunds).map((refund) => ({
      id: refund.refundId,
      amountText: formatMoney(refund.amountCents, order.currency),
      stateText: t.refund.states[refund.state],
      timeText: formatDateTime(refund.createdAt),
      state: refund.state,
    })),
    notRefundableText: t.refund.notRefundable[notRefundableReason(order)],
  };
}

/** Why nothing can be refunded: the order was not paid, it is refunded in full, or it is in review with nothing held. */
function notRefundableReason(order: Pick<StaffOrderView, 'state'>): 'unpaid' | 'refunded' | 'review' {
  if (order.state === 'REVIEW') return 'review';
  return order.state === 'PAID' || order.state === 'PARTIALLY_REFUNDED' || order.state === 'REFUNDED' ? 'refunded' : 'unpaid';
}

/** A refund is waiting for OTT Pay's word (staff look at it rather than refund again). */
export function hasOpenRefund(order: StaffOrderView): boolean {
  return refundsOf(order).some((refund) => refund.state === 'PENDING');
}
