import type { Db } from "@/server/db/client";
import { DomainError, notFound } from "@/server/errors";
import type { OrgRole } from "@/server/trpc/permissions";

export async function listMyOrganizations(db: Db, userId: string) {
  const memberships = await db.membership.findMany({
    where: { userId },
    select: { role: true, organization: { select: { id: true, slug: true, name: true } } },
    orderBy: { organization: { name: "asc" } },
  });
  return memberships.map((m) => ({ ...m.organization, role: m.role as OrgRole }));
}

export async function listMembers(db: Db, organizationId: string) {
  const rows = await db.membership.findMany({
    where: { organizationId },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
    orderBy: [{ role: "asc" }, { user: { email: "asc" } }],
  });
  return rows.map((m) => ({
    membershipId: m.id,
    userId: m.user.id,
    email: m.user.email,
    name: m.user.name,
    role: m.role as OrgRole,
    since: m.createdAt,
  }));
}

/**
 * Changes a member's role. Only an owner may grant or take away ownership, and an
 * organization always keeps at least one owner.
 */
export async function changeMemberRole(
  db: Db,
  args: { organizationId: string; actorRole: OrgRole; membershipId: string; role: OrgRole },
) {
  return db.$transaction(async (tx) => {
    const target = await tx.membership.findFirst({
      where: { id: args.membershipId, organizationId: args.organizationId },
      select: { id: true, role: true },
    });
    if (!target) throw notFound("That member");
    const touchesOwnership = target.role === "OWNER" || args.role === "OWNER";
    if (touchesOwnership && args.actorRole !== "OWNER") {
      throw new DomainError("FORBIDDEN", "Only an owner can grant or remove the owner role.");
    }
    if (target.role === "OWNER" && args.role !== "OWNER") {
      const owners = await tx.membership.count({ where: { organizationId: args.organizationId, role: "OWNER" } });
      if (owners <= 1) throw new DomainError("CONFLICT", "An organization needs at least one owner.");
    }
    const updated = await tx.membership.update({
      where: { id: target.id },
      data: { role: args.role },
      select: { id: true, role: true },
    });
    return { membershipId: updated.id, role: updated.role as OrgRole };
  });
}
