export interface ConfirmOptions {
  title: string;
  content: string;
  confirmText: string;
  cancelText: string;
  /** Red for a step that cannot be undone. */
  destructive?: boolean;
}

/** A red with AA contrast on the dialog's white: WeChat's own #fa5151 has 3.3:1. */
const DESTRUCTIVE_COLOR = '#d93025';

/** A yes/no question; resolves true only when the person confirms. */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      wx.showModal({
        title: options.title,
        content: options.content,
        confirmText: options.confirmText,
        cancelText: options.cancelText,
        ...(options.destructive ? { confirmColor: DESTRUCTIVE_COLOR } : {}),
        success: (res) => resolve(res.confirm === true),
        fail: () => resolve(false),
      });
    } catch {
      resolve(false);
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
