import { requireOrgMember } from "@/server/orgs/page-access";
import { orgRoleAllows } from "@/server/trpc/permissions";
import { FeedView } from "./feed-view";

export const metadata = { title: "Bank feed" };

export default async function Page({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { role } = await requireOrgMember(org);
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">Bank feed</h1>
      <p className="text-ink-muted">
        Transactions retrieved from your banks wait here for review. Import what belongs in the books; hide what is already there.
        A red <span className="font-semibold text-danger">Possible duplicate</span> mark names the register entry a transaction matches and why.
      </p>
      <FeedView orgSlug={org} canWrite={orgRoleAllows(role, "books.write")} />
    </section>
  );
}
