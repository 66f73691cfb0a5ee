/**
 * PNG screenshots of the Pay and Result pages as `npm run demo` drives them through the local
 * stack, rendered by Chromium: `npm run screenshots -- [folder]` (default docs/screenshots).
 */
import { execFile } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { startDemoStack } from '../local/demo/local-stack';
import { pageHtml } from '../local/demo/page-html';
import { openPage, parsePageUrl, prepareSimulator, tap, typeOnKeypad, type Page, type PageName } from '../local/demo/simulator';
import { installWxBridge } from '../local/demo/wx-bridge';

const SCREEN = { width: 390, height: 844 };
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

async function screenshot(page: Page, name: PageName, title: string, png: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ottpay-shot-'));
  try {
    const html = join(work, 'page.html');
    writeFileSync(html, pageHtml(page, name, { title, screenWidth: SCREEN.width }));
    await promisify(execFile)(CHROMIUM, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${join(work, 'profile')}`,
      `--window-size=${SCREEN.width},${SCREEN.height}`,
      '--force-device-scale-factor=2',
      `--screenshot=${png}`,
      `file://${html}`,
    ]);
    console.log(`wrote ${png}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? 'docs/screenshots');
  mkdirSync(folder, { recursive: true });
  const stack = await startDemoStack({ verbose: false });
  try {
    prepareSimulator();
    let title = '';
    let result: Page | undefined;
    const bridge = installWxBridge({
      cloudUrl: stack.cloudUrl,
      sandboxUrl: stack.sandboxUrl,
      openid: 'o-demo-payer',
      wallet: 'success',
      language: 'en',
      navigate: (kind, url) => {
        const { path, query } = parsePageUrl(url);
        if (kind !== 'navigateTo' || path !== '/pages/result/index') return false;
        result = openPage('result', query);
        return true;
      },
      onTitle: (text) => (title = text),
    });

    const pay = openPage('pay');
    await bridge.idle();
    await typeOnKeypad(pay, '25.80');
    await tap(pay, '#tip-15');
    await screenshot(pay, 'pay', title, join(folder, 'pay.png'));

    await tap(pay, '#pay');
    await until(() => result?.data.view === 'paid', 'the Result page showing the payment');
    await screenshot(result as Page, 'result', title, join(folder, 'result-paid.png'));
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`screenshots failed: ${error.message}`);
    process.exit(1);
  },
);
