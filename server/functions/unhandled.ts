/**
 * A promise rejected with nobody waiting (an SDK's own background request, for one) is logged as
 * one line, instead of ending the function's process and every call it holds.
 */
/** On the process, not in this module: every bundle loaded into one process has its own copy of the module. */
const INSTALLED = Symbol.for('ottpay.unhandledRejectionLogger');

export function logUnhandledRejections(): void {
  const marked = process as unknown as Record<symbol, boolean>;
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  process.on('unhandledRejection', (reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason);
    console.error(JSON.stringify({ level: 'error', event: 'unhandled_rejection', message, at: new Date().toISOString() }));
  });
}
