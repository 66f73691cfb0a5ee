/** Text formats OTT Pay and WeChat Pay use, identifiers they generate, and money as people read it. */
import { randomInt } from 'crypto';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

interface ClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function beijing(date: Date): ClockParts {
  const shifted = new Date(date.getTime() + BEIJING_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

/** `finish_time` of a call-back: YYYYMMDDHHMMSS, Beijing time. */
export function beijingCompact(date: Date): string {
  const t = beijing(date);
  return `${t.year}${pad(t.month)}${pad(t.day)}${pad(t.hour)}${pad(t.minute)}${pad(t.second)}`;
}

/** payInfo `timeStamp` as OTT fills it: ten digits, yyyyMMddHH (Beijing time). */
export function beijingHour(date: Date): string {
  return beijingCompact(date).slice(0, 10);
}

/** `trade_time` as Java's default en_US date format prints it, e.g. "Apr 14, 2020 12:08:58 AM" (Beijing time). */
export function javaDateText(date: Date): string {
  const t = beijing(date);
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const half = t.hour < 12 ? 'AM' : 'PM';
  return `${MONTHS[t.month - 1]} ${t.day}, ${t.year} ${hour12}:${pad(t.minute)}:${pad(t.second)} ${half}`;
}

export function randomAlnum(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALNUM[randomInt(ALNUM.length)];
  return text;
}

export function randomDigits(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String(randomInt(10));
  return text;
}

export function randomHex(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += randomInt(16).toString(16);
  return text;
}

/** An order id OTT generates when the request has none. */
export function generatedOrderId(date: Date): string {
  return beijingCompact(date) + randomDigits(6);
}

/** OTT's sale number, e.g. "1536606245849717". */
export function saleNumber(date: Date): string {
  return String(date.getTime()) + randomDigits(3);
}

/** The wallet's transaction id, e.g. "WX12243195213632230". */
export function bizpayOrderId(): string {
  return 'WX' + randomDigits(17);
}

/** A WeChat prepay id, e.g. "wx07010712646422b84dfd8c4e7844f50000". */
export function prepayId(date: Date): string {
  return 'wx' + beijingCompact(date).slice(4) + randomHex(20) + '0000';
}

export function qrCodeUrl(): string {
  return 'weixin://wxpay/bizpayurl?pr=' + randomAlnum(9);
}

/** A rate scaled by 10^8 as decimal text with the given number of decimals (truncated). */
export function rateText(rateE8: number, decimals: number): string {
  const whole = Math.floor(rateE8 / 1e8);
  const fraction = pad(rateE8 % 1e8, 8).slice(0, decimals);
  return decimals > 0 ? `${whole}.${fraction}` : String(whole);
}

export function formatCents(cents: number, currency = 'CAD'): string {
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  const whole = Math.floor(magnitude / 100).toLocaleString('en-US');
  return `${sign}${whole}.${pad(magnitude % 100)} ${currency}`;
}
