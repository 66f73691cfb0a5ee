import { en } from './en';
import { zh, type MessageCode, type Messages } from './zh';

export type { MessageCode, Messages };
export type Language = 'zh' | 'en';

/** "zh_CN", "zh-Hant", "zh" → zh; everything else → en. */
export function pickLanguage(language: string | undefined): Language {
  if (language === undefined || language === '') return 'zh';
  return /^zh/i.test(language) ? 'zh' : 'en';
}

/** The phone's WeChat language, read each time a page opens. */
export function currentLanguage(): Language {
  try {
    return pickLanguage(wx.getAppBaseInfo().language);
  } catch {
    return 'zh';
  }
}

export function messagesFor(language: Language): Messages {
  return language === 'en' ? en : zh;
}

export function getMessages(): Messages {
  return messagesFor(currentLanguage());
}

/** A text of config.ts (the shop's name, its line) in the phone's language. */
export function inLanguage(names: { zh: string; en: string }): string {
  return currentLanguage() === 'en' ? names.en : names.zh;
}

/** Fills "{name}" placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole,
  );
}

export function errorMessage(messages: Messages, code: string): string {
  const known = messages.errors as Record<string, string>;
  return Object.prototype.hasOwnProperty.call(known, code) ? known[code] : messages.errors.UNKNOWN;
}
