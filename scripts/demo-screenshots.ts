/**
 * `npm run screenshots`: every page in every state (scripts/screenshot-scenarios.ts), rendered from
 * the real page code in headless Chromium with WeChat's built-in component styles, status bar,
 * navigation bar and capsule, in Chinese and English, on common iPhone screens; each picture is
 * measured (where the main control ends against the first screen, the smallest tap target, the
 * smallest text, the lowest contrast) and the figures are printed and written to report.json.
 *
 * Needs Debian's `chromium` and `fonts-noto-cjk` (the Chinese pictures are empty boxes without it).
 *
 *   npm run screenshots                      # all pictures, to dist/screenshots (git-ignored)
 *   npm run screenshots -- --out DIR         # elsewhere
 *   npm run screenshots -- --update-docs     # the README's pictures, to docs/screenshots
 *   npm run screenshots -- --only pay-filled,result-paid --phones 320x568 --lang en --dark
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { readCommandLine, refuseFlagsNpmTook, UsageError, wholeNumber } from '../server/app/command-line';
import { launchChromium, type Tab } from '../local/demo/chromium';
import { measureScript, type Measurement } from '../local/demo/measure';
import { pageHtml, PHONES, type Phone } from '../local/demo/page-html';
import { prepareSimulator } from '../local/demo/simulator';
import { SCENARIOS, useSampleClock, type Language, type Scenario } from './screenshot-scenarios';

const USAGE = `Usage: npm run screenshots -- [--out DIR] [--update-docs] [--only ID,...] [--phones WxH,...] [--lang zh,en] [--dark] [--font PX]

  --font PX   WeChat's text size as the root font size: 16 standard (default), 20 or 24 larger`;

/** The README shows each page once per language, at 375 x 667. */
const DOCS = {
  folder: 'docs/screenshots',
  phone: '375x667',
  scenarios: ['pay-filled', 'result-paid', 'result-pending', 'history-list', 'merchant-home', 'staff-list', 'counter-live', 'refund-form', 'collect-amount', 'qr-waiting'],
};

interface Options {
  out: string;
  docs: boolean;
  only?: string[];
  phones: Phone[];
  languages: Language[];
  dark: boolean;
  /** Root font size in px (WeChat's text size setting). */
  fontPx: number;
}

const FLAGS = ['out', 'update-docs', 'only', 'phones', 'lang', 'dark', 'font'] as const;

