export interface ConfirmOptions {
  title: string;
  content: string;
  confirmText: string;
  cancelText: string;
  /** Red for a step that cannot be undone. */
  destructive?: boolean;
}

/**
 * Reds with AA contrast on WeChat's dialog, white in light mode and #2c2c2c in dark mode (WeChat's
 * own #fa5151 has 3.3:1 on white). No single red reaches 4.5:1 on both.
 */
export const DESTRUCTIVE_COLORS = { light: '#d93025', dark: '#ff7b72' } as const;

function destructiveColor(): string {
  try {
    return wx.getAppBaseInfo().theme === 'dark' ? DESTRUCTIVE_COLORS.dark : DESTRUCTIVE_COLORS.light;
  } catch {
    return DESTRUCTIVE_COLORS.light;
  }
}

/** WeChat's limit on a dialog button's label (showModal's confirmText and cancelText). */
export const DIALOG_LABEL_MAX = 4;

/** What came of a question: the person's answer, or a dialog that could not be shown (the caller says so). */
export type Answer = 'yes' | 'no' | 'failed';

/** A yes/no question; 'yes' only when the person confirms. */
export function confirmDialog(options: ConfirmOptions): Promise<Answer> {
  return new Promise((resolve) => {
    try {
      wx.showModal({
        title: options.title,
        content: options.content,
        confirmText: options.confirmText,
        cancelText: options.cancelText,
        ...(options.destructive ? { confirmColor: destructiveColor() } : {}),
        success: (res) => resolve(res.confirm === true ? 'yes' : 'no'),
        fail: () => resolve('failed'),
      });
    } catch {
      resolve('failed');
    }
  });
}

export function toast(title: string, icon: 'success' | 'none' = 'none'): void {
  try {
    wx.showToast({ title, icon });
  } catch {
    // a toast that cannot be shown changes nothing
  }
}
