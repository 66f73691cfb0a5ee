/** The payment notice: WeChat asks the payer, on a tap, whether to receive one (a one-time subscription). */

/** true only when the payer accepts; a refusal, a dismissal or a phone that cannot ask are all "no". */
export function askForReceipt(templateId: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds: [templateId],
        success: (res) => resolve((res as unknown as Record<string, string>)[templateId] === 'accept'),
        fail: () => resolve(false),
      });
    } catch {
      resolve(false);
    }
  });
}
