import { recordAudit, type AuditActor } from "@/server/audit/service";
import { hashPassword } from "@/server/auth/password";
import { passwordProblem } from "@/server/auth/password-policy";
import { hashToken } from "@/server/auth/tokens";
import type { Db } from "@/server/db/client";
import { withAllOrganizations } from "@/server/db/tenancy";
import { inTransaction, type DbOrTx } from "@/server/db/transaction";
import type { Prisma } from "@/server/db/generated/client";
import { DomainError, notFound } from "@/server/errors";
import { queueMail } from "@/server/mail/outbox";
import type { OrgRole } from "@/server/trpc/permissions";

// Invitations: the only way into an organization. Owners and admins invite (only an owner
// invites an owner); the email's link works once and for 7 days; a resend makes a new link
// and the old one stops working; a revoked invitation's link does nothing.

export const INVITATION_VALID_MS = 7 * 24 * 60 * 60_000;

type Tx = Prisma.TransactionClient;

const ROLE_NAMES: Record<OrgRole, string> = { OWNER: "owner", ADMIN: "admin", MEMBER: "member", VIEWER: "viewer" };

function ownerOnly(actorRole: OrgRole | null, role: OrgRole) {
  if (role === "OWNER" && actorRole !== "OWNER" && actorRole !== null) {
    throw new DomainError("FORBIDDEN", "Only an owner can invite an owner.");
  }
}

async function queueInvitationMail(
  tx: Tx,
  invitation: { id: string; email: string; role: OrgRole; sendCount: number; organizationId: string },
  inviterName: string | null,
) {
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: invitation.organizationId },
    select: { name: true },
  });
  await queueMail(tx, [
    {
      dedupeKey: `invitation:${invitation.id}:${invitation.sendCount}`,
      kind: "invitation",
      toEmail: invitation.email,
      organizationId: invitation.organizationId,
      subject: `You are invited to ${org.name} on Bankline`,
      data: { invitationId: invitation.id, organizationName: org.name, role: invitation.role, inviterName },
    },
  ]);
}

