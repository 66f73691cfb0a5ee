/**
 * The sample values this repository ships in config.ts, which no merchant's mini-program may keep:
 * `npm run check:miniprogram` refuses to upload them, and the Pay page marks a sample shop as such.
 */
export const SAMPLE_VALUES = {
  cloudEnv: 'your-cloud-env-id',
  merchantNames: ['枫叶咖啡', 'Maple Leaf Café'],
  abouts: ['咖啡与烘焙 · 温哥华', 'Coffee & pastries · Vancouver'],
  phone: '+1 604-555-0123',
} as const;

export interface MiniprogramConfig {
  cloudEnv: string;
  merchantName: { zh: string; en: string };
  about: { zh: string; en: string };
  contact: { phone: string; customerService: boolean };
}

const LANGUAGES = ['zh', 'en'] as const;

function isSample(value: string, samples: readonly string[]): boolean {
  const text = value.trim();
  return text === '' || samples.includes(text);
}

/** One line per setting that still holds a sample value (or none at all). */
export function sampleValueProblems(given: MiniprogramConfig): string[] {
  const problems: string[] = [];
  if (isSample(given.cloudEnv, [SAMPLE_VALUES.cloudEnv])) problems.push('cloudEnv: put your Cloud Development environment id (DevTools → 云开发 → 设置)');
  for (const language of LANGUAGES) {
    if (isSample(given.merchantName[language], SAMPLE_VALUES.merchantNames)) problems.push(`merchantName.${language}: put your shop's name as payers know it`);
  }
  for (const language of LANGUAGES) {
    if (isSample(given.about[language], SAMPLE_VALUES.abouts)) problems.push(`about.${language}: say what your shop sells, or where it is`);
  }
  const phone = given.contact.phone.trim();
  if (phone === SAMPLE_VALUES.phone || (!given.contact.customerService && phone === '')) {
    problems.push('contact.phone: put the shop\'s phone number, or turn on customerService');
  }
  return problems;
}
