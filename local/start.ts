/** `npm start`: the local stack on loopback until Ctrl-C. */
import { ConfigurationError } from '../server/app/configuration';
import { startLocalStack, SWEEP_ROUTE } from './stack';

async function main(): Promise<void> {
  const stack = await startLocalStack();
  console.log(
    [
      '',
      `OTT Pay sandbox      ${stack.sandbox.url}   (console: open it in a browser)`,
      `Local cloud runtime  ${stack.runtime.url}   (POST /functions/<name>, header x-wx-openid)`,
      `Local database       ${stack.runtime.databaseUrl}   (CloudBase's database API; faults: POST /local/database)`,
      `Payment call-backs   ${stack.callbackUrl}`,
      `Sweep route          ${stack.runtime.url}/http${SWEEP_ROUTE}   (POST with Authorization: Bearer SWEEP_SECRET)`,
      `Functions platform   ${stack.runtime.platform === 'v2' ? 'V2: the functions framework, no timers (LOCAL_FUNCTIONS_PLATFORM)' : 'V1 (LOCAL_FUNCTIONS_PLATFORM=v2 imitates V2)'}`,
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
  if (error instanceof ConfigurationError) {
    console.error(`npm start: the configuration cannot be used:\n${error.problems.map((p) => `  ${p.variable} ${p.problem}`).join('\n')}`);
  } else {
    console.error(`npm start failed: ${error.message}`);
  }
  process.exit(1);
});
