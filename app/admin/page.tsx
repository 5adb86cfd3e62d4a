import { WorkProgressPanel } from "./_components/work-progress-panel";
import { OrganizationSearch } from "./organization-search";

export const metadata = { title: "Search" };

export default async function AdminHome({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const { q } = await searchParams;
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Support console
      </h1>
      <p className="text-ink-muted">Find an organization by name, slug, member email, connection or institution.</p>
      <OrganizationSearch initialText={typeof q === "string" ? q : ""} />
      <WorkProgressPanel />
    </section>
  );
}
