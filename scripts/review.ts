/** What `ops review` prints: every order that needs a person, why, and what to do about it. */
import type { PaymentSettings } from '../server/app/settings';
import { openRefund, totalCents, type Order, type ReviewKind } from '../server/orders/model';

const WHAT_TO_DO: Record<ReviewKind, string> = {
  money_mismatch: 'OTT Pay took a different amount than the order asked: settle with the payer, refund through the Refund page if owed, then `ops accept`',
  double_charge: 'the payer was charged on more than one attempt: refund the extra payment on the Refund page (it goes to the newer attempt), then `ops accept`',
  paid_after_end: 'the payer paid after the order was given up: hand over the goods (`ops accept`) or refund the payment on the Refund page, then `ops accept`',
  status_unknown: 'OTT Pay could not be asked about it; the sweep keeps asking, or run `ops requery` once OTT answers',
  unknown_status: 'OTT Pay answers an order_status it does not document; the sweep keeps asking and settles it on a documented answer. Ask OTT what the word means',
  refund_mismatch: 'OTT Pay’s refunded amount differs from the ledger: a refund made in OTT’s merchant center is recorded with `ops record-refund`',
};

export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function minutesSince(iso: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(iso)) / 60_000);
}

function line(order: Order, why: string, todo: string): string {
  return `${order.orderId}  ${order.state.padEnd(18)} ${money(totalCents(order)).padStart(10)}  ${order.createdAt}\n    why: ${why}\n    do:  ${todo}`;
}

function section(title: string, lines: string[]): string {
  return `${title} (${lines.length}):\n${lines.map((l) => `${l}\n`).join('')}`;
}

export function reviewLines(found: { review: Order[]; pending: Order[]; refunding: Order[] }, settings: PaymentSettings, now: Date): string {
  const review = found.review.map((o) =>
    line(o, o.reviewReason ?? 'in review', o.reviewKind ? WHAT_TO_DO[o.reviewKind] : 'look at `ops show` and decide'),
  );
  const pending = found.pending.map((o) =>
    line(
      o,
      `pending for ${minutesSince(o.createdAt, now)} min, past the abandon age of ${Math.round(settings.closeAbandonedAfterMs / 60_000)} min`,
      'the sweep has not settled it: check the sweep runs, then `ops requery`',
    ),
  );
  const refunding = found.refunding.map((o) => {
    const refund = openRefund(o)!;
    const held = refund.acknowledged !== undefined;
    return line(
      o,
      `refund ${refund.refundId} of ${money(refund.amountCents)} unresolved for ${minutesSince(refund.createdAt, now)} min (sent ${refund.sends} time(s)${held ? `; OTT answered ${refund.acknowledged}: it holds it` : ''})`,
      held
        ? 'OTT holds it but its refunded amount does not show it yet: the sweep keeps checking; `ops requery` asks now'
        : 'OTT Pay’s answer is unknown: the sweep re-sends it under the same id; `ops requery` asks now; `ops release-refund` once OTT shows it never booked it',
    );
  });
  return [section('In REVIEW', review), section('Pending past the abandon age', pending), section('Refunds unresolved', refunding)].join('');
}
