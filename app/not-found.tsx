import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md p-8">
      <div className="card space-y-3">
        <h1 className="text-xl font-semibold">Page not found</h1>
        <p className="text-sm text-ink-muted">This page does not exist, or you do not have access to it.</p>
        <Link href="/" className="btn-secondary">
          Go to your organization
        </Link>
      </div>
    </main>
  );
}
