import { describeStatus } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import { outcomeCategory, type OutcomeCategory } from "./connections";

// Institution health: attempts and failures by code per institution over the last 24 hours
// or 7 days, so support sees which banks are failing for everyone.

export const HEALTH_WINDOWS = { "24h": 24 * 60 * 60_000, "7d": 7 * 24 * 60 * 60_000 } as const;
export type HealthWindow = keyof typeof HEALTH_WINDOWS;

export async function institutionHealth(db: Db, args: { window: HealthWindow; now?: Date }) {
  const to = args.now ?? new Date();
  const from = new Date(to.getTime() - HEALTH_WINDOWS[args.window]);
  const where = { createdAt: { gte: from, lte: to }, durationMs: { not: null }, statusCode: { not: null } };
  const [byCode, failingOrgs] = await Promise.all([
    db.connectionEvent.groupBy({ by: ["institutionId", "statusCode"], where, _count: { _all: true } }),
    db.connectionEvent.groupBy({
      by: ["institutionId", "organizationId"],
      where: { ...where, statusCode: { not: 0 } },
    }),
  ]);
  const ids = [...new Set(byCode.map((r) => r.institutionId))];
  const known = await db.institution.findMany({
    where: { OR: [{ id: { in: ids } }, { knownIssueSince: { not: null } }] },
    select: { id: true, name: true, variant: true, knownIssueSince: true, knownIssueCode: true },
  });

  const institutions = known.map((inst) => {
    const rows = byCode.filter((r) => r.institutionId === inst.id);
    const byCategory: Record<OutcomeCategory, number> = { success: 0, provider: 0, customer: 0, other: 0 };
    for (const r of rows) byCategory[outcomeCategory(r.statusCode)] += r._count._all;
    const attempts = rows.reduce((n, r) => n + r._count._all, 0);
    const failures = attempts - byCategory.success;
    return {
      id: inst.id,
      name: inst.name,
      variant: inst.variant,
      knownIssueSince: inst.knownIssueSince,
      knownIssueCode: inst.knownIssueCode,
      attempts,
      failures,
      failureRate: attempts === 0 ? 0 : failures / attempts,
      organizationsFailing: failingOrgs.filter((r) => r.institutionId === inst.id).length,
      byCategory,
      failuresByCode: rows
        .filter((r) => r.statusCode !== 0)
        .map((r) => ({ code: r.statusCode!, title: describeStatus(r.statusCode!).title, count: r._count._all }))
        .sort((a, b) => b.count - a.count || a.code - b.code),
    };
  });
  institutions.sort(
    (a, b) =>
      Number(!!b.knownIssueSince) - Number(!!a.knownIssueSince) ||
      b.failures - a.failures ||
      b.attempts - a.attempts ||
      a.name.localeCompare(b.name),
  );
  return { window: args.window, from, to, institutions };
}
