"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import type { AuditActorKind } from "@/server/support/schemas";
import { formatUtc } from "../_components/format";

const startOfDay = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const endOfDay = (iso: string) => new Date(`${iso}T23:59:59.999Z`);

export function AuditLog({ initialObjectId, initialOrganization }: { initialObjectId: string; initialOrganization: string }) {
  const trpc = useTRPC();
  const actions = useQuery(trpc.support.auditActions.queryOptions());
  const [draft, setDraft] = useState({ actor: "", action: "", organization: initialOrganization, objectId: initialObjectId, actorKind: "", from: "", to: "" });
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
    trpc.support.audit.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor ?? undefined, initialCursor: undefined }),
  );
  const rows = entries.data?.pages.flatMap((p) => p.entries) ?? [];
  const set = (key: keyof typeof draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

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
          <label htmlFor="audit-actor" className="label">Who (email contains)</label>
          <input id="audit-actor" className="field" value={draft.actor} onChange={set("actor")} />
        </div>
        <div>
          <label htmlFor="audit-kind" className="label">People</label>
          <select id="audit-kind" className="field" value={draft.actorKind} onChange={set("actorKind")}>
            <option value="">Everyone</option>
            <option value="staff">Support staff</option>
            <option value="customer">Customers</option>
          </select>
        </div>
        <div>
          <label htmlFor="audit-action" className="label">Action</label>
          <select id="audit-action" className="field" value={draft.action} onChange={set("action")}>
            <option value="">Any action</option>
            {actions.data?.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="audit-org" className="label">Organization (slug)</label>
          <input id="audit-org" className="field" value={draft.organization} onChange={set("organization")} />
        </div>
        <div>
          <label htmlFor="audit-object" className="label">Object id</label>
          <input id="audit-object" className="field" value={draft.objectId} onChange={set("objectId")} />
        </div>
        <div>
          <label htmlFor="audit-from" className="label">From</label>
          <input id="audit-from" type="date" className="field" value={draft.from} onChange={set("from")} />
        </div>
        <div>
          <label htmlFor="audit-to" className="label">To</label>
          <input id="audit-to" type="date" className="field" value={draft.to} onChange={set("to")} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary">Apply filters</button>
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
      {entries.isError && <p role="alert" className="text-danger">{entries.error.message}</p>}
      {entries.data && (
        <>
          <p className="text-sm text-ink-muted" aria-live="polite">
            {entries.data.pages[0]!.total === 0 ? "No entry matches." : `${entries.data.pages[0]!.total} entr${entries.data.pages[0]!.total === 1 ? "y" : "ies"}.`}
          </p>
          {rows.length > 0 && (
            <div className="card overflow-x-auto p-0">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Audit entries, newest first</caption>
                <thead className="border-b border-surface-line text-ink-muted">
                  <tr>
                    <th scope="col" className="px-3 py-2 font-medium">When</th>
                    <th scope="col" className="px-3 py-2 font-medium">Who</th>
                    <th scope="col" className="px-3 py-2 font-medium">Action</th>
                    <th scope="col" className="px-3 py-2 font-medium">Object</th>
                    <th scope="col" className="px-3 py-2 font-medium">Organization</th>
                    <th scope="col" className="px-3 py-2 font-medium">Reason</th>
                    <th scope="col" className="px-3 py-2 font-medium">Address</th>
                    <th scope="col" className="px-3 py-2 font-medium">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((e) => (
                    <tr key={e.id} className="border-b border-surface-line align-top last:border-0">
                      <td className="whitespace-nowrap px-3 py-2">{formatUtc(e.createdAt)}</td>
                      <td className="px-3 py-2">{e.actorEmail ?? "system"}</td>
                      <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                      <td className="px-3 py-2">
                        {e.objectType === "Connection" && e.objectId ? (
                          <Link href={`/admin/connections/${e.objectId}`} className="underline">Connection {e.objectId.slice(-8)}</Link>
                        ) : (
                          <>{e.objectType}{e.objectId ? ` ${e.objectId}` : ""}</>
                        )}
                      </td>
                      <td className="px-3 py-2">
                        {e.organization ? <Link href={`/admin/organizations/${e.organization.slug}`} className="underline">{e.organization.name}</Link> : "—"}
                      </td>
                      <td className="px-3 py-2">{e.reason ?? "—"}</td>
                      <td className="px-3 py-2 font-mono text-xs">{e.ipAddress ?? "—"}</td>
                      <td className="max-w-64 break-words px-3 py-2 font-mono text-xs text-ink-muted">{e.details ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {entries.hasNextPage && (
            <button type="button" className="btn-secondary" onClick={() => void entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
              {entries.isFetchingNextPage ? "Loading…" : "Show older entries"}
            </button>
          )}
        </>
      )}
    </div>
  );
}
