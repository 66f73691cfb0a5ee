/**
 * One writer per data folder. The embedded store rewrites its files when it opens and closes, so
 * two processes on one LOCAL_DATA_DIR lose data: `npm start` (and `ops --local` when it writes)
 * holds `stack.lock` there, naming its process and URLs. A lock left by a process that no longer
 * runs (killed with SIGKILL) is taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'fs';
import { join } from 'path';

export interface LockHolder {
  pid: number;
  startedAt: string;
  /** What holds it: 'npm start' or an ops command. */
  by: string;
  /** The local cloud runtime of a running stack, which ops goes through. */
  cloudUrl?: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${dir} is in use by ${holder.by} (process ${holder.pid}, since ${holder.startedAt}${holder.cloudUrl ? `, cloud runtime ${holder.cloudUrl}` : ''}). ` +
        'Stop it first, or give this one another LOCAL_DATA_DIR.',
    );
    this.name = 'DataDirInUseError';
  }
}

function lockFile(dir: string): string {
  return join(dir, 'stack.lock');
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the folder, if any. */
export function lockHolder(dir: string): LockHolder | null {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(lockFile(dir), 'utf8')) as LockHolder;
  } catch {
    return null;
  }
  return Number.isInteger(holder.pid) && running(holder.pid) ? holder : null;
}

export interface DataLock {
  /** Records the running stack's URL for others to find. */
  update(fields: Partial<LockHolder>): void;
  release(): void;
}

/** Takes the folder for this process, or throws DataDirInUseError naming who holds it. */
export function acquireDataLock(dir: string, by: string): DataLock {
  mkdirSync(dir, { recursive: true });
  const file = lockFile(dir);
  let holder: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), by };
  for (;;) {
    try {
      writeFileSync(file, JSON.stringify(holder), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = lockHolder(dir);
      if (current) throw new DataDirInUseError(dir, current);
      unlinkSync(file);
    }
  }
  let released = false;
  return {
    update(fields) {
      holder = { ...holder, ...fields };
      if (!released) writeFileSync(file, JSON.stringify(holder));
    },
    release() {
      if (released) return;
      released = true;
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}
