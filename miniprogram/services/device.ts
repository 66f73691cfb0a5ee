/** The phone's own abilities a page uses: clipboard, phone calls, the screen. */

/** Copies text; WeChat itself confirms with "内容已复制" / "Copied". */
export function copyText(data: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      wx.setClipboardData({ data, success: () => resolve(true), fail: () => resolve(false) });
    } catch {
      resolve(false);
    }
  });
}

export function callPhone(phoneNumber: string): void {
  try {
    wx.makePhoneCall({ phoneNumber });
  } catch {
    // the dialler cannot be opened here (e.g. on a computer); the number stays on screen
  }
}

/** The brightness before brightScreen(), to give back. */
let savedBrightness: number | undefined;

/** Keeps the screen on at full brightness (a QR code to be scanned), until releaseScreen(). */
export function brightScreen(): void {
  try {
    wx.setKeepScreenOn({ keepScreenOn: true });
    wx.getScreenBrightness({
      success: (res) => {
        if (savedBrightness === undefined) savedBrightness = res.value;
        wx.setScreenBrightness({ value: 1 });
      },
    });
  } catch {
    // not every platform can; the code still shows
  }
}

export function releaseScreen(): void {
  try {
    wx.setKeepScreenOn({ keepScreenOn: false });
    if (savedBrightness !== undefined) wx.setScreenBrightness({ value: savedBrightness });
  } catch {
    // nothing to give back
  }
  savedBrightness = undefined;
}
