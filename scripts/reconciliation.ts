/** A day's payments as CSV, in the shape a merchant lines up against OTT Pay's merchant center. */
import { paidAttempt, payableAttempt, totalCents, type Order } from '../server/orders/model';

export const CSV_COLUMNS = [
  'order_id',
  'state',
  'channel',
  'created_at_utc',
  'paid_at_utc',
  'amount',
  'tip',
  'total',
  'refunded',
  'currency',
  'ott_order_id',
  'ott_sale_num',
  'bizpay_order_id',
  'ott_finish_time',
] as const;

function cents(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The header line, CRLF-terminated. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** One CRLF-terminated line per order. */
export function csvRows(orders: readonly Order[]): string {
  const rows = orders.map((o) => {
    const attempt = paidAttempt(o) ?? payableAttempt(o);
    return [
      o.orderId,
      o.state,
      o.channel,
      o.createdAt,
      o.paidAt ?? '',
      cents(o.amountCents),
      cents(o.tipCents),
      cents(totalCents(o)),
      cents(o.refundedCents),
      o.currency,
      attempt?.ottOrderId ?? '',
      attempt?.saleNum ?? '',
      attempt?.bizpayOrderId ?? '',
      attempt?.finishTime ?? attempt?.tradeTime ?? '',
    ]
      .map(field)
      .join(',');
  });
  return rows.map((row) => `${row}\r\n`).join('');
}
