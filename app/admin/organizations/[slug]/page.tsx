import { requireStaff } from "@/server/orgs/page-access";
import { staffRoleAllows } from "@/server/trpc/permissions";
import { OrganizationOverview } from "./organization-overview";

export const metadata = { title: "Organization" };

export default async function OrganizationPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const staff = await requireStaff();
  return <OrganizationOverview slug={slug} canAct={staffRoleAllows(staff.staffRole, "support.act")} />;
}
