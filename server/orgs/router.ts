import { z } from "zod";
import { actorOf } from "@/server/audit/service";
import { inviteMember, listInvitations, resendInvitation, revokeInvitation } from "@/server/invitations/service";
import { createRouter, orgProcedure, signedInProcedure } from "@/server/trpc/init";
import { ORG_ROLES } from "@/server/trpc/permissions";
import { changeMemberRole, getSecuritySettings, listMembers, listMyOrganizations, removeMember, setTwoFactorRequirement } from "./service";

const orgRole = z.enum(ORG_ROLES);
const organizationSummary = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: orgRole });
const id = z.string().min(1).max(64);

export const orgsRouter = createRouter({
  listMine: signedInProcedure
    .input(z.void())
    .output(z.array(organizationSummary))
    .query(({ ctx }) => listMyOrganizations(ctx.db, ctx.user.id)),

  get: orgProcedure("org.read")
    .output(organizationSummary)
    .query(({ ctx }) => ({ ...ctx.org, role: ctx.role })),

  listMembers: orgProcedure("org.read")
    .output(
      z.array(
        z.object({
          membershipId: z.string(),
          userId: z.string(),
          email: z.string(),
          name: z.string(),
          role: orgRole,
          since: z.date(),
        }),
      ),
    )
    .query(({ ctx }) => listMembers(ctx.db, ctx.org.id)),

  changeMemberRole: orgProcedure("members.manage")
    .input(z.object({ membershipId: id, role: orgRole }))
    .output(z.object({ membershipId: z.string(), role: orgRole }))
    .mutation(({ ctx, input }) =>
      changeMemberRole(ctx.db, {
        organizationId: ctx.org.id,
        actorRole: ctx.role,
        membershipId: input.membershipId,
        role: input.role,
        actor: actorOf(ctx),
      }),
    ),

  removeMember: orgProcedure("members.manage")
    .input(z.object({ membershipId: id }))
    .output(z.object({ membershipId: z.string() }))
    .mutation(({ ctx, input }) =>
      removeMember(ctx.db, { organizationId: ctx.org.id, actorRole: ctx.role, membershipId: input.membershipId, actor: actorOf(ctx) }),
    ),

  listInvitations: orgProcedure("members.manage")
    .output(
      z.array(
        z.object({
          id: z.string(),
          email: z.string(),
          role: orgRole,
          invitedBy: z.string().nullable(),
          lastSentAt: z.date(),
          expiresAt: z.date(),
          expired: z.boolean(),
        }),
      ),
    )
    .query(({ ctx }) => listInvitations(ctx.db, ctx.org.id)),

  invite: orgProcedure("members.manage")
    .input(z.object({ email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(200)), role: orgRole }))
    .output(z.object({ invitationId: z.string(), expiresAt: z.date() }))
    .mutation(({ ctx, input }) =>
      inviteMember(ctx.db, {
        organizationId: ctx.org.id,
        actorRole: ctx.role,
        actor: actorOf(ctx),
        inviterName: ctx.user.name,
        email: input.email,
        role: input.role,
      }),
    ),

  resendInvitation: orgProcedure("members.manage")
    .input(z.object({ invitationId: id }))
    .output(z.object({ invitationId: z.string(), expiresAt: z.date() }))
    .mutation(({ ctx, input }) =>
      resendInvitation(ctx.db, {
        organizationId: ctx.org.id,
        actorRole: ctx.role,
        actor: actorOf(ctx),
        inviterName: ctx.user.name,
        invitationId: input.invitationId,
      }),
    ),

  revokeInvitation: orgProcedure("members.manage")
    .input(z.object({ invitationId: id }))
    .output(z.object({ invitationId: z.string() }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, { organizationId: ctx.org.id, actorRole: ctx.role, actor: actorOf(ctx), invitationId: input.invitationId })),

  security: orgProcedure("org.read")
    .output(z.object({ requireTwoFactor: z.boolean() }))
    .query(({ ctx }) => getSecuritySettings(ctx.db, ctx.org.id)),

  setTwoFactorRequirement: orgProcedure("org.security")
    .input(z.object({ required: z.boolean() }))
    .output(z.object({ required: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setTwoFactorRequirement(ctx.db, { organizationId: ctx.org.id, required: input.required, actor: { ...actorOf(ctx), secondFactor: ctx.user.secondFactor } }),
    ),
});
