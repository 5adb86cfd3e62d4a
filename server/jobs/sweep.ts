import type { EngineDeps } from "@/server/connections/engine";
import { purgeAttemptCounters } from "@/server/limits/attempts";
import { evaluateKnownIssues } from "@/server/support/known-issues";
import { queueDueRetries, type JobSender } from "./refresh-cycle";
import { recoverStuckAggregations } from "./stuck-aggregations";

/**
 * The minute's housekeeping, run by one worker at a time (a singleton cron job): settle
 * aggregations whose completion never came, queue the transient failures due for a retry,
 * mark or clear institutions' known issues, and forget attempt counters of windows long over.
 */
export async function runSweep(
  deps: EngineDeps,
  queue: JobSender,
  now = new Date(),
  /** Only these organizations' connections and institutions (tests share a database with others). */
  scope: { organizationIds?: string[] } = {},
) {
  const settled = await recoverStuckAggregations(deps, now, scope);
  const retries = await queueDueRetries(deps.db, queue, { now, ...scope });
  const issues = await evaluateKnownIssues(deps.db, now, scope);
  await purgeAttemptCounters(deps.db, now);
  if (settled || retries || issues.marked.length || issues.cleared.length) {
    deps.log.info({ settled, retries, knownIssuesMarked: issues.marked, knownIssuesCleared: issues.cleared }, "sweep");
  }
  return { settled, retries, issues };
}
