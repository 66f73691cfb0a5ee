import { readFileSync } from 'fs';
import { join } from 'path';
import { config } from '../../miniprogram/config';
import { sampleValueProblems, SAMPLE_VALUES } from '../../miniprogram/utils/sample-config';
import { runScript } from '../run-script';

const own = { cloudEnv: 'shop-prod-1a2b3c', merchantName: { zh: '北岸面包', en: 'North Shore Bakery' }, about: { zh: '面包与咖啡 · 北温哥华', en: 'Bread & coffee · North Vancouver' }, contact: { phone: '+1 250-555-7788', customerService: false } };

describe('a mini-program with the sample values is not uploaded', () => {
  it('names each setting that still holds a sample value', () => {
    expect(sampleValueProblems(own)).toEqual([]);
    expect(sampleValueProblems({ ...own, cloudEnv: SAMPLE_VALUES.cloudEnv })).toEqual([expect.stringMatching(/^cloudEnv: /)]);
    expect(sampleValueProblems({ ...own, merchantName: { zh: '枫叶咖啡', en: 'North Shore Bakery' } })).toEqual([expect.stringMatching(/^merchantName\.zh: /)]);
    expect(sampleValueProblems({ ...own, about: { zh: '面包与咖啡 · 北温哥华', en: SAMPLE_VALUES.abouts[1] } })).toEqual([expect.stringMatching(/^about\.en: /)]);
    expect(sampleValueProblems({ ...own, contact: { phone: SAMPLE_VALUES.phone, customerService: true } })).toEqual([expect.stringMatching(/^contact\.phone: /)]);
    expect(sampleValueProblems({ ...own, contact: { phone: '', customerService: true } })).toEqual([]);
    expect(sampleValueProblems({ ...own, contact: { phone: '', customerService: false } })).toEqual([expect.stringMatching(/^contact\.phone: /)]);
  });

  it('refuses the repository as it is: its config holds the samples, and the command says so and exits 1', async () => {
    expect(sampleValueProblems(config)).toHaveLength(6);
    const run = await runScript('scripts/check-miniprogram-config.ts', [], { env: process.env, viaTsxCli: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('miniprogram/config.ts still holds sample values; not for upload:\n  cloudEnv: ');
  });

  it('is what WeChat DevTools runs before an upload', () => {
    const project = JSON.parse(readFileSync(join(__dirname, '..', '..', 'project.config.json'), 'utf8')) as { scripts?: { beforeUpload?: string } };
    expect(project.scripts?.beforeUpload).toBe('npm run --silent check:miniprogram');
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['check:miniprogram']).toBe('tsx scripts/check-miniprogram-config.ts');
  });
});
