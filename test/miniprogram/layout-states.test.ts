/**
 * States of the Result and Refund pages as WeChat draws them, measured in headless Chromium. Needs
 * Debian's chromium and fonts-noto-cjk.
 */
import { launchChromium, type Browser, type Tab } from '../../local/demo/chromium';
import { measureScript, type Measurement } from '../../local/demo/measure';
import { confirmDialog } from '../../miniprogram/services/dialog';
import { installWx } from './helpers';

let browser: Browser;
let tab: Tab;
beforeAll(async () => {
  browser = await launchChromium();
  tab = await browser.open();
}, 30_000);
afterAll(() => browser?.close());

/** WeChat's modal: white in light mode, #2c2c2c in dark mode; the confirm label at 17 px. */
const DIALOG_BACKGROUND = { light: '#ffffff', dark: '#2c2c2c' } as const;

test.each(['light', 'dark'] as const)("a refund's red confirm has AA contrast on WeChat's %s dialog", async (theme) => {
  const wxMock = installWx({});
  wxMock.getAppBaseInfo.mockReturnValue({ language: 'zh_CN', SDKVersion: '3.8.0', theme });
  await confirmDialog({ title: '退款 CAD 10.00', content: '', confirmText: '确认退款', cancelText: '取消', destructive: true });
  const { confirmColor } = wxMock.showModal.mock.calls[0][0] as { confirmColor: string };
  await tab.load(
    `<body style="margin:0;background:${DIALOG_BACKGROUND[theme]}"><div style="font-size:17px;color:${confirmColor}">确认退款</div></body>`,
    { width: 320, height: 100 },
  );
  const m = await tab.evaluate<Measurement>(measureScript(''));
  expect(m.contrastFailures).toEqual([]);
  expect(m.lowestContrast!.ratio).toBeGreaterThanOrEqual(4.5);
});
