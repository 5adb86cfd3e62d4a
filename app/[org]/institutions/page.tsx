import { requireOrgMember } from "@/server/orgs/page-access";

export const metadata = { title: "Manage Institutions" };

export default async function Page({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  await requireOrgMember(org);
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">Manage Institutions</h1>
      <p className="text-ink-muted">Your bank connections will appear here.</p>
    </section>
  );
}
