import { describeStatus } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import { queueMail, type NewMail } from "@/server/mail/outbox";

// The weekly summary for owners who asked for it: each organization they own, its connections,
// the new transactions waiting for review and the possible duplicates waiting. One per owner,
// organization and week, however often the job runs.

const STATUS_WORDS: Record<string, string> = {
  ACTIVE: "Active",
  AGGREGATING: "Aggregating",
  ACTION_REQUIRED: "Action required",
  ERROR: "Error",
};

/** The Monday (UTC) of the week `now` falls in, as YYYY-MM-DD. */
export function weekOf(now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

export async function queueWeeklySummaries(
  db: Db,
  now = new Date(),
  scope: { organizationIds?: string[] } = {},
): Promise<number> {
  const week = weekOf(now);
  const owners = await db.membership.findMany({
    where: {
      role: "OWNER",
      user: { emailWeeklySummary: true },
      ...(scope.organizationIds ? { organizationId: { in: scope.organizationIds } } : {}),
    },
    select: {
      user: { select: { id: true, email: true } },
      organization: { select: { id: true, name: true, slug: true } },
    },
  });
  let queued = 0;
  const byOrg = new Map<string, typeof owners>();
  for (const o of owners) byOrg.set(o.organization.id, [...(byOrg.get(o.organization.id) ?? []), o]);
  for (const [organizationId, members] of byOrg) {
    const org = members[0]!.organization;
    const [connections, newTransactions, possibleDuplicates] = await Promise.all([
      db.connection.findMany({
        where: { organizationId, status: { not: "REMOVED" } },
        select: { status: true, lastStatusCode: true, institution: { select: { name: true } } },
        orderBy: { createdAt: "asc" },
      }),
      db.feedTransaction.count({ where: { organizationId, state: "NEW" } }),
      db.feedTransaction.count({ where: { organizationId, state: { in: ["POSSIBLE_DUPLICATE", "DUPLICATE"] } } }),
    ]);
    const data = {
      organizationName: org.name,
      orgSlug: org.slug,
      weekOf: `${week}T00:00:00.000Z`,
      connections: connections.map((c) => ({
        institutionName: c.institution.name,
        status: STATUS_WORDS[c.status] ?? c.status,
        problem:
          c.lastStatusCode && c.status !== "ACTIVE"
            ? `Error ${c.lastStatusCode}: ${describeStatus(c.lastStatusCode).title}`
            : null,
      })),
      newTransactions,
      possibleDuplicates,
    };
    const mails: NewMail[] = members.map(({ user }) => ({
      dedupeKey: `weekly:${week}:${organizationId}:${user.id}`,
      kind: "weekly-summary",
      toEmail: user.email,
      userId: user.id,
      organizationId,
      subject: `${org.name}: your week on Bankline`,
      data,
    }));
    queued += (await db.$transaction((tx) => queueMail(tx, mails))).length;
  }
  return queued;
}
