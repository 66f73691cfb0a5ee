/** A yes/no question; resolves true only when the person confirms. */
export function confirmDialog(options: { title: string; content: string; confirmText: string; cancelText: string }): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      wx.showModal({
        title: options.title,
        content: options.content,
        confirmText: options.confirmText,
        cancelText: options.cancelText,
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
