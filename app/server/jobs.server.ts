/**
 * Background jobs that run inside the server process. Several processes may share the database,
 * so a job runs only in the process that holds its lease (a row in job_leases, taken or renewed
 * atomically under the write lock and expiring after LEASE_MS); if that process dies, another takes
 * over when the lease runs out. Jobs keep no state in memory: what is due is read from the data,
 * so a restart simply resumes. Each job must also be safe to run twice (the follow-up job's claim
 * is atomic), which is what `npm run jobs:run-once` relies on. A process that stops (a deploy, a
 * restart) ends its jobs between steps, gives back the emails it claimed and not sent, and lets go of
 * its leases, so another process takes over at its next run instead of when the leases expire.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, eq, or, lte } from "drizzle-orm";
import { jobLeases } from "../../db/schema";
import { now } from "~/lib/clock.server";
import { isDatabaseUnavailable, writeUnseenByVisitors } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { awardDueBadges } from "~/models/badges/awarding.server";
import { sendDueDigests } from "~/models/notifications/digest.server";
import { deliverFanOuts, fanOutSoon } from "~/models/notifications/fan-out.server";
import { sendDueEmails, sendEmailsSoon } from "~/models/notifications/outbox.server";
import { reverseSerialVoting } from "~/models/reputation/serial-voting.server";
import { remindOrResolveWaitingFollowUps } from "~/models/support/automations.server";
import { openDueFollowUps } from "~/models/support/opening.server";
import { warnFollowUpsNearlyDue } from "~/models/support/staff-notices.server";
import { recomputeDueTrustLevels } from "~/models/trust/levels.server";
import { refreshVocabulary } from "~/models/search/vocabulary.server";

const LEASE_MS = 2 * 60_000;

type JobResult = Record<string, number>;

type Job = (at: Date, stopping?: AbortSignal) => JobResult | Promise<JobResult>;

// In order: follow-ups opened, posts announced and digests written in a run are emailed in the same run.
// The long ones (fan-outs, email) end early, between steps, when `stopping` is aborted.
const JOBS = {
  "open-due-follow-ups": async (at) => ({ opened: await openDueFollowUps(at) }),
  "warn-follow-ups-nearly-due": (at) => warnFollowUpsNearlyDue(at),
  "remind-or-resolve-waiting": (at) => remindOrResolveWaitingFollowUps(at),
  "deliver-fan-outs": (at, stopping) => deliverFanOuts(at, stopping),
  "send-digests": (at) => sendDueDigests(at),
  "send-emails": (at, stopping) => sendDueEmails(at, stopping),
  "recompute-trust-levels": (at) => recomputeDueTrustLevels(at),
  "reverse-serial-voting": (at) => reverseSerialVoting(at),
  "award-badges": (at, stopping) => awardDueBadges(at, stopping),
  "refresh-search-vocabulary": (at, stopping) => refreshVocabulary(at, { stopping }),
} satisfies Record<string, Job>;
export type JobName = keyof typeof JOBS;

/**
 * Takes or renews the lease on `name` for `holder`; false when another holder's lease is still live.
 * The conditional UPDATE decides alone (PostgreSQL re-checks its condition on the row it waited for),
 * so this would hold even without the database's one write lock.
 */
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

/** Lets go of every lease `holder` has, so another process takes them at its next run. */
export async function releaseLeases(holder: string, at: Date) {
  await writeUnseenByVisitors((db) => db.update(jobLeases).set({ expiresAt: at }).where(eq(jobLeases.holder, holder)));
}

const jobList = () => Object.entries(JOBS) as [JobName, Job][];

/** Runs every job whose lease this holder gets (until `stopping`); returns what each did. */
export async function runLeasedJobs(holder: string, at = now(), stopping?: AbortSignal) {
  const results: Record<string, JobResult> = {};
  for (const [name, job] of jobList()) {
    if (stopping?.aborted) break;
    if (await takeLease(name, holder, at)) results[name] = await job(at, stopping);
  }
  return results;
}

/** Runs every job once as of `at`, lease or not (the jobs' own atomic claims keep this safe). */
export async function runAllJobsOnce(at: Date) {
  const results: Record<string, JobResult> = {};
  for (const [name, job] of jobList()) results[name] = await job(at);
  return results;
}

/**
 * Starts the in-process runner (every JOBS_INTERVAL_MS, default one minute); returns a stop function
 * that ends the run in progress early, waits for it and the work after commits, and releases the leases.
 */
export function startBackgroundJobs(intervalMs = env("JOBS_INTERVAL_MS")) {
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const stopping = new AbortController();
  let running: Promise<void> | null = null;
  const tick = async () => {
    if (running || stopping.signal.aborted) return; // a slow run (a mail server timing out) must not overlap the next
    running = runOnce();
    await running;
    running = null;
  };
  const runOnce = async () => {
    try {
      const results = await runLeasedJobs(holder, now(), stopping.signal);
      for (const [name, result] of Object.entries(results)) {
        if (Object.values(result).some((value) => value > 0)) log.info("job ran", { job: name, ...result });
      }
    } catch (error) {
      // Every job reads what is due from the data, so the next run picks up what this one missed.
      const report = isDatabaseUnavailable(error) ? log.warn : log.error;
      report("background job failed, will run again at the next interval", { holder, intervalMs, error });
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  for (const soon of [fanOutSoon, sendEmailsSoon]) soon.start();
  return async () => {
    clearInterval(timer);
    stopping.abort();
    await Promise.all([running, fanOutSoon.stop(), sendEmailsSoon.stop()]);
    try {
      await releaseLeases(holder, now());
    } catch (error) {
      // They expire by themselves (LEASE_MS); another process takes them over then.
      log.warn("job leases not released; they expire by themselves", { holder, error });
    }
  };
}
