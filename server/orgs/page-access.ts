import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getSessionUser, type SessionUser } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { withUser } from "@/server/db/tenancy";
import type { OrgRole } from "@/server/trpc/permissions";

export interface OrgPageAccess {
  user: SessionUser;
  org: { id: string; slug: string; name: string };
  role: OrgRole;
}

/**
 * For server components under /[org]: the signed-in member and their role. Strangers get
 * the same 404 as a missing organization, so slugs cannot be probed.
 */
export const requireOrgMember = cache(async (slug: string): Promise<OrgPageAccess> => {
  const user = await getSessionUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/${slug}/institutions`)}`);
  const membership = await withUser(user.id, () =>
    getDb().membership.findFirst({
      where: { userId: user.id, organization: { slug } },
      select: { role: true, organization: { select: { id: true, slug: true, name: true, requireTwoFactor: true } } },
    }),
  );
  if (!membership) notFound();
  const { requireTwoFactor, ...org } = membership.organization;
  if (requireTwoFactor && !user.secondFactor) redirect(`/account/two-factor?required=${encodeURIComponent(org.slug)}`);
  return { user, org, role: membership.role as OrgRole };
});

/** For server components under /admin: staff only; everyone else sees a 404. */
export const requireStaff = cache(async (): Promise<SessionUser & { staffRole: "SUPPORT" | "SUPPORT_ADMIN" }> => {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Fadmin");
  if (!user.staffRole) notFound();
  // Staff read every organization's bank data: the console opens only after a second factor.
  if (!user.secondFactor) redirect("/account/two-factor?required=staff");
  return { ...user, staffRole: user.staffRole };
});
