/**
 * Runs the OTT Pay sandbox: `npx tsx local/sandbox/main.ts`.
 * Environment: OTT_SANDBOX_PORT, LOCAL_DATA_DIR (default ./.local-data), OTT_MERCHANT_ID,
 * OTT_OPERATOR_ID, OTT_SIGN_KEY (defaults: the sandbox credentials), OTT_SANDBOX_READINGS (JSON).
 */
import { resolve, join } from 'path';
import { DEFAULT_SANDBOX_PORT, SANDBOX_CREDENTIALS } from '../sandbox-credentials';
import { readingsFromEnvironment, startSandbox } from './index';

function portFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SANDBOX_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`OTT_SANDBOX_PORT is not a port: ${value}`);
  return port;
}

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = join(resolve(env.LOCAL_DATA_DIR || './.local-data'), 'sandbox');
  const sandbox = await startSandbox({
    port: portFrom(env.OTT_SANDBOX_PORT),
    dataDir,
    merchantId: env.OTT_MERCHANT_ID || SANDBOX_CREDENTIALS.merchantId,
    operatorId: env.OTT_OPERATOR_ID || SANDBOX_CREDENTIALS.operatorId,
    signKey: env.OTT_SIGN_KEY || SANDBOX_CREDENTIALS.signKey,
    readings: readingsFromEnvironment(env),
    log: (line) => console.log(`[ott-sandbox] ${line}`),
  });
  console.log(`OTT Pay sandbox: ${sandbox.url}  (console ${sandbox.url}/, API ${sandbox.url}/processV2, data ${dataDir})`);
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`OTT Pay sandbox failed to start: ${(error as Error).message}`);
  process.exit(1);
});
