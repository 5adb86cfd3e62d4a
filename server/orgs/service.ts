import { recordAudit, type AuditActor } from "@/server/audit/service";
import type { Db, Prisma } from "@/server/db/client";
import { withUser } from "@/server/db/tenancy";
import { DomainError, notFound } from "@/server/errors";
import type { OrgRole } from "@/server/trpc/permissions";

export async function listMyOrganizations(db: Db, userId: string) {
  // The person's own memberships, whatever organization the caller's scope names.
  const memberships = await withUser(userId, () =>
    db.membership.findMany({
      where: { userId },
      select: { role: true, organization: { select: { id: true, slug: true, name: true } } },
      orderBy: { organization: { name: "asc" } },
    }),
  );
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
 * Locks the organization's owner rows for the rest of the transaction: two owners demoting or
 * removing each other at once take turns, and the second counts the owners the first left.
 */
async function lockOwners(
  tx: Prisma.TransactionClient,
  organizationId: string,
  actorUserId: string | null,
): Promise<{ actorIsOwner: boolean }> {
  const owners = await tx.$queryRaw<{ userId: string }[]>`
    SELECT "userId" FROM "Membership" WHERE "organizationId" = ${organizationId} AND role = 'OWNER' FOR UPDATE`;
  return { actorIsOwner: owners.some((o) => o.userId === actorUserId) };
}

/**
 * Changes a member's role. Only an owner may grant or take away ownership, and an
 * organization always keeps at least one owner.
 */
export async function changeMemberRole(
  db: Db,
  args: { organizationId: string; actorRole: OrgRole; membershipId: string; role: OrgRole; actor: AuditActor },
) {
  return db.$transaction(async (tx) => {
    const { actorIsOwner } = await lockOwners(tx, args.organizationId, args.actor.userId);
    const target = await tx.membership.findFirst({
      where: { id: args.membershipId, organizationId: args.organizationId },
      select: { id: true, role: true, user: { select: { id: true, email: true } } },
    });
    if (!target) throw notFound("That member");
    const touchesOwnership = target.role === "OWNER" || args.role === "OWNER";
    // The role read before the lock may be gone: an owner demoted a moment ago no longer acts as one.
    if (touchesOwnership && (args.actorRole !== "OWNER" || !actorIsOwner)) {
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
    if (target.role !== args.role) {
      await recordAudit(tx, {
        actor: args.actor,
        organizationId: args.organizationId,
        action: "member.roleChanged",
        objectType: "User",
        objectId: target.user.id,
        details: { email: target.user.email, from: target.role, to: args.role },
      });
    }
    return { membershipId: updated.id, role: updated.role as OrgRole };
  });
}

/**
 * Removes someone from the organization; they lose it on their next request. Only an owner
 * removes an owner, and the last owner stays.
 */
export async function removeMember(
  db: Db,
  args: { organizationId: string; actorRole: OrgRole; membershipId: string; actor: AuditActor },
) {
  await db.$transaction(async (tx) => {
    const { actorIsOwner } = await lockOwners(tx, args.organizationId, args.actor.userId);
    const target = await tx.membership.findFirst({
      where: { id: args.membershipId, organizationId: args.organizationId },
      select: { id: true, role: true, user: { select: { id: true, email: true } } },
    });
    if (!target) throw notFound("That member");
    if (target.role === "OWNER") {
      if (args.actorRole !== "OWNER" || !actorIsOwner)
        throw new DomainError("FORBIDDEN", "Only an owner can remove an owner.");
      const owners = await tx.membership.count({ where: { organizationId: args.organizationId, role: "OWNER" } });
      if (owners <= 1) throw new DomainError("CONFLICT", "An organization needs at least one owner.");
    }
    await tx.membership.delete({ where: { id: target.id } });
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: args.organizationId,
      action: "member.removed",
      objectType: "User",
      objectId: target.user.id,
      details: { email: target.user.email, role: target.role },
    });
  });
  return { membershipId: args.membershipId };
}

/** An owner turns on (or off) two-factor sign-in for every member; they must use it themselves first. */
export async function setTwoFactorRequirement(
  db: Db,
  args: { organizationId: string; required: boolean; actor: AuditActor & { secondFactor: boolean } },
) {
  if (args.required && !args.actor.secondFactor) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "Turn on two-factor sign-in for yourself (on your account page) and sign in with it first.",
    );
  }
  await db.$transaction(async (tx) => {
    await tx.organization.update({ where: { id: args.organizationId }, data: { requireTwoFactor: args.required } });
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: args.organizationId,
      action: args.required ? "organization.twoFactorRequired" : "organization.twoFactorOptional",
      objectType: "Organization",
      objectId: args.organizationId,
    });
  });
  return { required: args.required };
}

export async function getSecuritySettings(db: Db, organizationId: string) {
  const org = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { requireTwoFactor: true },
  });
  return { requireTwoFactor: org.requireTwoFactor };
}

/** The address of a new organization, from its name: "Église St-Jean" → "eglise-st-jean". */
export function slugFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return slug || "organization";
}
