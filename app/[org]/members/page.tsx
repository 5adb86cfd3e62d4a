import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";
import { InvitationsPanel } from "./invitations-panel";
import { MembersTable } from "./members-table";
import { SecurityPanel } from "./security-panel";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { role, user } = await requireOrgMember(org);
  const canManage = orgRoleAllows(role, "members.manage");
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Members
      </h1>
      <MembersTable orgSlug={org} canManage={canManage} myUserId={user.id} myRole={role} />
      {canManage && <InvitationsPanel orgSlug={org} canInviteOwners={role === "OWNER"} />}
      <SecurityPanel orgSlug={org} canChange={orgRoleAllows(role, "org.security")} />
    </section>
  );
}
