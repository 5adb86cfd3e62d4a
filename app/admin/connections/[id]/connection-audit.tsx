"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/app/_lib/trpc";
import { formatUtc } from "../../_components/format";

/** The audit log's entries about this connection: the customer's changes and support's actions. */
export function ConnectionAudit({ connectionId }: { connectionId: string }) {
  const trpc = useTRPC();
  const audit = useQuery(
    trpc.support.audit.queryOptions({ objectType: "Connection", objectId: connectionId, limit: 20 }),
  );
  return (
    <section aria-labelledby="audit-title" className="card space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="audit-title" className="text-lg font-semibold">
          Changes and support actions
        </h2>
        <Link href={`/admin/audit?objectId=${encodeURIComponent(connectionId)}`} className="text-sm underline">
          Open in the audit log
        </Link>
      </div>
      {audit.isPending && <p className="text-ink-muted">Loading…</p>}
      {audit.data && audit.data.entries.length === 0 && <p className="text-sm text-ink-muted">Nothing recorded yet.</p>}
      {audit.data && audit.data.entries.length > 0 && (
        <ul className="space-y-1 text-sm">
          {audit.data.entries.map((e) => (
            <li key={e.id}>
              <span className="text-ink-muted">{formatUtc(e.createdAt)}</span> · {e.actorEmail ?? "system"} ·{" "}
              <span className="font-mono text-xs">{e.action}</span>
              {e.reason && <> · reason: “{e.reason}”</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
