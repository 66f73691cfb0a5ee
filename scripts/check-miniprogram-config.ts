/**
 * `npm run --silent check:miniprogram`: refuses a mini-program whose `miniprogram/config.ts` still
 * holds the repository's sample values (environment id, shop name, phone number). WeChat DevTools
 * runs it before every upload (project.config.json `scripts.beforeUpload`, with 详情 → 本地设置 →
 * 启用自定义处理命令 on), so a build that would greet reviewers and payers with a sample shop, or
 * fail every call with a made-up environment, is not uploaded.
 */
import { config } from '../miniprogram/config';
import { isEntryPoint } from '../server/app/entry-point';

/** The values the repository ships with, which no merchant's mini-program may keep. */
export const SAMPLE_VALUES = {
  cloudEnv: 'your-cloud-env-id',
  merchantNames: ['枫叶咖啡', 'Maple Leaf Café'],
  phone: '+1 604-555-0123',
} as const;

export interface MiniprogramConfig {
  cloudEnv: string;
  merchantName: { zh: string; en: string };
  contact: { phone: string; customerService: boolean };
}

/** One line per setting that still holds a sample value (or none at all). */
export function sampleValueProblems(given: MiniprogramConfig): string[] {
  const problems: string[] = [];
  if (given.cloudEnv.trim() === '' || given.cloudEnv === SAMPLE_VALUES.cloudEnv) problems.push('cloudEnv: put your Cloud Development environment id (DevTools → 云开发 → 设置)');
  for (const language of ['zh', 'en'] as const) {
    const name = given.merchantName[language].trim();
    if (name === '' || (SAMPLE_VALUES.merchantNames as readonly string[]).includes(name)) problems.push(`merchantName.${language}: put your shop's name as payers know it`);
  }
  const phone = given.contact.phone.trim();
  if (phone === SAMPLE_VALUES.phone || (!given.contact.customerService && phone === '')) {
    problems.push('contact.phone: put the shop\'s phone number, or turn on customerService');
  }
  return problems;
}

if (isEntryPoint(__filename)) {
  const problems = sampleValueProblems(config);
  if (problems.length > 0) {
    process.stderr.write(`miniprogram/config.ts still holds sample values; not for upload:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    process.exit(1);
  }
  process.stdout.write('miniprogram/config.ts: no sample values\n');
}
