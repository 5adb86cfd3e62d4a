import { requireOrgMember } from "@/server/orgs/page-access";

export const metadata = { title: "Register" };

export default async function Page({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  await requireOrgMember(org);
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">Register</h1>
      <p className="text-ink-muted">Your books: entries imported from the bank feed or added by hand.</p>
    </section>
  );
}
