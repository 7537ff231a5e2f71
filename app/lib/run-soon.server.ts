/**
 * Background work asked for right after a commit (sending the email a write queued), run in this
 * process only while it runs background jobs (`start` … `stop`): never twice at once, and once more
 * when asked again while running, so nothing asked for waits for the next job interval. The jobs
 * still run the same work every interval, in case this process stops first. `stop` asks the work
 * to end early (its signal) and waits for it, so a stopping server leaves nothing half done.
 */
import { log } from "./log.server";

export function runSoon(name: string, work: (signal: AbortSignal) => Promise<unknown>) {
  let enabled = false;
  let running: Promise<void> | null = null;
  let again = false;
  let stopping = new AbortController();
  const request = () => {
    if (!enabled) return;
    if (running) {
      again = true;
      return;
    }
    running = work(stopping.signal)
      .then(
        () => {},
        (error: unknown) => log.error("background work after commit failed; the job will retry", { name, error }),
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          request();
        }
      });
  };
  return {
    request,
    start() {
      enabled = true;
      stopping = new AbortController();
    },
    /** Runs nothing more, asks the work running now to stop early, and resolves once it has. */
    async stop() {
      enabled = false;
      again = false;
      stopping.abort();
      while (running) await running;
    },
  };
}
