import type { PgBoss } from "pg-boss";
import type { EngineDeps } from "@/server/connections/engine";
import { purgeAttemptCounters } from "@/server/limits/attempts";
import { requeueStalledMail } from "@/server/mail/sweep";
import { sweepConnectionAlerts } from "@/server/notifications/connection-alerts";
import { evaluateKnownIssues } from "@/server/support/known-issues";
import { queueDueRetries, reportCycleProgress, type JobSender } from "./refresh-cycle";
import { purgeExpiredRows } from "./retention";
import { recoverStuckAggregations } from "./stuck-aggregations";

/**
 * The minute's housekeeping, run by one worker at a time (a singleton cron job): settle
 * aggregations whose completion never came, queue the transient failures due for a retry,
 * mark or clear institutions' known issues, forget attempt counters of windows long over and
 * rows past their retention (webhook events, sign-in attempts, old sessions and resets), catch
 * up on connection emails whose job never ran, queue again mail whose delivery job is gone, and
 * report how far the nightly refresh got.
 */
export async function runSweep(
  deps: EngineDeps,
  queue: JobSender,
  now = new Date(),
  /** Only these organizations' connections and institutions (tests share a database with others). */
  scope: { organizationIds?: string[] } = {},
  /** The worker's queue client, for the mail it queues again. */
  boss?: Pick<PgBoss, "getJobById" | "send">,
) {
  const settled = await recoverStuckAggregations(deps, now, scope);
  const retries = await queueDueRetries(deps.db, queue, { now, ...scope });
  const issues = await evaluateKnownIssues(deps.db, now, scope);
  await purgeAttemptCounters(deps.db, now);
  const purged = await purgeExpiredRows(deps.db, now);
  const alerts = await sweepConnectionAlerts(deps.db, now, scope);
  const mailRequeued = boss ? await requeueStalledMail(deps.db, boss, now, scope) : 0;
  await reportCycleProgress(deps.db, deps.log, now);
  const purgedAny = Object.values(purged).some((n) => n > 0);
  if (settled || retries || issues.marked.length || issues.cleared.length || alerts || mailRequeued || purgedAny) {
    deps.log.info(
      {
        settled,
        retries,
        knownIssuesMarked: issues.marked,
        knownIssuesCleared: issues.cleared,
        alerts,
        mailRequeued,
        purged,
      },
      "sweep",
    );
  }
  return { settled, retries, issues, alerts, mailRequeued, purged };
}
