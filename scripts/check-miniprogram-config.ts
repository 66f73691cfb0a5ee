/**
 * `npm run --silent check:miniprogram`: refuses a mini-program whose `miniprogram/config.ts` still
 * holds the repository's sample values (environment id, shop name and line, phone number). WeChat DevTools
 * runs it before every upload (project.config.json `scripts.beforeUpload`, with 详情 → 本地设置 →
 * 启用自定义处理命令 on), so a build that would greet reviewers and payers with a sample shop, or
 * fail every call with a made-up environment, is not uploaded.
 */
import { config } from '../miniprogram/config';
import { sampleValueProblems } from '../miniprogram/utils/sample-config';
import { isEntryPoint } from '../server/app/entry-point';

if (isEntryPoint(__filename)) {
  const problems = sampleValueProblems(config);
  if (problems.length > 0) {
    process.stderr.write(`miniprogram/config.ts still holds sample values; not for upload:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    process.exit(1);
  }
  process.stdout.write('miniprogram/config.ts: no sample values\n');
}
