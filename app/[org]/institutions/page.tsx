import { ManageInstitutions } from "@/app/_components/connections/manage-institutions";
import { getAggregatorClient } from "@/server/aggregator/client";
import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";

export const metadata = { title: "Manage Institutions" };

export default async function Page({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { role } = await requireOrgMember(org);
  return (
    <section aria-labelledby="page-title">
      <ManageInstitutions
        orgSlug={org}
        abilities={{
          manage: orgRoleAllows(role, "connections.manage"),
          retrieve: orgRoleAllows(role, "connections.retrieve"),
        }}
        providerLinkStyle={getAggregatorClient().capabilities.linkStyle}
      />
    </section>
  );
}
