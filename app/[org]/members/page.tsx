import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";
import { MembersTable } from "./members-table";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { role, user } = await requireOrgMember(org);
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">Members</h1>
      <MembersTable orgSlug={org} canManage={orgRoleAllows(role, "members.manage")} myUserId={user.id} />
    </section>
  );
}
