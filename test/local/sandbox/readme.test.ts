import { spawn } from 'child_process';
import { JSDOM } from 'jsdom';
import { mkdtempSync, readFileSync } from 'fs';
import net from 'net';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { NO_FAULTS } from '../../../local/sandbox/faults';
import { READING_NAMES } from '../../../local/sandbox/readings';
import { startLocalStack, type LocalStack } from '../../../local/stack';
import { DEFAULT_LOCAL_CLOUD_PORT, DEFAULT_SANDBOX_PORT } from '../../../local/sandbox-credentials';
import { removeDir } from './helpers';

const README = resolve(__dirname, '..', '..', '..', 'README.md');
const STEP_DONE = '@@readme-step-done';
const stepDone = new RegExp(`\\n${STEP_DONE} (\\d+)\\n`);

/** The text under a heading, up to the next heading (outside code blocks) of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  const level = heading.indexOf(' ');
  let inCode = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    if (lines[end].startsWith('```')) inCode = !inCode;
    else if (!inCode && /^#+ /.test(lines[end]) && lines[end].indexOf(' ') <= level) break;
  }
  return lines.slice(start + 1, end).join('\n');
}

/** The commands of the section's sh blocks: comments and blank lines left out, continued lines kept together. */
function shellCommands(text: string): string[] {
  const commands: string[] = [];
  for (const [, block] of text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    let pending = '';
    for (const line of block.split('\n')) {
      if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
      pending += pending === '' ? line : `\n${line}`;
      if (!line.endsWith('\\')) {
        commands.push(pending);
        pending = '';
      }
    }
  }
  return commands;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = net.createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/**
 * Runs the commands in order in one bash, as someone typing them in one terminal: after each, bash
 * reports its exit status and waits until `between` has run before it takes the next one.
 */
async function runInOneShell(commands: string[], between: () => Promise<void>): Promise<string[]> {
  const script = [
    'set -o pipefail',
    `step_done() { local status=$?; printf '\\n${STEP_DONE} %s\\n' "$status"; [ "$status" -eq 0 ] || exit "$status"; read -r _; }`,
    ...commands.flatMap((command) => [command, 'step_done']),
  ].join('\n');
  const shell = spawn('bash', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LOCAL_DATA_DIR: dataDir } });
  const outputs: string[] = [];
  const statuses: number[] = [];
  let stdout = '';
  let stderr = '';
  let steps = Promise.resolve();
  let betweenFailed: unknown = null;
  shell.stdin.on('error', () => undefined);
  shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  shell.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (let match = stepDone.exec(stdout); match; match = stepDone.exec(stdout)) {
      outputs.push(stdout.slice(0, match.index));
      statuses.push(Number(match[1]));
      stdout = stdout.slice(match.index + match[0].length);
      if (match[1] !== '0') continue;
      steps = steps
        .then(between)
        .then(() => void shell.stdin.write('\n'))
        .catch((error: unknown) => {
          betweenFailed ??= error;
          shell.kill();
        });
    }
  });
  const code = await new Promise<number | null>((done) => shell.on('close', done));
  await steps;
  if (betweenFailed) throw betweenFailed;
  expect({ code, stderr, statuses }).toEqual({ code: 0, stderr: '', statuses: commands.map(() => 0) });
  return outputs;
}

let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ottpay-readme-'));
  const defaults = (await portIsFree(DEFAULT_SANDBOX_PORT)) && (await portIsFree(DEFAULT_LOCAL_CLOUD_PORT));
  stack = await startLocalStack({
    dataDir,
    env: {},
    sandboxPort: defaults ? DEFAULT_SANDBOX_PORT : 0,
    cloudPort: defaults ? DEFAULT_LOCAL_CLOUD_PORT : 0,
    sweepIntervalMs: 0,
    log: () => undefined,
  });
});

afterAll(async () => {
  await stack?.close();
  await removeDir(dataDir);
});

it('the payment on the command line runs as the README writes it and ends PAID', async () => {
  const commands = shellCommands(section(readFileSync(README, 'utf8'), '### A payment on the command line'));
  expect(commands.length).toBeGreaterThanOrEqual(3);
  const ports: Record<string, number> = {
    [DEFAULT_SANDBOX_PORT]: stack.sandbox.port,
    [DEFAULT_LOCAL_CLOUD_PORT]: Number(new URL(stack.runtime.url).port),
  };
  const runnable = commands.map((command) =>
    command.replace(/\b(127\.0\.0\.1|localhost):(\d+)\b/g, (text, host: string, port: string) => (port in ports ? `${host}:${ports[port]}` : text)),
  );

  // what a reader does between two commands: reads the answer, by which time a payment's call-back has come
  const callbacksArrived = async (): Promise<void> => {
    for (const transaction of await stack.sandbox.transactions()) {
      if (transaction.paidAt !== undefined) {
        await stack.sandbox.waitForDeliveries(transaction.orderId, (deliveries) => deliveries.some((d) => d.state === 'delivered'));
      }
    }
  };
  const outputs = await runInOneShell(runnable, callbacksArrived);
  expect(outputs).toHaveLength(commands.length);
  expect(outputs[outputs.length - 2]).toContain('"state":"PAID"');
  // what ops show prints: the order as stored in the local database, with its raw call-back
  const shown = JSON.parse(outputs[outputs.length - 1]) as { order: { state: string; orderId: string }; callbacks: { verdict: string }[] };
  expect(shown.order.state).toBe('PAID');
  expect(outputs.map((o) => o.trim())).toContain(shown.order.orderId);
  expect(shown.callbacks.map((c) => c.verdict)).toContain('verified');
}, 30_000);

it("the sandbox's section explains every switch and reading by the console's name for it, and names the console's endpoints", async () => {
  const text = section(readFileSync(README, 'utf8'), '## The OTT Pay sandbox');
  const response = ['mode', 'actions', 'times', 'afterProcessing', 'replyAfterMs'].map((key) => `response.${key}`);
  const switches = [...Object.keys(NO_FAULTS).filter((key) => key !== 'response'), ...response];
  const table = new Map([...text.matchAll(/^\| `([\w.]+)` \(([^)]+)\) \| (.+) \|$/gm)].map(([, name, field, meaning]) => [name, { field, meaning }]));
  expect([...table.keys()].sort()).toEqual([...switches, ...READING_NAMES].sort());
  for (const { meaning } of table.values()) expect(meaning.length).toBeGreaterThan(40);
  const { document } = new JSDOM(await (await fetch(`${stack.sandbox.url}/`)).text()).window;
  for (const [name, { field }] of table) {
    const form = (READING_NAMES as string[]).includes(name) ? '#readings' : '#faults';
    const label = document.querySelector(`${form} [name=${name.replace('response.', '')}]`)!.closest('label')!;
    expect(label.querySelector('.name')!.textContent).toBe(field);
  }
  for (const endpoint of ['GET /sandbox/requests', 'POST /sandbox/test-payment', 'POST /sandbox/callback-sink', 'POST /sandbox/readings']) expect(text).toContain(endpoint);
  expect(text).toContain('OTT_SANDBOX_READINGS');
  expect(text).toContain('requests.db');
});