/** `actorRole` null: Bankline itself (npm run org:create) invites the first owner. */
export async function inviteMember(
  db: DbOrTx,
  args: {
    organizationId: string;
    actorRole: OrgRole | null;
    actor: AuditActor;
    inviterName: string | null;
    email: string;
    role: OrgRole;
    now?: Date;
  },
) {
  ownerOnly(args.actorRole, args.role);
  const now = args.now ?? new Date();
  const email = args.email.trim().toLowerCase();
  return inTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`invitation ${args.organizationId} ${email}`}))`;
    const member = await tx.membership.findFirst({
      where: { organizationId: args.organizationId, user: { email } },
      select: { id: true },
    });
    if (member) throw new DomainError("CONFLICT", `${email} is already a member.`);
    const pending = await tx.invitation.findFirst({
      where: { organizationId: args.organizationId, email, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      select: { id: true },
    });
    if (pending) throw new DomainError("CONFLICT", `${email} is already invited. Resend that invitation instead.`);
    const invitation = await tx.invitation.create({
      data: {
        organizationId: args.organizationId,
        email,
        role: args.role,
        invitedById: args.actor.userId,
        createdAt: now,
        lastSentAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_VALID_MS),
      },
      select: { id: true, email: true, role: true, sendCount: true, organizationId: true, expiresAt: true },
    });
    await queueInvitationMail(tx, invitation, args.inviterName);
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: args.organizationId,
      action: "invitation.sent",
      objectType: "Invitation",
      objectId: invitation.id,
      details: { email, role: args.role },
    });
    return { invitationId: invitation.id, expiresAt: invitation.expiresAt };
  });
}

async function pendingInvitation(tx: Tx, organizationId: string, invitationId: string) {
  const invitation = await tx.invitation.findFirst({
    where: { id: invitationId, organizationId, acceptedAt: null, revokedAt: null },
    select: { id: true, email: true, role: true, sendCount: true, organizationId: true },
  });
  if (!invitation) throw notFound("That invitation");
  return invitation;
}

/** Sends a new link (the old one stops working) valid for another 7 days. */
export async function resendInvitation(
  db: Db,
  args: {
    organizationId: string;
    actorRole: OrgRole;
    actor: AuditActor;
    inviterName: string;
    invitationId: string;
    now?: Date;
  },
) {
  const now = args.now ?? new Date();
  return db.$transaction(async (tx) => {
    const invitation = await pendingInvitation(tx, args.organizationId, args.invitationId);
    ownerOnly(args.actorRole, invitation.role as OrgRole);
    const updated = await tx.invitation.update({
      where: { id: invitation.id },
      data: {
        tokenHash: null,
        sendCount: { increment: 1 },
        lastSentAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_VALID_MS),
      },
      select: { id: true, email: true, role: true, sendCount: true, organizationId: true, expiresAt: true },
    });
    await queueInvitationMail(tx, updated, args.inviterName);
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: args.organizationId,
      action: "invitation.resent",
      objectType: "Invitation",
      objectId: invitation.id,
      details: { email: invitation.email, role: invitation.role },
    });
    return { invitationId: updated.id, expiresAt: updated.expiresAt };
  });
}

export async function revokeInvitation(
  db: Db,
  args: { organizationId: string; actorRole: OrgRole; actor: AuditActor; invitationId: string },
) {
  await db.$transaction(async (tx) => {
    const invitation = await pendingInvitation(tx, args.organizationId, args.invitationId);
    ownerOnly(args.actorRole, invitation.role as OrgRole);
    await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: new Date(), tokenHash: null } });
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: args.organizationId,
      action: "invitation.revoked",
      objectType: "Invitation",
      objectId: invitation.id,
      details: { email: invitation.email, role: invitation.role },
    });
  });
  return { invitationId: args.invitationId };
}

/** The organization's invitations not yet accepted or revoked (expired ones too, to resend). */
export async function listInvitations(db: Db, organizationId: string, now = new Date()) {
  const rows = await db.invitation.findMany({
    where: { organizationId, acceptedAt: null, revokedAt: null },
    select: {
      id: true,
      email: true,
      role: true,
      createdAt: true,
      lastSentAt: true,
      expiresAt: true,
      sendCount: true,
      invitedById: true,
    },
    orderBy: { createdAt: "desc" },
  });
  const inviters = new Map(
    (
      await db.user.findMany({
        where: { id: { in: rows.map((r) => r.invitedById).filter((id): id is string => !!id) } },
        select: { id: true, email: true },
      })
    ).map((u) => [u.id, u.email]),
  );
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role as OrgRole,
    invitedBy: r.invitedById ? (inviters.get(r.invitedById) ?? null) : null,
    lastSentAt: r.lastSentAt,
    expiresAt: r.expiresAt,
    expired: r.expiresAt <= now,
  }));
}

export type InvitationView =
  | { state: "open"; email: string; organizationName: string; role: OrgRole; hasAccount: boolean; expiresAt: Date }
  | { state: "closed" };

/** What the invitation page shows for a link: the organization and role, or that it no longer works. */
export async function viewInvitation(db: Db, token: string, now = new Date()): Promise<InvitationView> {
  // The link's token names the invitation, whichever organization it is of.
  return withAllOrganizations("invitation link", () => viewInvitationRow(db, token, now));
}

async function viewInvitationRow(db: Db, token: string, now: Date): Promise<InvitationView> {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      organization: { select: { name: true } },
    },
  });
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now)
    return { state: "closed" };
  const hasAccount = (await db.user.count({ where: { email: invitation.email } })) > 0;
  return {
    state: "open",
    email: invitation.email,
    organizationName: invitation.organization.name,
    role: invitation.role as OrgRole,
    hasAccount,
    expiresAt: invitation.expiresAt,
  };
}

const LINK_CLOSED =
  "This invitation link was already used, revoked or has expired. Ask whoever invited you to send it again.";

/**
 * Accepts an invitation: a new person gives a name and a password; someone who has an account
 * joins with one click (the link proves the mailbox, as a reset link does). Works once.
 */
export async function acceptInvitation(
  db: Db,
  args: { token: string; name?: string; password?: string; ipAddress: string; now?: Date },
) {
  return withAllOrganizations("invitation link", () => acceptInvitationRow(db, args));
}

async function acceptInvitationRow(
  db: Db,
  args: { token: string; name?: string; password?: string; ipAddress: string; now?: Date },
) {
  const now = args.now ?? new Date();
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(args.token) },
    select: {
      id: true,
      email: true,
      role: true,
      organizationId: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      organization: { select: { slug: true } },
    },
  });
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now)
    throw new DomainError("BAD_REQUEST", LINK_CLOSED);
  const existing = await db.user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  let passwordHash: string | null = null;
  if (!existing) {
    const name = args.name?.trim();
    if (!name) throw new DomainError("BAD_REQUEST", "Enter your name.");
    const problem = passwordProblem(args.password ?? "", { email: invitation.email, name });
    if (problem) throw new DomainError("BAD_REQUEST", problem);
    passwordHash = await hashPassword(args.password!);
  }
  return db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now, tokenHash: null },
    });
    if (count === 0) throw new DomainError("BAD_REQUEST", LINK_CLOSED);
    const user =
      existing ??
      (await tx.user.create({
        data: { email: invitation.email, name: args.name!.trim(), passwordHash: passwordHash! },
        select: { id: true },
      }));
    const member = await tx.membership.findFirst({
      where: { organizationId: invitation.organizationId, userId: user.id },
      select: { id: true },
    });
    if (!member)
      await tx.membership.create({
        data: { organizationId: invitation.organizationId, userId: user.id, role: invitation.role },
      });
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedById: user.id } });
    await recordAudit(tx, {
      actor: { userId: user.id, email: invitation.email, ipAddress: args.ipAddress },
      organizationId: invitation.organizationId,
      action: "invitation.accepted",
      objectType: "Invitation",
      objectId: invitation.id,
      details: { email: invitation.email, role: invitation.role, newAccount: !existing },
    });
    return { email: invitation.email, orgSlug: invitation.organization.slug, newAccount: !existing };
  });
}

/** npm run org:create: a new organization whose first owner is invited by email. */
export async function createOrganizationWithOwner(db: Db, args: { name: string; slug: string; ownerEmail: string }) {
  const taken = await db.organization.findUnique({ where: { slug: args.slug }, select: { id: true } });
  if (taken) throw new DomainError("CONFLICT", `The address /${args.slug} is taken; choose another with --slug.`);
  // The organization, its audit entry and its first owner's invitation: all or nothing.
  return db.$transaction(async (tx) => {
    const org = await tx.organization.create({
      data: { name: args.name, slug: args.slug },
      select: { id: true, slug: true, name: true },
    });
    const actor: AuditActor = { userId: null, email: "npm run org:create", ipAddress: null };
    await recordAudit(tx, {
      actor,
      organizationId: org.id,
      action: "organization.created",
      objectType: "Organization",
      objectId: org.id,
      details: { name: org.name, slug: org.slug },
    });
    const invitation = await inviteMember(tx, {
      organizationId: org.id,
      actorRole: null,
      actor,
      inviterName: null,
      email: args.ownerEmail,
      role: "OWNER",
    });
    return { org, ...invitation };
  });
}

export const roleName = (role: OrgRole) => ROLE_NAMES[role];
