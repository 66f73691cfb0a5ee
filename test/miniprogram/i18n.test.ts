import { en } from '../../miniprogram/i18n/en';
import { currentLanguage, errorMessage, format, messagesFor, pickLanguage } from '../../miniprogram/i18n/index';
import { zh } from '../../miniprogram/i18n/zh';
import { DIALOG_LABEL_MAX } from '../../miniprogram/services/dialog';
import type { ErrorCode } from '../../typings/payments';
import { installWx } from './helpers';

const ERROR_CODES: Record<ErrorCode, true> = {
  INVALID_REQUEST: true,
  INVALID_AMOUNT: true,
  INVALID_TIP: true,
  REQUEST_CONFLICT: true,
  NOT_FOUND: true,
  FORBIDDEN: true,
  LAST_OWNER: true,
  STAFF_LIST_FULL: true,
  PAYMENT_PENDING: true,
  PAYMENT_REJECTED: true,
  NOT_REFUNDABLE: true,
  REFUND_TOO_LARGE: true,
  RATE_UNAVAILABLE: true,
  SERVICE_UNAVAILABLE: true,
  BUSY: true,
  REFUND_OPEN: true,
  CONFIGURATION_ERROR: true,
};

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k)).sort();
}

test('language from WeChat: zh* → zh, anything else → en', () => {
  expect(pickLanguage('zh_CN')).toBe('zh');
  expect(pickLanguage('zh_TW')).toBe('zh');
  expect(pickLanguage('zh-Hant')).toBe('zh');
  expect(pickLanguage('en')).toBe('en');
  expect(pickLanguage('fr_CA')).toBe('en');
  expect(pickLanguage(undefined)).toBe('zh');
});

test('reads the language from getAppBaseInfo, and falls back to Chinese when it cannot', () => {
  const wxMock = installWx({}, 'en_US');
  expect(currentLanguage()).toBe('en');
  wxMock.getAppBaseInfo.mockImplementationOnce(() => {
    throw new Error('getAppBaseInfo:fail');
  });
  expect(currentLanguage()).toBe('zh');
});

test('every button of a confirmation dialog fits WeChat’s limit of 4 characters, in both languages', () => {
  for (const messages of [zh, en]) {
    for (const label of Object.values(messages.dialog)) expect({ label, length: [...label].length <= DIALOG_LABEL_MAX }).toEqual({ label, length: true });
  }
});

test('both languages have the same keys and no empty string', () => {
  expect(keys(en)).toEqual(keys(zh));
  for (const messages of [zh, en]) {
    for (const key of keys(messages)) {
      const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages);
      expect(typeof value === 'string' && value.trim().length > 0).toBe(true);
    }
  }
});

test('every error code of the contract, network failure and cancellation have a message', () => {
  for (const code of [...Object.keys(ERROR_CODES), 'NETWORK']) {
    expect(errorMessage(zh, code)).toBe(zh.errors[code as keyof typeof zh.errors]);
    expect(errorMessage(en, code)).toBe(en.errors[code as keyof typeof en.errors]);
    expect(errorMessage(zh, code)).not.toBe(zh.errors.UNKNOWN);
  }
  expect(errorMessage(en, 'SOMETHING_NEW')).toBe(en.errors.UNKNOWN);
});

test('one word for paying: 支付, never 付款', () => {
  expect(JSON.stringify(zh)).not.toContain('付款');
});

test('an order not paid yet reads "未支付 / Not paid", never "paying"', () => {
  for (const state of ['CREATED', 'PAYING'] as const) {
    expect(zh.states[state]).toBe('未支付');
    expect(en.states[state]).toBe('Not paid');
  }
});

test('every error message says what to do next', () => {
  const nextStep = { zh: /请|可以|不影响/, en: /\b(try|check|tap|enter|choose|close|ask|refresh|contact|look|you can still)\b/i };
  for (const code of Object.keys(zh.errors) as Array<keyof typeof zh.errors>) {
    expect({ code, zh: nextStep.zh.test(zh.errors[code]) }).toEqual({ code, zh: true });
    expect({ code, en: nextStep.en.test(en.errors[code]) }).toEqual({ code, en: true });
  }
});

test('format fills placeholders', () => {
  expect(format(messagesFor('en').pay.payAria, { amount: 'CAD 1.00' })).toBe('Pay CAD 1.00');
  expect(format('{a} {b}', { a: 1 })).toBe('1 {b}');
});
