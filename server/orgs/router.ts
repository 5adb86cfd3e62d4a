import { z } from "zod";
import { createRouter, orgProcedure, signedInProcedure } from "@/server/trpc/init";
import { ORG_ROLES } from "@/server/trpc/permissions";
import { changeMemberRole, listMembers, listMyOrganizations } from "./service";

const orgRole = z.enum(ORG_ROLES);
const organizationSummary = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: orgRole });

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
    .input(z.object({ membershipId: z.string().min(1).max(64), role: orgRole }))
    .output(z.object({ membershipId: z.string(), role: orgRole }))
    .mutation(({ ctx, input }) =>
      changeMemberRole(ctx.db, {
        organizationId: ctx.org.id,
        actorRole: ctx.role,
        membershipId: input.membershipId,
        role: input.role,
      }),
    ),
});
