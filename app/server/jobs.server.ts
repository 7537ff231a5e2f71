/**
 * Background jobs that run inside the server process. Several processes may share the database,
 * so a job runs only in the process that holds its lease (a row in job_leases, taken or renewed
 * atomically under the write lock and expiring after LEASE_MS); if that process dies, another takes
 * over when the lease runs out. Jobs keep no state in memory: what is due is read from the data,
 * so a restart simply resumes. Each job must also be safe to run twice (the follow-up job's claim
 * is atomic), which is what `npm run jobs:run-once` relies on.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, or, lte } from "drizzle-orm";
import { jobLeases } from "../../db/schema";
import { now } from "~/lib/clock.server";
import { isDatabaseUnavailable, writeUnseenByVisitors } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { sendDueDigests } from "~/models/notifications/digest.server";
import { deliverFanOuts, fanOutSoon } from "~/models/notifications/fan-out.server";
import { sendDueEmails, sendEmailsSoon } from "~/models/notifications/outbox.server";
import { remindOrResolveWaitingFollowUps } from "~/models/support/automations.server";
import { openDueFollowUps } from "~/models/support/opening.server";
import { warnFollowUpsNearlyDue } from "~/models/support/staff-notices.server";

const LEASE_MS = 2 * 60_000;

type JobResult = Record<string, number>;

// In order: follow-ups opened, posts announced and digests written in a run are emailed in the same run.
const JOBS = {
  "open-due-follow-ups": async (at: Date) => ({ opened: await openDueFollowUps(at) }),
  "warn-follow-ups-nearly-due": (at: Date) => warnFollowUpsNearlyDue(at),
  "remind-or-resolve-waiting": (at: Date) => remindOrResolveWaitingFollowUps(at),
  "deliver-fan-outs": (at: Date) => deliverFanOuts(at),
  "send-digests": (at: Date) => sendDueDigests(at),
  "send-emails": (at: Date) => sendDueEmails(at),
} satisfies Record<string, (at: Date) => JobResult | Promise<JobResult>>;
export type JobName = keyof typeof JOBS;

/** Takes or renews the lease on `name` for `holder`; false when another holder's lease is still live. */
export async function takeLease(name: JobName, holder: string, at: Date): Promise<boolean> {
  return writeUnseenByVisitors(async (db) => {
    await db
      .insert(jobLeases)
      .values({ name, holder, expiresAt: new Date(0) })
      .onConflictDoNothing();
    const taken = await db
      .update(jobLeases)
      .set({ holder, expiresAt: new Date(at.getTime() + LEASE_MS), lastRunAt: at })
      .where(and(eq(jobLeases.name, name), or(eq(jobLeases.holder, holder), lte(jobLeases.expiresAt, at))))
      .returning({ name: jobLeases.name });
    return taken.length === 1;
  });
}

const jobList = () => Object.entries(JOBS) as [JobName, (at: Date) => JobResult | Promise<JobResult>][];

/** Runs every job whose lease this holder gets; returns what each did. */
export async function runLeasedJobs(holder: string, at = now()) {
  const results: Record<string, JobResult> = {};
  for (const [name, job] of jobList()) {
    if (await takeLease(name, holder, at)) results[name] = await job(at);
  }
  return results;
}

/** Runs every job once as of `at`, lease or not (the jobs' own atomic claims keep this safe). */
export async function runAllJobsOnce(at: Date) {
  const results: Record<string, JobResult> = {};
  for (const [name, job] of jobList()) results[name] = await job(at);
  return results;
}

/** Starts the in-process runner (every JOBS_INTERVAL_MS, default one minute); returns a stop function. */
export function startBackgroundJobs(intervalMs = env("JOBS_INTERVAL_MS")) {
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  let running = false;
  const tick = async () => {
    if (running) return; // a slow run (a mail server timing out) must not overlap the next
    running = true;
    try {
      const results = await runLeasedJobs(holder);
      for (const [name, result] of Object.entries(results)) {
        if (Object.values(result).some((value) => value > 0)) log.info("job ran", { job: name, ...result });
      }
    } catch (error) {
      // Every job reads what is due from the data, so the next run picks up what this one missed.
      const report = isDatabaseUnavailable(error) ? log.warn : log.error;
      report("background job failed, will run again at the next interval", { holder, intervalMs, error });
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  for (const soon of [fanOutSoon, sendEmailsSoon]) soon.enable(true);
  return () => {
    clearInterval(timer);
    for (const soon of [fanOutSoon, sendEmailsSoon]) soon.enable(false);
  };
}
