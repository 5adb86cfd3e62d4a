import type { Db } from "@/server/db/client";
import { escapeLike } from "@/server/db/paging";
import type { Prisma } from "@/server/db/generated/client";

// Reading the audit log: filterable, newest first. There is deliberately nothing here (or
// anywhere in the app) that edits or deletes an entry; the database refuses both anyway.

export const AUDIT_ACTOR_KINDS = ["staff", "customer"] as const;

export interface AuditFilters {
  /** Part of the actor's email. */
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  /** The organization's slug. */
  organization?: string;
  /** Support staff's actions only, or customers' only. */
  actorKind?: (typeof AUDIT_ACTOR_KINDS)[number];
  from?: Date;
  to?: Date;
  cursor?: string;
  limit?: number;
}

export async function listAuditEntries(db: Db, f: AuditFilters) {
  const limit = Math.min(f.limit ?? 50, 200);
  const org = f.organization
    ? await db.organization.findUnique({ where: { slug: f.organization }, select: { id: true } })
    : null;
  if (f.organization && !org) return { entries: [], nextCursor: null, total: 0 };
  const staffIds = f.actorKind
    ? (await db.user.findMany({ where: { staffRole: { not: null } }, select: { id: true } })).map((u) => u.id)
    : [];
  const where: Prisma.AuditEntryWhereInput = {
    ...(f.actor ? { actorEmail: { contains: escapeLike(f.actor.trim()), mode: "insensitive" } } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.objectType ? { objectType: f.objectType } : {}),
    ...(f.objectId ? { objectId: f.objectId } : {}),
    ...(org ? { organizationId: org.id } : {}),
    ...(f.actorKind === "staff" ? { actorUserId: { in: staffIds } } : {}),
    ...(f.actorKind === "customer" ? { OR: [{ actorUserId: null }, { actorUserId: { notIn: staffIds } }] } : {}),
    ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
  };
  const rows = await db.auditEntry.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(f.cursor ? { cursor: { id: f.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, limit);
  const orgIds = [...new Set(page.map((r) => r.organizationId).filter((id): id is string => !!id))];
  const orgs = new Map(
    (
      await db.organization.findMany({ where: { id: { in: orgIds } }, select: { id: true, slug: true, name: true } })
    ).map((o) => [o.id, o]),
  );
  return {
    total: await db.auditEntry.count({ where }),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
    entries: page.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      actorEmail: r.actorEmail,
      ipAddress: r.ipAddress,
      action: r.action,
      objectType: r.objectType,
      objectId: r.objectId,
      organization: r.organizationId ? (orgs.get(r.organizationId) ?? null) : null,
      reason: r.reason,
      details: r.details === null ? null : JSON.stringify(r.details),
    })),
  };
}

/** The actions recorded so far, for the filter's choices. */
export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.auditEntry.findMany({
    distinct: ["action"],
    select: { action: true },
    orderBy: { action: "asc" },
  });
  return rows.map((r) => r.action);
}
