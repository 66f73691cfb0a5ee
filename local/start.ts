/** `npm start`: the local stack on loopback until Ctrl-C. */
import { startLocalStack } from './stack';

async function main(): Promise<void> {
  const stack = await startLocalStack();
  console.log(
    [
      '',
      `OTT Pay sandbox      ${stack.sandbox.url}   (console: open it in a browser)`,
      `Local cloud runtime  ${stack.runtime.url}   (POST /functions/<name>, header x-wx-openid)`,
      `Payment call-backs   ${stack.callbackUrl}`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    stack.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`npm start failed: ${error.message}`);
  process.exit(1);
});
