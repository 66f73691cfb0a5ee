/**
 * A promise rejected with nobody waiting (an SDK's own background request, for one) is logged as
 * one line, instead of ending the function's process and every call it holds.
 */
let installed = false;

export function logUnhandledRejections(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason);
    console.error(JSON.stringify({ level: 'error', event: 'unhandled_rejection', message, at: new Date().toISOString() }));
  });
}
