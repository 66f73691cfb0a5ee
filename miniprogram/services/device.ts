/** The phone's own abilities a page uses: clipboard, phone calls, the privacy guide, the screen. */

/** Copies text; WeChat itself confirms with "内容已复制" / "Copied"; false when it could not (the caller says so). */
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

/** The screen stays on while a page needs it (the counter), or goes back to the phone's own timeout. */
export function keepScreenOn(on: boolean): void {
  try {
    wx.setKeepScreenOn({ keepScreenOn: on });
  } catch {
    // the screen may dim; the page still works
  }
}

/** Opens the privacy guide filled in on the admin console (base library 2.32.3); false when it could not (the caller says so). */
export function openPrivacyGuide(): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      wx.openPrivacyContract({ success: () => resolve(true), fail: () => resolve(false) });
    } catch {
      resolve(false);
    }
  });
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

/**
 * Android with automatic brightness reports the value from before it was automatic: setting that
 * back would leave the screen fixed. -1 hands brightness back to the system there.
 */
function brightnessToRestore(saved: number): number {
  return devicePlatform() === 'android' ? -1 : saved;
}

/** 'ios', 'android', 'devtools' (WeChat DevTools), …; '' when the phone does not say. */
function devicePlatform(): string {
  try {
    return wx.getDeviceInfo().platform;
  } catch {
    return '';
  }
}

/** Running in WeChat DevTools: where the developer, not a payer, reads the page. */
export function inDevTools(): boolean {
  return devicePlatform() === 'devtools';
}

export function releaseScreen(): void {
  try {
    wx.setKeepScreenOn({ keepScreenOn: false });
    if (savedBrightness !== undefined) wx.setScreenBrightness({ value: brightnessToRestore(savedBrightness) });
  } catch {
    // nothing to give back
  }
  savedBrightness = undefined;
}
