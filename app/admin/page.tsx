export const metadata = { title: "Search" };

export default function AdminHome() {
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">Support console</h1>
      <p className="text-ink-muted">Find an organization by name, slug, member email, connection or institution.</p>
    </section>
  );
}
