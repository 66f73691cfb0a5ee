/**
 * The process the local runtime runs the functions in when it imitates CloudBase's functions V2:
 * the real @cloudbase/functions-framework serving every uploaded bundle in one process, several
 * requests at once, the caller in `context.extendedContext` (from a header only the runtime sets).
 * Its arguments are the framework's own; it exits when the runtime goes away, even after SIGKILL.
 */
import { runCLI } from '@cloudbase/functions-framework';

process.on('disconnect', () => process.exit(0));
void runCLI();