function parseOptions(args: string[]): Options & { help: boolean } {
  refuseFlagsNpmTook(FLAGS);
  const { values, positionals, help } = readCommandLine(args, {
    out: { type: 'string' },
    'update-docs': { type: 'boolean', default: false },
    only: { type: 'string' },
    phones: { type: 'string' },
    lang: { type: 'string' },
    dark: { type: 'boolean', default: false },
    font: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const list = (value: unknown) => (typeof value === 'string' ? value.split(',').filter(Boolean) : undefined);
  const options: Options & { help: boolean } = { out: (values.out as string | undefined) ?? 'dist/screenshots', docs: values['update-docs'] === true, phones: Object.values(PHONES), languages: ['zh', 'en'], dark: values.dark === true, fontPx: wholeNumber('font', values.font as string | undefined, 16), help };
  if (options.fontPx < 12 || options.fontPx > 32) throw new UsageError('--font takes a size in px from 12 to 32');
  const only = list(values.only);
  if (only) options.only = only;
  const phones = list(values.phones);
  if (phones) {
    options.phones = phones.map((name) => {
      const phone = PHONES[name];
      if (!phone) throw new UsageError(`unknown phone ${name}; known: ${Object.keys(PHONES).join(', ')}`);
      return phone;
    });
  }
  const languages = list(values.lang);
  if (languages) {
    options.languages = languages.map((lang) => {
      if (lang !== 'zh' && lang !== 'en') throw new UsageError(`unknown language ${lang}`);
      return lang;
    });
  }
  if (options.docs) {
    options.out = DOCS.folder;
    options.only = DOCS.scenarios;
    options.phones = [PHONES[DOCS.phone]];
  }
  return options;
}

interface Row extends Measurement {
  file: string;
  scenario: string;
  phone: string;
  language: Language;
  dark: boolean;
}

async function render(tab: Tab, scenario: Scenario, phone: Phone, language: Language, dark: boolean, folder: string, docs: boolean, fontPx: number): Promise<Row> {
  const shot = await scenario.run(language);
  const html = pageHtml(shot.page, shot.name, { title: shot.title, phone, dark, back: shot.back, rootFontPx: fontPx });
  await tab.load(html, { width: phone.width, height: phone.height, dark });
  const measurement = await tab.evaluate<Measurement>(measureScript(scenario.control ?? ''));
  const file = docs ? `${scenario.id}.${language}${dark ? '.dark' : ''}.png` : `${scenario.id}.${language}.${phone.name}${fontPx === 16 ? '' : `.${fontPx}px`}${dark ? '.dark' : ''}.png`;
  writeFileSync(join(folder, file), await tab.screenshot());
  return { file, scenario: scenario.id, phone: phone.name, language, dark, ...measurement };
}

function summarise(rows: Row[]): void {
  const min = <T>(items: T[], value: (item: T) => number) => items.reduce<T | undefined>((best, item) => (best === undefined || value(item) < value(best) ? item : best), undefined);
  console.log('\nWhere the main control ends (px from the top; first screen = screen height minus the home indicator):');
  for (const row of rows.filter((r) => r.controlBottom !== null && r.scenario.startsWith('pay-filled'))) {
    console.log(`  pay-filled ${row.language} ${row.phone}${row.dark ? ' dark' : ''}: ${row.controlBottom} of ${row.screenHeight - row.safeBottom} ${row.controlVisible ? 'visible' : 'BELOW THE FOLD'}`);
  }
  const hidden = rows.filter((r) => r.controlVisible === false);
  console.log(hidden.length ? `  below the first screen: ${hidden.map((r) => r.file).join(', ')}` : '  every scenario: the main control is on the first screen');
  const target = min(rows.filter((r) => r.smallestTarget), (r) => r.smallestTarget!.size);
  const text = min(rows.filter((r) => r.smallestText), (r) => r.smallestText!.size);
  const contrast = min(rows.filter((r) => r.lowestContrast), (r) => r.lowestContrast!.ratio);
  if (target) console.log(`Smallest tap target: ${target.smallestTarget!.size} px ("${target.smallestTarget!.label}", ${target.file})`);
  if (text) console.log(`Smallest text: ${text.smallestText!.size} px ("${text.smallestText!.text}", ${text.file})`);
  if (contrast) console.log(`Lowest text contrast: ${contrast.lowestContrast!.ratio}:1 ("${contrast.lowestContrast!.text}", ${contrast.file})`);
  const problems = [
    ...rows.flatMap((r) => r.contrastFailures.map((f) => `${r.file}: contrast ${f.ratio}:1 "${f.text}"`)),
    ...rows.flatMap((r) => r.smallTargets.map((s) => `${r.file}: target ${s.width}x${s.height} "${s.label}"`)),
    ...rows.flatMap((r) => r.wrappedButtons.map((b) => `${r.file}: button label wraps "${b}"`)),
  ];
  console.log(problems.length ? `Problems (${problems.length}):\n  ${[...new Set(problems)].slice(0, 60).join('\n  ')}` : 'No contrast, target-size or wrapped-button problems.');
}

async function main(): Promise<void> {
  let options: Options & { help: boolean };
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const folder = resolve(options.out);
  mkdirSync(folder, { recursive: true });
  process.env.TZ = 'America/Vancouver';
  useSampleClock();
  prepareSimulator();
  const scenarios = options.only ? SCENARIOS.filter((s) => options.only!.includes(s.id)) : SCENARIOS;
  if (options.only && scenarios.length !== options.only.length) throw new Error(`unknown scenario in ${options.only.join(',')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);

  const browser = await launchChromium();
  const rows: Row[] = [];
  try {
    const tab = await browser.open();
    const themes = options.dark ? [false, true] : [false];
    for (const scenario of scenarios) {
      for (const language of options.languages) {
        for (const phone of options.phones) {
          for (const dark of themes) rows.push(await render(tab, scenario, phone, language, dark, folder, options.docs, options.fontPx));
        }
      }
    }
  } finally {
    await browser.close();
  }
  if (!options.docs) writeFileSync(join(folder, 'report.json'), JSON.stringify(rows, null, 2) + '\n');
  console.log(`wrote ${rows.length} pictures${options.docs ? '' : ' and report.json'} to ${folder}`);
  summarise(rows);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`screenshots failed: ${error.message}`);
    process.exit(1);
  },
);
