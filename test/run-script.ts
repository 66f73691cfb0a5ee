/** Runs one of the project's TypeScript entry points as its own node process, as npm scripts do. */
import { spawn } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  stdin?: string;
  /** Start through the tsx command line, as `npm run` does, instead of node's require hook. */
  viaTsxCli?: boolean;
}

/** The machine's environment without the variables whose names `drop` accepts, plus `extra`. */
export function environmentWithout(drop: (name: string) => boolean, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!drop(key)) env[key] = value;
  return { ...env, ...extra };
}

export function runScript(script: string, args: string[], options: RunOptions): Promise<Run> {
  const loader = options.viaTsxCli ? [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs')] : ['-r', 'tsx/cjs'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...loader, script, ...args], { cwd: ROOT, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
