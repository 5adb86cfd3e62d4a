import { z } from "zod";
import { actorOf } from "@/server/audit/service";
import { inviteMember, listInvitations, resendInvitation, revokeInvitation } from "@/server/invitations/service";
import { createRouter, orgProcedure, signedInProcedure } from "@/server/trpc/init";
import {
  changeMemberRoleInput,
  invitation,
  invitationRef,
  invitationSent,
  inviteInput,
  member,
  memberRole,
  membershipRef,
  organizationSummary,
  removedMember,
  revokedInvitation,
  securitySettings,
  twoFactorRequirement,
} from "./schemas";
import {
  changeMemberRole,
  getSecuritySettings,
  listMembers,
  listMyOrganizations,
  removeMember,
  setTwoFactorRequirement,
} from "./service";

export const orgsRouter = createRouter({
  listMine: signedInProcedure
    .input(z.void())
    .output(z.array(organizationSummary))
    .query(({ ctx }) => listMyOrganizations(ctx.db, ctx.user.id)),

  get: orgProcedure("org.read")
    .output(organizationSummary)
    .query(({ ctx }) => ({ ...ctx.org, role: ctx.role })),

  listMembers: orgProcedure("org.read")
    .output(z.array(member))
    .query(({ ctx }) => listMembers(ctx.db, ctx.org.id)),

  changeMemberRole: orgProcedure("members.manage")
    .input(changeMemberRoleInput)
    .output(memberRole)
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
    .input(membershipRef)
    .output(removedMember)
    .mutation(({ ctx, input }) =>
      removeMember(ctx.db, {
        organizationId: ctx.org.id,
        actorRole: ctx.role,
        membershipId: input.membershipId,
        actor: actorOf(ctx),
      }),
    ),

  listInvitations: orgProcedure("members.manage")
    .output(z.array(invitation))
    .query(({ ctx }) => listInvitations(ctx.db, ctx.org.id)),

  invite: orgProcedure("members.manage")
    .input(inviteInput)
    .output(invitationSent)
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
    .input(invitationRef)
    .output(invitationSent)
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
    .input(invitationRef)
    .output(revokedInvitation)
    .mutation(({ ctx, input }) =>
      revokeInvitation(ctx.db, {
        organizationId: ctx.org.id,
        actorRole: ctx.role,
        actor: actorOf(ctx),
        invitationId: input.invitationId,
      }),
    ),

  security: orgProcedure("org.read")
    .output(securitySettings)
    .query(({ ctx }) => getSecuritySettings(ctx.db, ctx.org.id)),

  setTwoFactorRequirement: orgProcedure("org.security")
    .input(twoFactorRequirement)
    .output(twoFactorRequirement)
    .mutation(({ ctx, input }) =>
      setTwoFactorRequirement(ctx.db, {
        organizationId: ctx.org.id,
        required: input.required,
        actor: { ...actorOf(ctx), secondFactor: ctx.user.secondFactor },
      }),
    ),
});
