import type { AccessCases, AccessWorld } from "@/server/testing/access-cases";
import { createUser } from "@/server/testing/fixtures";

async function invitationId(w: AccessWorld) {
  const invitation = await w.db.invitation.create({
    data: {
      organizationId: w.home.org.id,
      email: `pending-${Math.random().toString(36).slice(2)}@test.example`,
      role: "VIEWER",
      expiresAt: new Date(Date.now() + 86_400_000),
    },
    select: { id: true },
  });
  return invitation.id;
}

export const orgsAccessCases: AccessCases = {
  "me.get": { access: { kind: "signedIn" }, input: () => undefined },
  "me.sessions": { access: { kind: "signedIn" }, input: () => undefined },
  "me.endSession": { access: { kind: "signedIn" }, input: () => ({ sessionId: "not-a-session-of-mine" }) },
  "me.endOtherSessions": { access: { kind: "signedIn" }, input: () => undefined },
  "me.changePassword": {
    access: { kind: "signedIn" },
    input: () => ({ currentPassword: "not the password", newPassword: "a long enough new passphrase" }),
  },
  "me.twoFactor": { access: { kind: "signedIn" }, input: () => undefined },
  "me.startTwoFactor": { access: { kind: "signedIn" }, input: () => undefined },
  "me.confirmTwoFactor": { access: { kind: "signedIn" }, input: () => ({ code: "000000" }) },
  "me.disableTwoFactor": { access: { kind: "signedIn" }, input: () => ({ password: "not the password" }) },
  "me.emailPreferences": { access: { kind: "signedIn" }, input: () => undefined },
  "me.setEmailPreference": { access: { kind: "signedIn" }, input: () => ({ kind: "weekly-summary", wanted: false }) },
  "auth.signInState": { access: { kind: "public" }, input: () => undefined },
  "auth.verifySignInCode": { access: { kind: "public" }, input: () => ({ code: "000000" }) },
  "auth.requestPasswordReset": { access: { kind: "public" }, input: () => ({ email: "nobody-at-all@test.example" }) },
  "auth.resetPassword": {
    access: { kind: "public" },
    input: () => ({ token: "x".repeat(43), password: "a long enough new passphrase" }),
  },
  "auth.acceptInvitation": { access: { kind: "public" }, input: () => ({ token: "x".repeat(43) }) },
  "orgs.security": { access: { kind: "org", permission: "org.read" }, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "orgs.setTwoFactorRequirement": {
    access: { kind: "org", permission: "org.security" },
    input: (w) => ({ orgSlug: w.home.org.slug, required: false }),
  },
  "orgs.listInvitations": {
    access: { kind: "org", permission: "members.manage" },
    input: (w) => ({ orgSlug: w.home.org.slug }),
  },
  "orgs.invite": {
    access: { kind: "org", permission: "members.manage" },
    input: (w) => ({
      orgSlug: w.home.org.slug,
      email: `invitee-${Math.random().toString(36).slice(2)}@test.example`,
      role: "VIEWER",
    }),
  },
  "orgs.resendInvitation": {
    access: { kind: "org", permission: "members.manage" },
    input: async (w) => ({ orgSlug: w.home.org.slug, invitationId: await invitationId(w) }),
    foreignIdsInput: async (w) => ({ orgSlug: w.other.org.slug, invitationId: await invitationId(w) }),
  },
  "orgs.revokeInvitation": {
    access: { kind: "org", permission: "members.manage" },
    input: async (w) => ({ orgSlug: w.home.org.slug, invitationId: await invitationId(w) }),
    foreignIdsInput: async (w) => ({ orgSlug: w.other.org.slug, invitationId: await invitationId(w) }),
  },
  "orgs.removeMember": {
    access: { kind: "org", permission: "members.manage" },
    input: async (w) => {
      const user = await createUser(w.db);
      const m = await w.db.membership.create({
        data: { organizationId: w.home.org.id, userId: user.id, role: "VIEWER" },
        select: { id: true },
      });
      return { orgSlug: w.home.org.slug, membershipId: m.id };
    },
    foreignIdsInput: async (w) => ({
      orgSlug: w.other.org.slug,
      membershipId: await membershipId(w.db, w.home.users.VIEWER.id, w.home.org.id),
    }),
  },
  "orgs.listMine": { access: { kind: "signedIn" }, input: () => undefined },
  "orgs.get": { access: { kind: "org", permission: "org.read" }, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "orgs.listMembers": { access: { kind: "org", permission: "org.read" }, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "orgs.changeMemberRole": {
    access: { kind: "org", permission: "members.manage" },
    input: async (w) => ({
      orgSlug: w.home.org.slug,
      membershipId: await membershipId(w.db, w.home.users.VIEWER.id, w.home.org.id),
      role: "VIEWER",
    }),
    foreignIdsInput: async (w) => ({
      orgSlug: w.other.org.slug,
      membershipId: await membershipId(w.db, w.home.users.VIEWER.id, w.home.org.id),
      role: "OWNER",
    }),
  },
};

async function membershipId(db: import("@/server/db/client").Db, userId: string, organizationId: string) {
  const m = await db.membership.findFirstOrThrow({ where: { userId, organizationId }, select: { id: true } });
  return m.id;
}
