import type { SessionMembership } from "@/server/auth/sessions";
import type { Db } from "@/server/db/client";
import { withUser } from "@/server/db/tenancy";
import type { OrgRole } from "@/server/trpc/permissions";

/**
 * The person's membership of the organization with this slug. A request read every membership
 * with its session (one query: server/auth/sessions.ts), so this costs no round trip then;
 * callers built without a session (tests, jobs) read it from the database.
 */
export async function findMembership(
  db: Db,
  userId: string,
  slug: string,
  known: SessionMembership[] | null,
): Promise<SessionMembership | null> {
  if (known) return known.find((m) => m.organization.slug === slug) ?? null;
  // The person's own memberships are theirs to see (row-level security's user scope).
  const membership = await withUser(userId, () =>
    db.membership.findFirst({
      where: { userId, organization: { slug } },
      select: { role: true, organization: { select: { id: true, slug: true, name: true, requireTwoFactor: true } } },
    }),
  );
  return membership && { role: membership.role as OrgRole, organization: membership.organization };
}
