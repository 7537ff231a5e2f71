/**
 * The last line for errors nothing else caught, installed by server.mjs. Each is logged with its
 * context. A busy database never ends the process: it is a wait, not a broken state. A rejected
 * promise nobody awaited is logged and the process goes on: the work it stood for failed, but no
 * synchronous code was left half-run. Any other uncaught exception may have left memory
 * inconsistent halfway through a function, so the process shuts down (exit code 1) for its
 * supervisor to restart it, as Node recommends.
 */
import { isDatabaseUnavailable } from "~/lib/db.server";
import { log } from "~/lib/log.server";

export function installProcessErrorHandlers({ shutdown }: { shutdown: (exitCode: number) => void }) {
  process.on("unhandledRejection", (reason) => {
    const report = isDatabaseUnavailable(reason) ? log.warn : log.error;
    report("unhandled promise rejection", { error: reason, pid: process.pid });
  });
  process.on("uncaughtException", (error, origin) => {
    if (isDatabaseUnavailable(error)) {
      log.warn("uncaught error: database unavailable; the server carries on", { error, origin, pid: process.pid });
      return;
    }
    log.error("uncaught exception: shutting down", { error, origin, pid: process.pid });
    shutdown(1);
  });
}
