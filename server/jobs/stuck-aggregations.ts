import { completeAggregation, STUCK_AGGREGATION_MS, type EngineDeps } from "@/server/connections/engine";

/**
 * Finishes aggregations whose completion webhook never arrived: asks the aggregator for the
 * login's status and completes the attempt if it is over. Returns how many were settled.
 */
export async function recoverStuckAggregations(deps: EngineDeps, now = new Date()): Promise<number> {
  const stuck = await deps.db.connection.findMany({
    where: { status: "AGGREGATING", aggregationStartedAt: { lt: new Date(now.getTime() - STUCK_AGGREGATION_MS) } },
    select: { id: true },
    take: 200,
  });
  let settled = 0;
  for (const { id } of stuck) {
    try {
      const outcome = await completeAggregation(deps, { connectionId: id });
      if (outcome.kind !== "aggregating") settled++;
    } catch (err) {
      deps.log.warn({ err, connectionId: id }, "could not settle a stuck aggregation");
    }
  }
  return settled;
}
