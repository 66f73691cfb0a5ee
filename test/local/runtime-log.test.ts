import { newRequestId, PAYER, startTestStack } from './harness';

describe('the local runtime’s log', () => {
  it('says of every call whether it succeeded, with its error code or HTTP status and its duration', async () => {
    const lines: string[] = [];
    const stack = await startTestStack({ log: (line) => lines.push(line) });
    try {
      await stack.call('createPayment', { amountCents: 1200, requestId: newRequestId('log') }, PAYER);
      await stack.call('createPayment', { amountCents: 0, requestId: newRequestId('log') }, PAYER);
      await stack.post(stack.callbackUrl, { junk: true });
      const calls = lines.filter((line) => /^\[cloud\] (createPayment|paymentCallback) /.test(line));
      expect(calls).toEqual([
        expect.stringMatching(/^\[cloud\] createPayment ok \d+ms \(o-payer-0001\)$/),
        expect.stringMatching(/^\[cloud\] createPayment INVALID_AMOUNT \d+ms \(o-payer-0001\)$/),
        expect.stringMatching(/^\[cloud\] paymentCallback HTTP 400 \d+ms$/),
      ]);
    } finally {
      await stack.close();
    }
  });
});
