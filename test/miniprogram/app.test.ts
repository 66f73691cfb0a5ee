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

test('app.json lists the pay page first and every page has its four files', () => {
  const appJson = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[] };
  expect(appJson.pages[0]).toBe('pages/pay/index');
  expect(appJson.pages).toEqual(['pages/pay/index', 'pages/result/index', 'pages/history/index', 'pages/merchant/index']);
  for (const page of appJson.pages) {
    for (const ext of ['.ts', '.wxml', '.wxss', '.json']) expect(fs.existsSync(path.join(MINIPROGRAM_ROOT, page + ext))).toBe(true);
  }
  const history = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'pages/history/index.json'), 'utf8')) as { enablePullDownRefresh?: boolean };
  expect(history.enablePullDownRefresh).toBe(true);
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
