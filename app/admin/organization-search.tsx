"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";

export function OrganizationSearch({ initialText }: { initialText: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [draft, setDraft] = useState(initialText);
  const [text, setText] = useState(initialText);
  const results = useQuery(trpc.support.search.queryOptions({ text }));

  return (
    <div className="space-y-4">
      <form
        role="search"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setText(draft.trim());
          router.replace(draft.trim() ? `/admin?q=${encodeURIComponent(draft.trim())}` : "/admin");
        }}
      >
        <div className="min-w-64 flex-1">
          <label htmlFor="org-search" className="label">
            Search organizations
          </label>
          <input
            id="org-search"
            className="field"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Riverside, owner@…, Sandbox Bank, a connection id"
            autoComplete="off"
          />
        </div>
        <button type="submit" className="btn-primary">
          Search
        </button>
      </form>

      <div aria-live="polite">
        {results.isPending && <p className="text-ink-muted">Searching…</p>}
        {results.isError && (
          <p role="alert" className="text-danger">
            {results.error.message}
          </p>
        )}
        {results.data && (
          <>
            <p className="mb-2 text-sm text-ink-muted">
              {results.data.length === 0
                ? "No organization matches."
                : `${results.data.length} organization${results.data.length === 1 ? "" : "s"}` +
                  (text ? ` matching “${text}”` : "") +
                  "."}
            </p>
            <ul className="space-y-2">
              {results.data.map((o) => (
                <li key={o.id} className="card flex flex-wrap items-center justify-between gap-3 p-4">
                  <div>
                    <Link
                      href={`/admin/organizations/${o.slug}`}
                      className="font-semibold text-brand-700 underline-offset-2 hover:underline"
                    >
                      {o.name}
                    </Link>
                    <p className="text-sm text-ink-muted">
                      /{o.slug} · {o.memberCount} member{o.memberCount === 1 ? "" : "s"} · {o.connectionCount}{" "}
                      connection{o.connectionCount === 1 ? "" : "s"}
                      {o.connectionsNeedingAttention > 0 && (
                        <>
                          {" "}
                          · <span className="text-danger">{o.connectionsNeedingAttention} need attention</span>
                        </>
                      )}
                    </p>
                    {o.matchedOn.length > 0 && (
                      <p className="text-xs text-ink-muted">Matched on {o.matchedOn.join(", ")}</p>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}
