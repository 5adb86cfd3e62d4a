import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";
import { RegisterView } from "./register-view";

export const metadata = { title: "Register" };

export default async function Page({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { role } = await requireOrgMember(org);
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Register
      </h1>
      <p className="text-ink-muted">
        Your books: entries imported from the bank feed or added by hand, with the balance after each.
      </p>
      <RegisterView orgSlug={org} canWrite={orgRoleAllows(role, "books.write")} />
    </section>
  );
}
