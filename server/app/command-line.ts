/**
 * The one way the project's command-line tools read their arguments (node:util's parseArgs):
 * `--help`, unknown options refused, whole numbers and dates checked, and exit codes that say
 * whether what was asked happened (0 done, 1 not done, 2 asked wrongly).
 */
import { parseArgs, type ParseArgsConfig } from 'util';

/** The command line was wrong: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What was asked could not be done (OTT Pay unreachable, nothing found): exit 1. */
export class NotDone extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotDone';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function readCommandLine<O extends Options>(args: string[], options: O): { values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values']; positionals: string[]; help: boolean } {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    const { help, ...rest } = values as Record<string, unknown>;
    return { values: rest as never, positionals, help: help === true };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/**
 * `npm run x --flag` (without `--`) hands the flag to npm, which keeps it as npm_config_flag and
 * runs the tool without it: refuse rather than silently doing something else.
 */
export function refuseFlagsNpmTook(options: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const taken = options.filter((name) => env[`npm_config_${name.replace(/-/g, '_')}`] !== undefined);
  if (taken.length > 0) {
    throw new UsageError(`npm took ${taken.map((name) => `--${name}`).join(' ')} for itself: put it after --, as in npm run <script> -- --${taken[0]}`);
  }
}

export function wholeNumber(option: string, text: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) > max) throw new UsageError(`--${option} takes a whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30). */
export function calendarDate(text: string | undefined, what: string): string {
  const match = text === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) return text!;
  }
  throw new UsageError(`${what} takes a date that exists, as YYYY-MM-DD${text === undefined ? '' : `, not ${JSON.stringify(text)}`}`);
}

/** Runs a tool's main and exits with its code: 0 done, 1 not done, 2 asked wrongly. */
export function runTool(name: string, main: () => Promise<void>): void {
  main().then(
    // stdout may be a pipe that has not taken everything yet: exit once it has.
    () => process.stdout.write('', () => process.exit(0)),
    (error: Error) => {
      const usage = error instanceof UsageError;
      process.stderr.write(`${name}: ${error.message}${usage ? ` (see ${name} --help)` : ''}\n`);
      process.exit(usage ? 2 : 1);
    },
  );
}
