/**
 * Background work asked for right after a commit (sending the email a write queued), run in this
 * process only when it runs background jobs (`enabled`): never twice at once, and once more when
 * asked again while running, so nothing asked for waits for the next job interval. The jobs still
 * run the same work every interval, in case this process stops first.
 */
import { log } from "./log.server";

export function runSoon(name: string, work: () => Promise<unknown>) {
  let enabled = false;
  let running = false;
  let again = false;
  const request = () => {
    if (!enabled) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void work()
      .catch((error: unknown) => log.error("background work after commit failed; the job will retry", { name, error }))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          request();
        }
      });
  };
  return {
    request,
    enable(on: boolean) {
      enabled = on;
    },
  };
}
