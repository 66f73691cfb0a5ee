/**
 * What the counter says, as a payment speaker says it: short recorded clips played one after the
 * other (miniprogram/voice/<language>/<clip>.wav), so the words need no network and no speech
 * service. Each clip has the words it holds, for the log and for a test that every clip exists.
 */
import type { Language } from '../i18n/index';

/** Every clip of a language and what it says. */
export const CLIPS: Record<Language, Record<string, string>> = {
  zh: {
    received: '微信收款',
    cad: '加元',
    tip: '含小费',
    count: '收款',
    bi: '笔',
    inAll: '共',
    soundOn: '收款播报已开启',
    d0: '零', d1: '一', d2: '二', d3: '三', d4: '四', d5: '五', d6: '六', d7: '七', d8: '八', d9: '九',
    shi: '十', bai: '百', qian: '千', wan: '万', dian: '点', liang: '两',
  },
  en: {
    received: 'WeChat Pay received',
    cad: 'Canadian dollars',
    tip: 'including a tip of',
    count: 'payments received,',
    inAll: 'in all',
    soundOn: 'Payment announcements on',
    point: 'point',
    hundred: 'hundred',
    thousand: 'thousand',
    million: 'million',
    n0: 'zero', n1: 'one', n2: 'two', n3: 'three', n4: 'four', n5: 'five', n6: 'six', n7: 'seven', n8: 'eight', n9: 'nine',
    n10: 'ten', n11: 'eleven', n12: 'twelve', n13: 'thirteen', n14: 'fourteen', n15: 'fifteen', n16: 'sixteen', n17: 'seventeen', n18: 'eighteen', n19: 'nineteen',
    n20: 'twenty', n30: 'thirty', n40: 'forty', n50: 'fifty', n60: 'sixty', n70: 'seventy', n80: 'eighty', n90: 'ninety',
  },
};

/** Largest whole number said: a payment is at most MAX_AMOUNT_CENTS plus a tip. */
export const MAX_SAID = 99_999_999;

/** 0 ≤ n < 10000 in Chinese clips; `leadingOne` keeps 一十 inside a larger number (一万零一十). */
function zhBelow10000(n: number, leadingOne: boolean): string[] {
  const units = ['qian', 'bai', 'shi', ''];
  const digits = String(n).padStart(4, '0').split('').map(Number);
  const out: string[] = [];
  let zeroPending = false;
  digits.forEach((digit, i) => {
    if (digit === 0) {
      if (out.length > 0) zeroPending = true;
      return;
    }
    if (zeroPending) out.push('d0');
    zeroPending = false;
    if (!(units[i] === 'shi' && digit === 1 && out.length === 0 && !leadingOne)) out.push(`d${digit}`);
    if (units[i]) out.push(units[i]);
  });
  return out;
}

function zhInteger(n: number): string[] {
  if (n === 0) return ['d0'];
  const high = Math.floor(n / 10_000);
  const low = n % 10_000;
  if (high === 0) return zhBelow10000(low, false);
  const out = [...zhBelow10000(high, false), 'wan'];
  if (low === 0) return out;
  if (low < 1000) out.push('d0');
  return [...out, ...zhBelow10000(low, low < 1000)];
}

function enBelow1000(n: number): string[] {
  const out: string[] = [];
  if (n >= 100) {
    out.push(`n${Math.floor(n / 100)}`, 'hundred');
    n %= 100;
  }
  if (n >= 20) {
    out.push(`n${Math.floor(n / 10) * 10}`);
    n %= 10;
    if (n > 0) out.push(`n${n}`);
  } else if (n > 0 || out.length === 0) {
    out.push(`n${n}`);
  }
  return out;
}

function enInteger(n: number): string[] {
  const groups: [number, string][] = [
    [Math.floor(n / 1_000_000), 'million'],
    [Math.floor(n / 1000) % 1000, 'thousand'],
    [n % 1000, ''],
  ];
  const out: string[] = [];
  for (const [value, word] of groups) {
    if (value === 0) continue;
    out.push(...enBelow1000(value));
    if (word) out.push(word);
  }
  return out.length > 0 ? out : ['n0'];
}

/** An amount in cents as clips: "29.67" is 二十九点六七 / twenty nine point six seven; no ".00". */
export function amountClips(cents: number, language: Language): string[] {
  if (!Number.isSafeInteger(cents) || cents < 0 || cents > MAX_SAID * 100 + 99) throw new RangeError(`cannot say ${cents} cents`);
  const whole = Math.floor(cents / 100);
  const decimals = String(cents % 100).padStart(2, '0').replace(/0+$/, '');
  const zh = language === 'zh';
  const out = zh ? zhInteger(whole) : enInteger(whole);
  if (decimals === '') return out;
  out.push(zh ? 'dian' : 'point');
  for (const digit of decimals) out.push(zh ? `d${digit}` : `n${digit}`);
  return out;
}

/** "微信收款 29.67 加元（含小费 3.87）" / "WeChat Pay received 29.67 Canadian dollars, tip 3.87". */
export function paymentClips(totalCents: number, tipCents: number, language: Language): string[] {
  const out = ['received', ...amountClips(totalCents, language), 'cad'];
  return tipCents > 0 ? [...out, 'tip', ...amountClips(tipCents, language)] : out;
}

/** Several payments at once, after the counter was away: "收款 3 笔，共 85.20 加元" / "3 payments received, 85.20 Canadian dollars in all". */
export function summaryClips(count: number, totalCents: number, language: Language): string[] {
  const amount = [...amountClips(totalCents, language), 'cad'];
  // 两笔, not 二笔
  if (language === 'zh') return ['count', ...(count === 2 ? ['liang'] : amountClips(count * 100, language)), 'bi', 'inAll', ...amount];
  return [...amountClips(count * 100, language), 'count', ...amount, 'inAll'];
}

/** The words of a list of clips, as the log writes them. */
export function spoken(clips: string[], language: Language): string {
  const words = clips.map((clip) => CLIPS[language][clip] ?? `[${clip}]`);
  return language === 'zh' ? words.join('') : words.join(' ').replace(/ ,/g, ',');
}

export function clipPath(clip: string, language: Language): string {
  return `/voice/${language}/${clip}.wav`;
}
