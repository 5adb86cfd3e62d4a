import { isAggregatorError } from "@/server/aggregator/client";
import { aggregatorSawNewAttempt } from "@/server/connections/aggregator-clock";
import {
  completeAggregation,
  reattachOrphanedAttempt,
  STUCK_AGGREGATION_MS,
  type EngineDeps,
} from "@/server/connections/engine";

/** An aggregation nobody can settle for this long is given up as "the bank did not answer", which is retried later. */
export const GIVE_UP_AGGREGATION_MS = 30 * 60 * 1000;

/**
 * Finishes aggregations whose completion webhook never arrived: asks the aggregator for the
 * login's status and completes the attempt if it is over. An attempt the aggregator never
 * saw (its last attempt is older) is completed as 102, so it is retried instead of being
 * taken for a refresh that never happened; one that cannot be settled for half an hour (the
 * login is gone, the aggregator keeps failing) likewise. Returns how many were settled.
 */
export async function recoverStuckAggregations(
  deps: EngineDeps,
  now = new Date(),
  scope: { organizationIds?: string[] } = {},
): Promise<number> {
  const { db, log } = deps;
  const staleBefore = new Date(now.getTime() - STUCK_AGGREGATION_MS);
  const stuck = await db.connection.findMany({
    where: {
      status: "AGGREGATING",
      ...(scope.organizationIds ? { organizationId: { in: scope.organizationIds } } : {}),
      OR: [
        { aggregationStartedAt: { lt: staleBefore } },
        { aggregationStartedAt: null, updatedAt: { lt: staleBefore } },
      ],
    },
    select: {
      id: true,
      providerLoginId: true,
      institutionId: true,
      activeEventId: true,
      aggregationStartedAt: true,
      updatedAt: true,
      providerAttemptAt: true,
    },
    orderBy: { updatedAt: "asc" },
    take: 200,
  });
  let settled = 0;
  for (const c of stuck) {
    if (!c.activeEventId) {
      c.activeEventId = await reattachOrphanedAttempt(db, c.id);
      c.aggregationStartedAt ??= c.updatedAt;
    }
    const event = c.activeEventId
      ? await db.connectionEvent.findUnique({ where: { id: c.activeEventId }, select: { startedAt: true } })
      : null;
    const startedAt = event?.startedAt ?? c.aggregationStartedAt!;
    const eventId = c.activeEventId ?? undefined;
    try {
      if (!c.providerLoginId) throw new Error("the connection has no aggregator login");
      const status = await deps.aggregator.getLoginStatus({
        loginId: c.providerLoginId,
        institutionId: c.institutionId,
      });
      if (status.aggregating) continue;
      const seen = aggregatorSawNewAttempt(status.lastAttemptAt, { providerAttemptAt: c.providerAttemptAt, startedAt });
      const outcome = await completeAggregation(deps, {
        connectionId: c.id,
        ...(seen ? { statusCode: status.statusCode, reportedAttemptAt: status.lastAttemptAt } : { statusCode: 102 }),
        eventId,
      });
      if (outcome.kind !== "aggregating") settled++;
    } catch (err) {
      const expired = now.getTime() - startedAt.getTime() > GIVE_UP_AGGREGATION_MS;
      log.warn(
        { err: isAggregatorError(err) ? err.message : err, connectionId: c.id, givingUp: expired },
        "could not settle a stuck aggregation",
      );
      if (expired) {
        await completeAggregation(deps, { connectionId: c.id, statusCode: 102, eventId }).catch((e) =>
          log.error({ err: e, connectionId: c.id }, "could not give up a stuck aggregation"),
        );
        settled++;
      }
    }
  }
  return settled;
}
