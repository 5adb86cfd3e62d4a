import { describeStatus, PROVIDER_SIDE_CODES } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";

// Known issues: when several organizations fail at one institution with provider-side codes
// (102, 900–910: PROVIDER_SIDE_CODES) within a short window, the bank (or the provider's connection to it) is
// down for everyone. The institution is marked, so affected customers read that nothing is
// needed from them and support sees it first. The mark clears by itself once aggregations
// at that institution succeed again. The worker's sweep evaluates this every minute.

export const KNOWN_ISSUE_WINDOW_MS = 30 * 60_000;
/** Distinct organizations failing with provider-side codes in the window. */
export const KNOWN_ISSUE_MIN_ORGANIZATIONS = 3;
/** Successful aggregations (distinct connections) after the last provider-side failure that clear it. */
export const KNOWN_ISSUE_CLEARING_SUCCESSES = 2;
/** With no provider-side failure for this long, the mark goes even without successes to show. */
export const KNOWN_ISSUE_STALE_MS = 6 * 60 * 60_000;

const providerSide = { statusCode: { in: [...PROVIDER_SIDE_CODES] } };

export interface KnownIssueChanges {
  marked: { institutionId: string; code: number }[];
  cleared: string[];
}

/**
 * `organizationIds` limits the evaluation to the institutions those organizations have
 * connections at (tests share a database with others); the failures counted stay everyone's.
 */
export async function evaluateKnownIssues(
  db: Db,
  now = new Date(),
  scope: { organizationIds?: string[] } = {},
): Promise<KnownIssueChanges> {
  const windowStart = new Date(now.getTime() - KNOWN_ISSUE_WINDOW_MS);
  const scoped = scope.organizationIds
    ? (
        await db.connection.findMany({
          where: { organizationId: { in: scope.organizationIds } },
          distinct: ["institutionId"],
          select: { institutionId: true },
        })
      ).map((c) => c.institutionId)
    : null;
  const failures = await db.connectionEvent.findMany({
    where: {
      createdAt: { gte: windowStart, lte: now },
      durationMs: { not: null },
      ...providerSide,
      ...(scoped ? { institutionId: { in: scoped } } : {}),
    },
    select: { institutionId: true, organizationId: true, statusCode: true, createdAt: true },
  });
  const byInstitution = new Map<string, typeof failures>();
  for (const f of failures) byInstitution.set(f.institutionId, [...(byInstitution.get(f.institutionId) ?? []), f]);

  const changes: KnownIssueChanges = { marked: [], cleared: [] };
  const current = await db.institution.findMany({
    where: {
      OR: [{ knownIssueSince: { not: null } }, { id: { in: [...byInstitution.keys()] } }],
      ...(scoped ? { id: { in: scoped } } : {}),
    },
    select: { id: true, knownIssueSince: true },
  });

  for (const institution of current) {
    const lastFailure = await db.connectionEvent.findFirst({
      where: { institutionId: institution.id, durationMs: { not: null }, createdAt: { lte: now }, ...providerSide },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    });
    const recovered = lastFailure
      ? (await successesSince(db, institution.id, lastFailure.createdAt, now)) >= KNOWN_ISSUE_CLEARING_SUCCESSES
      : true;

    if (institution.knownIssueSince) {
      const stale = !lastFailure || now.getTime() - lastFailure.createdAt.getTime() > KNOWN_ISSUE_STALE_MS;
      if (recovered || stale) {
        await db.institution.update({
          where: { id: institution.id },
          data: { knownIssueSince: null, knownIssueCode: null },
        });
        changes.cleared.push(institution.id);
      }
      continue;
    }

    const recent = byInstitution.get(institution.id) ?? [];
    const organizations = new Set(recent.map((f) => f.organizationId));
    if (organizations.size < KNOWN_ISSUE_MIN_ORGANIZATIONS || recovered) continue;
    const code = mostCommonCode(recent.map((f) => f.statusCode!));
    const since = recent.reduce((min, f) => (f.createdAt < min ? f.createdAt : min), recent[0]!.createdAt);
    await db.institution.update({
      where: { id: institution.id },
      data: { knownIssueSince: since, knownIssueCode: code },
    });
    changes.marked.push({ institutionId: institution.id, code });
  }
  return changes;
}

async function successesSince(db: Db, institutionId: string, after: Date, now: Date): Promise<number> {
  const rows = await db.connectionEvent.findMany({
    where: { institutionId, statusCode: 0, createdAt: { gt: after, lte: now }, connectionId: { not: null } },
    distinct: ["connectionId"],
    select: { connectionId: true },
    take: KNOWN_ISSUE_CLEARING_SUCCESSES,
  });
  return rows.length;
}

function mostCommonCode(codes: number[]): number {
  const counts = new Map<number, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/** Institutions marked right now, for the banner at the top of the support console. */
export async function listKnownIssues(db: Db) {
  const rows = await db.institution.findMany({
    where: { knownIssueSince: { not: null } },
    select: { id: true, name: true, variant: true, knownIssueSince: true, knownIssueCode: true },
    orderBy: { knownIssueSince: "asc" },
  });
  return Promise.all(
    rows.map(async (r) => ({
      institutionId: r.id,
      name: r.name,
      variant: r.variant,
      since: r.knownIssueSince!,
      code: r.knownIssueCode,
      title: r.knownIssueCode === null ? null : describeStatus(r.knownIssueCode).title,
      affectedConnections: await db.connection.count({
        where: { institutionId: r.id, status: { in: ["ERROR", "AGGREGATING"] } },
      }),
    })),
  );
}
