import { z } from "zod";
import { emailAddress } from "@/server/auth/schemas";
import { OrgRole } from "@/server/db/generated/enums";
import { id } from "@/server/trpc/schemas";

// What orgs.* procedures take and give: the organizations a person belongs to, members and
// their roles, invitations, the organization's security settings.

export const orgRole = z.enum(OrgRole);

export const organizationSummary = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: orgRole });

export const member = z.object({
  membershipId: z.string(),
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: orgRole,
  since: z.date(),
});
export const membershipRef = z.object({ membershipId: id });
export const changeMemberRoleInput = z.object({ membershipId: id, role: orgRole });
export const memberRole = z.object({ membershipId: z.string(), role: orgRole });
export const removedMember = z.object({ membershipId: z.string() });

export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: orgRole,
  invitedBy: z.string().nullable(),
  lastSentAt: z.date(),
  expiresAt: z.date(),
  expired: z.boolean(),
});
export const inviteInput = z.object({ email: emailAddress, role: orgRole });
export const invitationRef = z.object({ invitationId: id });
export const invitationSent = z.object({ invitationId: z.string(), expiresAt: z.date() });
export const revokedInvitation = z.object({ invitationId: z.string() });

export const securitySettings = z.object({ requireTwoFactor: z.boolean() });
export const twoFactorRequirement = z.object({ required: z.boolean() });

export type OrganizationSummary = z.output<typeof organizationSummary>;
export type Member = z.output<typeof member>;
export type Invitation = z.output<typeof invitation>;
