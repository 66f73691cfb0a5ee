import { existsSync } from 'fs';
import { join } from 'path';
import { amountClips, CLIPS, clipPath, paymentClips, spoken, summaryClips } from '../../miniprogram/utils/speech';
import { MINIPROGRAM_ROOT } from './helpers';

const zh = (cents: number) => spoken(amountClips(cents, 'zh'), 'zh');
const en = (cents: number) => spoken(amountClips(cents, 'en'), 'en');

describe('what the counter says', () => {
  test('amounts in Chinese, as a payment speaker reads them', () => {
    expect(zh(2967)).toBe('二十九点六七');
    expect(zh(1000)).toBe('十');
    expect(zh(11000)).toBe('一百一十');
    expect(zh(100500)).toBe('一千零五');
    expect(zh(1001000)).toBe('一万零一十');
    expect(zh(1200000)).toBe('一万二千');
    expect(zh(10000000)).toBe('十万');
    expect(zh(2960)).toBe('二十九点六');
    expect(zh(50)).toBe('零点五');
    expect(zh(7)).toBe('零点零七');
  });

  test('amounts in English', () => {
    expect(en(2967)).toBe('twenty nine point six seven');
    expect(en(100500)).toBe('one thousand five');
    expect(en(1999900)).toBe('nineteen thousand nine hundred ninety nine');
    expect(en(1300)).toBe('thirteen');
    expect(en(50)).toBe('zero point five');
    expect(en(1000000)).toBe('ten thousand');
    expect(en(123456700)).toBe('one million two hundred thirty four thousand five hundred sixty seven');
  });

  test('a payment, with its tip when there is one; several at once as one sentence', () => {
    expect(spoken(paymentClips(2967, 0, 'zh'), 'zh')).toBe('微信收款二十九点六七加元');
    expect(spoken(paymentClips(2967, 387, 'zh'), 'zh')).toBe('微信收款二十九点六七加元含小费三点八七');
    expect(spoken(paymentClips(2967, 0, 'en'), 'en')).toBe('WeChat Pay received twenty nine point six seven Canadian dollars');
    expect(spoken(paymentClips(2967, 387, 'en'), 'en')).toBe('WeChat Pay received twenty nine point six seven Canadian dollars including a tip of three point eight seven');
    expect(spoken(summaryClips(3, 8520, 'zh'), 'zh')).toBe('收款三笔共八十五点二加元');
    expect(spoken(summaryClips(2, 8520, 'zh'), 'zh')).toBe('收款两笔共八十五点二加元');
    expect(spoken(summaryClips(3, 8520, 'en'), 'en')).toBe('three payments received, eighty five point two Canadian dollars in all');
  });

  test('refuses what it cannot say', () => {
    expect(() => amountClips(-1, 'zh')).toThrow(RangeError);
    expect(() => amountClips(1.5, 'en')).toThrow(RangeError);
  });

  test('every clip any amount needs is there, recorded, in both languages', () => {
    for (const language of ['zh', 'en'] as const) {
      const used = new Set<string>(['soundOn']);
      for (const cents of [0, 7, 50, 1000, 2967, 11000, 100500, 1001000, 1999900, 10000000, 987654321]) {
        for (const clip of [...paymentClips(cents, 1, language), ...summaryClips(2, cents, language), ...summaryClips(17, cents, language)]) used.add(clip);
      }
      for (const clip of used) expect({ clip, known: clip in CLIPS[language] }).toEqual({ clip, known: true });
      for (const clip of Object.keys(CLIPS[language])) expect({ clip, file: existsSync(join(MINIPROGRAM_ROOT, clipPath(clip, language))) }).toEqual({ clip, file: true });
    }
  });
});
