import { requireStaff } from "@/server/orgs/page-access";
import { staffRoleAllows } from "@/server/trpc/permissions";
import { ConnectionView } from "./connection-view";

export const metadata = { title: "Connection" };

export default async function ConnectionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const staff = await requireStaff();
  return <ConnectionView connectionId={id} canAct={staffRoleAllows(staff.staffRole, "support.act")} />;
}
