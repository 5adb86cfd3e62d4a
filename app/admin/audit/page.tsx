import { AuditLog } from "./audit-log";

export const metadata = { title: "Audit log" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<{ objectId?: string; organization?: string }>;
}) {
  const { objectId, organization } = await searchParams;
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Audit log
      </h1>
      <p className="text-ink-muted">
        Every support action and every change a customer made to a connection: who, what, which object, when, from which
        address and why. Entries cannot be changed or deleted.
      </p>
      <AuditLog
        initialObjectId={typeof objectId === "string" ? objectId : ""}
        initialOrganization={typeof organization === "string" ? organization : ""}
      />
    </section>
  );
}
