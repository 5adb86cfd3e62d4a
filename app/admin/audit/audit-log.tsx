"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { z } from "zod";
import { DataTable, type Column } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import type { AuditActorKind, auditPage } from "@/server/support/schemas";
import { formatUtc } from "../_components/format";

const startOfDay = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const endOfDay = (iso: string) => new Date(`${iso}T23:59:59.999Z`);

type Entry = z.output<typeof auditPage>["entries"][number];

const byId = (e: Entry) => e.id;

const columns: Column<Entry>[] = [
  { header: "When", cell: (e) => formatUtc(e.createdAt), className: "whitespace-nowrap" },
  { header: "Who", cell: (e) => e.actorEmail ?? "system" },
  { header: "Action", cell: (e) => e.action, className: "font-mono text-xs" },
  {
    header: "Object",
    cell: (e) =>
      e.objectType === "Connection" && e.objectId ? (
        <Link href={`/admin/connections/${e.objectId}`} className="underline">
          Connection {e.objectId.slice(-8)}
        </Link>
      ) : (
        `${e.objectType}${e.objectId ? ` ${e.objectId}` : ""}`
      ),
  },
  {
    header: "Organization",
    cell: (e) =>
      e.organization ? (
        <Link href={`/admin/organizations/${e.organization.slug}`} className="underline">
          {e.organization.name}
        </Link>
      ) : (
        "—"
      ),
  },
  { header: "Reason", cell: (e) => e.reason ?? "—" },
  { header: "Address", cell: (e) => e.ipAddress ?? "—", className: "font-mono text-xs" },
  {
    header: "Details",
    cell: (e) => e.details ?? "—",
    className: "max-w-64 break-words font-mono text-xs text-ink-muted",
  },
];

export function AuditLog({
  initialObjectId,
  initialOrganization,
}: {
  initialObjectId: string;
  initialOrganization: string;
}) {
  const trpc = useTRPC();
  const actions = useQuery(trpc.support.auditActions.queryOptions());
  const [draft, setDraft] = useState({
    actor: "",
    action: "",
    organization: initialOrganization,
    objectId: initialObjectId,
    actorKind: "",
    from: "",
    to: "",
  });
  const [applied, setApplied] = useState(draft);
  const input = {
    ...(applied.actor.trim() ? { actor: applied.actor.trim() } : {}),
    ...(applied.action ? { action: applied.action } : {}),
    ...(applied.organization.trim() ? { organization: applied.organization.trim() } : {}),
    ...(applied.objectId.trim() ? { objectId: applied.objectId.trim() } : {}),
    ...(applied.actorKind ? { actorKind: applied.actorKind as AuditActorKind } : {}),
    ...(applied.from ? { from: startOfDay(applied.from) } : {}),
    ...(applied.to ? { to: endOfDay(applied.to) } : {}),
    limit: 50,
  };
  const entries = useInfiniteQuery(
    trpc.support.audit.infiniteQueryOptions(input, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      initialCursor: undefined,
    }),
  );
  const rows = entries.data?.pages.flatMap((p) => p.entries) ?? [];
  const set = (key: keyof typeof draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });

  return (
    <div className="space-y-4">
      <form
        className="card grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
      >
        <div>
          <label htmlFor="audit-actor" className="label">
            Who (email contains)
          </label>
          <input id="audit-actor" className="field" value={draft.actor} onChange={set("actor")} />
        </div>
        <div>
          <label htmlFor="audit-kind" className="label">
            People
          </label>
          <select id="audit-kind" className="field" value={draft.actorKind} onChange={set("actorKind")}>
            <option value="">Everyone</option>
            <option value="staff">Support staff</option>
            <option value="customer">Customers</option>
          </select>
        </div>
        <div>
          <label htmlFor="audit-action" className="label">
            Action
          </label>
          <select id="audit-action" className="field" value={draft.action} onChange={set("action")}>
            <option value="">Any action</option>
            {actions.data?.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-org" className="label">
            Organization (slug)
          </label>
          <input id="audit-org" className="field" value={draft.organization} onChange={set("organization")} />
        </div>
        <div>
          <label htmlFor="audit-object" className="label">
            Object id
          </label>
          <input id="audit-object" className="field" value={draft.objectId} onChange={set("objectId")} />
        </div>
        <div>
          <label htmlFor="audit-from" className="label">
            From
          </label>
          <input id="audit-from" type="date" className="field" value={draft.from} onChange={set("from")} />
        </div>
        <div>
          <label htmlFor="audit-to" className="label">
            To
          </label>
          <input id="audit-to" type="date" className="field" value={draft.to} onChange={set("to")} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary">
            Apply filters
          </button>
          <button
            type="button"
            className="btn-secondary"
            onClick={() => {
              const empty = { actor: "", action: "", organization: "", objectId: "", actorKind: "", from: "", to: "" };
              setDraft(empty);
              setApplied(empty);
            }}
          >
            Clear
          </button>
        </div>
      </form>

      {entries.isPending && <p className="text-ink-muted">Loading…</p>}
      {entries.isError && (
        <p role="alert" className="text-danger">
          {entries.error.message}
        </p>
      )}
      {entries.data && (
        <>
          <p className="text-sm text-ink-muted" aria-live="polite">
            {entries.data.pages[0]!.total === 0
              ? "No entry matches."
              : `${entries.data.pages[0]!.total} entr${entries.data.pages[0]!.total === 1 ? "y" : "ies"}.`}
          </p>
          {rows.length > 0 && (
            <div className="card p-0">
              <DataTable caption="Audit entries, newest first" inset columns={columns} rows={rows} rowKey={byId} />
            </div>
          )}
          {entries.hasNextPage && (
            <button
              type="button"
              className="btn-secondary"
              onClick={() => void entries.fetchNextPage()}
              disabled={entries.isFetchingNextPage}
            >
              {entries.isFetchingNextPage ? "Loading…" : "Show older entries"}
            </button>
          )}
        </>
      )}
    </div>
  );
}
