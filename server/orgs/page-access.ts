import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getSessionState, getSessionUser, type SessionUser } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import type { OrgRole, StaffRole } from "@/server/trpc/permissions";
import { findMembership } from "./membership";

export interface OrgPageAccess {
  user: SessionUser;
  org: { id: string; slug: string; name: string };
  role: OrgRole;
  /** Every organization of the person, by name (the organization switcher). */
  organizations: { slug: string; name: string }[];
}

/**
 * For server components under /[org]: the signed-in member and their role. Strangers get
 * the same 404 as a missing organization, so slugs cannot be probed.
 */
export const requireOrgMember = cache(async (slug: string): Promise<OrgPageAccess> => {
  const session = await getSessionState();
  if (session.kind !== "active") redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/${slug}/institutions`)}`);
  const { user, memberships } = session;
  // Read with the session: no query of its own.
  const membership = await findMembership(getDb(), user.id, slug, memberships);
  if (!membership) notFound();
  const { requireTwoFactor, ...org } = membership.organization;
  if (requireTwoFactor && !user.secondFactor) redirect(`/account/two-factor?required=${encodeURIComponent(org.slug)}`);
  return {
    user,
    org,
    role: membership.role,
    organizations: memberships.map((m) => ({ slug: m.organization.slug, name: m.organization.name })),
  };
});

/** For server components under /admin: staff only; everyone else sees a 404. */
export const requireStaff = cache(async (): Promise<SessionUser & { staffRole: StaffRole }> => {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Fadmin");
  if (!user.staffRole) notFound();
  // Staff read every organization's bank data: the console opens only after a second factor.
  if (!user.secondFactor) redirect("/account/two-factor?required=staff");
  return { ...user, staffRole: user.staffRole };
});
