import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';

export interface TimerTrigger {
  name: string;
  /** CloudBase's seven-field cron expression, kept for display; locally the period is configured. */
  config: string;
}

export interface LoadedFunction {
  name: string;
  /** The bundle WeChat DevTools uploads: cloudfunctions/<name>/index.js. */
  bundle: string;
  /** Seconds, from cloudbaserc.json, where CloudBase reads it (3 when absent, CloudBase's default). */
  timeoutSeconds: number;
  timers: TimerTrigger[];
}

interface FunctionConfig {
  triggers?: Array<{ name: string; type: string; config: string }>;
}

/** What `tcb fn deploy` reads of each function in cloudbaserc.json. */
interface DeployedFunction {
  name: string;
  timeout?: number;
}

const DEFAULT_TIMEOUT_SECONDS = 3;

/** Every cloudfunctions/<name>/ that has a TypeScript entry, with its bundle's path; timeouts come from the cloudbaserc.json beside it. */
export function loadFunctions(cloudfunctionsDir: string): LoadedFunction[] {
  const rcPath = join(cloudfunctionsDir, '..', 'cloudbaserc.json');
  const deployed: DeployedFunction[] = existsSync(rcPath) ? (JSON.parse(readFileSync(rcPath, 'utf8')) as { functions?: DeployedFunction[] }).functions ?? [] : [];
  const loaded: LoadedFunction[] = [];
  for (const name of readdirSync(cloudfunctionsDir).sort()) {
    const entry = join(cloudfunctionsDir, name, 'src', 'index.ts');
    if (!existsSync(entry)) continue;
    const configPath = join(cloudfunctionsDir, name, 'config.json');
    const config: FunctionConfig = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : {};
    loaded.push({
      name,
      bundle: join(cloudfunctionsDir, name, 'index.js'),
      timeoutSeconds: deployed.find((f) => f.name === name)?.timeout ?? DEFAULT_TIMEOUT_SECONDS,
      timers: (config.triggers ?? []).filter((t) => t.type === 'timer').map((t) => ({ name: t.name, config: t.config })),
    });
  }
  return loaded;
}
