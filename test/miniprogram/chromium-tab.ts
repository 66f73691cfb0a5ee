/** One headless Chromium tab for a test file's layout checks: opened before its tests, closed after. */
import { launchChromium, type Browser, type Tab } from '../../local/demo/chromium';

export function chromiumTab(): { readonly tab: Tab } {
  let browser: Browser | undefined;
  let tab: Tab | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    tab = await browser.open();
  }, 30_000);
  afterAll(() => browser?.close());
  return {
    get tab(): Tab {
      if (!tab) throw new Error('the Chromium tab is opened in beforeAll');
      return tab;
    },
  };
}
