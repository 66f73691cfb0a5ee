import * as fs from 'fs';
import * as path from 'path';
import { installWx, MINIPROGRAM_ROOT } from './helpers';

interface AppOptions {
  globalData: { env: string; language: string; cloudReady: boolean };
  onLaunch(this: AppOptions): void;
}

function loadApp(): AppOptions {
  let options: AppOptions | undefined;
  (globalThis as { App?: unknown }).App = (o: AppOptions) => {
    options = o;
  };
  jest.isolateModules(() => {
    require('../../miniprogram/app');
  });
  if (!options) throw new Error('App() was not called');
  return options;
}

test('app initialises wx.cloud with the configured environment', () => {
  const wxMock = installWx({}, 'en_GB');
  const init = jest.fn();
  (wxMock.cloud as unknown as { init: jest.Mock }).init = init;
  const app = loadApp();
  app.onLaunch.call(app);
  expect(init).toHaveBeenCalledWith({ env: 'your-cloud-env-id', traceUser: true });
  expect(app.globalData).toEqual({ env: 'your-cloud-env-id', language: 'en', cloudReady: true });
});

const PAGES = ['pay', 'result', 'history', 'merchant', 'refund', 'collect', 'qr', 'staff', 'counter'].map((name) => `pages/${name}/index`);

test('app.json lists the pay page first and every page has its four files; only Pay may be indexed', () => {
  const appJson = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[] };
  expect(appJson.pages[0]).toBe('pages/pay/index');
  expect(appJson.pages).toEqual(PAGES);
  const sitemap = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'sitemap.json'), 'utf8')) as { rules: Array<{ action: string; page: string }> };
  expect(sitemap.rules.filter((r) => r.action === 'disallow').map((r) => r.page)).toEqual(PAGES.slice(1));
  for (const page of appJson.pages) {
    for (const ext of ['.ts', '.wxml', '.wxss', '.json']) expect(fs.existsSync(path.join(MINIPROGRAM_ROOT, page + ext))).toBe(true);
  }
  const history = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'pages/history/index.json'), 'utf8')) as { enablePullDownRefresh?: boolean };
  expect(history.enablePullDownRefresh).toBe(true);
});

test('dark mode: app.json takes its colours from theme.json, which has them for light and dark', () => {
  const appJson = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { darkmode: boolean; themeLocation: string; window: Record<string, string> };
  expect(appJson.darkmode).toBe(true);
  const theme = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, appJson.themeLocation), 'utf8')) as Record<'light' | 'dark', Record<string, string>>;
  const variables = Object.values(appJson.window).filter((v) => v.startsWith('@')).map((v) => v.slice(1));
  expect(variables.length).toBeGreaterThanOrEqual(4);
  for (const name of variables) {
    expect(theme.light[name]).toEqual(expect.any(String));
    expect(theme.dark[name]).toEqual(expect.any(String));
  }
  expect(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.wxss'), 'utf8')).toContain('@media (prefers-color-scheme: dark)');
});

test('every page follows the WeChat font size (rem from page-meta) and keeps clear of the home indicator', () => {
  for (const page of PAGES) {
    const wxml = fs.readFileSync(path.join(MINIPROGRAM_ROOT, page + '.wxml'), 'utf8');
    expect({ page, first: wxml.trimStart().startsWith('<page-meta root-font-size="system"') }).toEqual({ page, first: true });
  }
  const styles = [...PAGES.map((page) => page + '.wxss'), 'app.wxss', 'components/keypad/index.wxss', 'components/order-item/index.wxss', 'components/order-details/index.wxss']
    .map((file) => fs.readFileSync(path.join(MINIPROGRAM_ROOT, file), 'utf8'))
    .join('\n');
  expect(styles).not.toMatch(/font-size:\s*\d+(rpx|px)/);
  expect(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.wxss'), 'utf8')).toContain('env(safe-area-inset-bottom)');
});

test('the mini-program holds no secret and calls wx.cloud / wx.requestPayment only from services/', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(MINIPROGRAM_ROOT);
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    expect({ file, secret: /sign[\s_-]?key|signkey|secret|password/i.test(source) }).toEqual({ file, secret: false });
    const relative = path.relative(MINIPROGRAM_ROOT, file);
    if (!relative.startsWith('services') && relative !== 'app.ts') {
      expect({ file, direct: /wx\.cloud|wx\.requestPayment/.test(source) }).toEqual({ file, direct: false });
    }
  }
});
