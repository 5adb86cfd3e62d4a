import { describeStatus } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import { escapeLike } from "@/server/db/paging";
import { notFound } from "@/server/errors";

// Finding an organization and reading it whole: what support needs first when a customer
// calls. Read-only; every staff member may use it.

export type SearchMatch = "name" | "slug" | "member email" | "connection" | "institution";

export async function searchOrganizations(db: Db, text: string, limit = 25) {
  const q = text.trim();
  const contains = { contains: escapeLike(q), mode: "insensitive" as const };
  const orgs = await db.organization.findMany({
    where: q
      ? {
          OR: [
            { name: contains },
            { slug: contains },
            { memberships: { some: { user: { email: contains } } } },
            { connections: { some: { OR: [{ id: q }, { providerLoginId: q }, { institution: { name: contains } }] } } },
          ],
        }
      : {},
    select: {
      id: true,
      slug: true,
      name: true,
      _count: { select: { memberships: true } },
      memberships: {
        where: q ? { user: { email: contains } } : { id: "" },
        select: { user: { select: { email: true } } },
        take: 3,
      },
      connections: {
        where: { status: { not: "REMOVED" } },
        select: { id: true, providerLoginId: true, status: true, institution: { select: { name: true } } },
      },
    },
    orderBy: { name: "asc" },
    take: limit,
  });
  const lower = q.toLowerCase();
  return orgs.map((o) => {
    const matchedOn: string[] = [];
    if (q && o.name.toLowerCase().includes(lower)) matchedOn.push("name");
    if (q && o.slug.toLowerCase().includes(lower)) matchedOn.push("slug");
    for (const m of o.memberships) matchedOn.push(`member ${m.user.email}`);
    for (const c of o.connections) {
      if (q && (c.id === q || c.providerLoginId === q)) matchedOn.push(`connection at ${c.institution.name}`);
      else if (q && c.institution.name.toLowerCase().includes(lower))
        matchedOn.push(`institution ${c.institution.name}`);
    }
    return {
      id: o.id,
      slug: o.slug,
      name: o.name,
      memberCount: o._count.memberships,
      connectionCount: o.connections.length,
      connectionsNeedingAttention: o.connections.filter((c) => c.status === "ACTION_REQUIRED" || c.status === "ERROR")
        .length,
      matchedOn: [...new Set(matchedOn)],
    };
  });
}

export async function getOrganizationOverview(db: Db, slug: string) {
  const org = await db.organization.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      createdAt: true,
      memberships: {
        select: {
          role: true,
          createdAt: true,
          user: { select: { id: true, name: true, email: true, totpEnabledAt: true } },
        },
        orderBy: [{ role: "asc" }, { createdAt: "asc" }],
      },
      connections: {
        select: {
          id: true,
          status: true,
          lastStatusCode: true,
          lastSuccessAt: true,
          lastAttemptAt: true,
          nextRetryAt: true,
          createdAt: true,
          removedAt: true,
          institution: { select: { id: true, name: true, variant: true, knownIssueSince: true } },
          _count: { select: { notices: { where: { resolvedAt: null } }, accounts: { where: { linked: true } } } },
        },
        orderBy: [{ removedAt: { sort: "desc", nulls: "first" } }, { createdAt: "asc" }],
      },
    },
  });
  if (!org) throw notFound("That organization");
  const notices = await db.notice.findMany({
    where: { organizationId: org.id, resolvedAt: null },
    select: { id: true, connectionId: true, statusCode: true, title: true, body: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    createdAt: org.createdAt,
    members: org.memberships.map((m) => ({
      userId: m.user.id,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      since: m.createdAt,
      twoFactor: m.user.totpEnabledAt !== null,
    })),
    connections: org.connections.map((c) => ({
      id: c.id,
      status: c.status,
      institution: {
        id: c.institution.id,
        name: c.institution.name,
        variant: c.institution.variant,
        knownIssue: c.institution.knownIssueSince !== null,
      },
      lastStatusCode: c.lastStatusCode,
      lastStatusTitle: c.lastStatusCode === null ? null : describeStatus(c.lastStatusCode).title,
      lastSuccessAt: c.lastSuccessAt,
      lastAttemptAt: c.lastAttemptAt,
      nextRetryAt: c.nextRetryAt,
      createdAt: c.createdAt,
      removedAt: c.removedAt,
      openNotices: c._count.notices,
      linkedAccounts: c._count.accounts,
    })),
    notices,
  };
}
