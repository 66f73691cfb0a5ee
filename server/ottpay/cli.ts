/**
 * Command-line tool: npm run --silent ottpay -- <command>. Other tools script it, so stdout
 * carries only the result (one JSON line) and every problem is one "error: …" line on stderr.
 * Exit codes: 0 done, 1 did not verify or OTT Pay trouble, 2 usage or configuration error.
 */
import { readCallbackEnvelope, CallbackRejected } from './callback';
import { OttClient } from './client';
import { seal, unseal, VerificationError } from './codec';
import { ConfigError, loadOttConfig, SIGN_KEY_PATTERN } from './config';
import type { OttOutcome } from './outcome';
import type { Transport } from './transport';
import { readCommandLine, refuseFlagsNpmTook, UsageError } from '../app/command-line';
import { isEntryPoint } from '../app/entry-point';
import { DEFAULT_SANDBOX_PORT, SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';

export interface CliIo {
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  transport?: Transport;
}

const USAGE = `Usage: npm run --silent ottpay -- <command>

Commands:
  encrypt [--sign-key KEY]   read business data (a flat JSON object of strings) on stdin,
                             print {"md5":"…","data":"…"}
  decrypt [--sign-key KEY]   read a response or call-back envelope (JSON) on stdin,
                             print the verified business data
  query ORDER_ID [--local]   STATUS_QUERY an order, print the result
  rate [CURRENCY] [--local]  EX_RATE_QUERY (default: OTT_CURRENCY), print the rate
  help, --help               print this text

The sign key comes from --sign-key or OTT_SIGN_KEY. query and rate read OTT_API_URL,
OTT_MERCHANT_ID, OTT_OPERATOR_ID, OTT_SIGN_KEY, OTT_CALLBACK_URL and the optional OTT_* settings;
with --local they ask the local stack's sandbox (OTT_SANDBOX_PORT, default 8700) with its
credentials, and need none of them.
Exit status: 0 done, 1 did not verify or OTT Pay trouble, 2 usage or configuration error.
`;

class Failure extends Error {}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function signKeyFrom(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const key = option ?? env.OTT_SIGN_KEY?.trim();
  if (!key) throw new UsageError('no sign key: pass --sign-key KEY or set OTT_SIGN_KEY');
  if (!SIGN_KEY_PATTERN.test(key)) throw new UsageError('the sign key must be exactly 16 characters of 0-9, A-Z, a-z');
  return key;
}

function noMoreThan(args: string[], max: number): string[] {
  if (args.length > max) throw new UsageError('too many arguments');
  return args;
}

/** The local stack's sandbox and its credentials, whatever OTT_* says. */
function localEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    OTT_API_URL: `http://127.0.0.1:${env.OTT_SANDBOX_PORT || DEFAULT_SANDBOX_PORT}/processV2`,
    OTT_MERCHANT_ID: SANDBOX_CREDENTIALS.merchantId,
    OTT_OPERATOR_ID: SANDBOX_CREDENTIALS.operatorId,
    OTT_SIGN_KEY: SANDBOX_CREDENTIALS.signKey,
    OTT_CALLBACK_URL: env.OTT_CALLBACK_URL || 'http://127.0.0.1/unused',
  };
}

function flatStrings(input: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw new Failure('stdin is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Failure('stdin must be a JSON object');
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Failure(`field "${oneLine(key).slice(0, 40)}" must be a string`);
  }
  return parsed as Record<string, string>;
}

function clientFrom(io: CliIo, local: boolean): OttClient {
  try {
    return new OttClient(loadOttConfig(local ? localEnv(io.env) : io.env), io.transport);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function resultOf<T>(outcome: OttOutcome<T>): T {
  if (outcome.kind === 'ok') return outcome.value;
  throw new Failure(`${outcome.kind} ${outcome.code}: ${oneLine(outcome.message)}`);
}

async function run(args: string[], io: CliIo): Promise<string | undefined> {
  refuseFlagsNpmTook(['sign-key', 'local'], io.env);
  const { values, positionals, help } = readCommandLine(args, { 'sign-key': { type: 'string' }, local: { type: 'boolean', default: false } });
  const [command, ...rest] = positionals;
  const signKeyOption = values['sign-key'] as string | undefined;
  const local = values.local === true;
  if (signKeyOption !== undefined && command !== 'encrypt' && command !== 'decrypt') throw new UsageError('--sign-key goes with encrypt and decrypt');
  if (local && command !== 'query' && command !== 'rate') throw new UsageError('--local goes with query and rate');
  if (help || command === 'help') {
    noMoreThan(rest, 0);
    io.stdout(USAGE);
    return undefined;
  }
  switch (command) {
    case 'encrypt': {
      noMoreThan(rest, 0);
      const key = signKeyFrom(signKeyOption, io.env);
      return JSON.stringify(seal(flatStrings(await io.readStdin()), key));
    }
    case 'decrypt': {
      noMoreThan(rest, 0);
      const key = signKeyFrom(signKeyOption, io.env);
      const envelope = readCallbackEnvelope(await io.readStdin(), undefined);
      return JSON.stringify(unseal(envelope, key));
    }
    case 'query': {
      const [orderId] = noMoreThan(rest, 1);
      if (orderId === undefined) throw new UsageError('query needs an ORDER_ID');
      if (!/^[A-Za-z0-9]{1,32}$/.test(orderId)) throw new UsageError('ORDER_ID must be 1 to 32 ASCII letters or digits');
      return JSON.stringify(resultOf(await clientFrom(io, local).statusQuery(orderId)));
    }
    case 'rate': {
      const [currency] = noMoreThan(rest, 1);
      if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) throw new UsageError('CURRENCY must be three uppercase letters');
      const client = clientFrom(io, local);
      const { feeType, rateE8 } = resultOf(await (currency === undefined ? client.exchangeRate() : client.exchangeRate(currency)));
      return JSON.stringify({ feeType, rateE8, rate: rateE8 / 1e8 });
    }
    case undefined:
      throw new UsageError('no command (try "help")');
    default:
      throw new UsageError(`unknown command "${oneLine(command).slice(0, 40)}" (try "help")`);
  }
}

/** Runs one command and returns the exit status. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  try {
    const output = await run(args, io);
    if (output !== undefined) io.stdout(`${output}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${oneLine(error.message)}\n`);
      return 2;
    }
    if (error instanceof VerificationError || error instanceof CallbackRejected) {
      io.stderr(`error: ${error.reason}: ${oneLine(error.message)}\n`);
      return 1;
    }
    if (error instanceof Failure) {
      io.stderr(`error: ${oneLine(error.message)}\n`);
      return 1;
    }
    io.stderr(`error: unexpected failure: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

if (isEntryPoint(__filename)) {
  void runCli(process.argv.slice(2), {
    readStdin: () => readAll(process.stdin),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  }).then((status) => {
    process.exitCode = status;
  });
}
