"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { z } from "zod";
import { DataTable, type Column } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import type { organizationOverview } from "@/server/support/schemas";
import { ResetTwoFactor } from "./reset-two-factor";
import { formatUtc, roleLabel, variantLabel } from "../../_components/format";
import { CodeBadge, StatusBadge } from "../../_components/status-badge";

type Organization = z.output<typeof organizationOverview>;

const connectionColumns: Column<Organization["connections"][number]>[] = [
  {
    header: "Institution",
    cell: (c) => (
      <>
        <Link
          href={`/admin/connections/${c.id}`}
          className="font-medium text-brand-700 underline-offset-2 hover:underline"
        >
          {c.institution.name}
        </Link>
        <span className="block text-xs text-ink-muted">
          {variantLabel(c.institution.variant)} · {c.linkedAccounts} linked account{c.linkedAccounts === 1 ? "" : "s"}
          {c.institution.knownIssue && <span className="ml-1 text-warn">· known issue</span>}
        </span>
      </>
    ),
  },
  {
    header: "Status",
    cell: (c) => (
      <>
        <StatusBadge status={c.status} />
        {c.nextRetryAt && <span className="block text-xs text-ink-muted">retry {formatUtc(c.nextRetryAt)}</span>}
      </>
    ),
  },
  { header: "Last success", cell: (c) => formatUtc(c.lastSuccessAt) },
  { header: "Last code", cell: (c) => <CodeBadge code={c.lastStatusCode} title={c.lastStatusTitle} /> },
  { header: "Open notices", cell: (c) => c.openNotices, numeric: true },
];

export function OrganizationOverview({ slug, canAct }: { slug: string; canAct: boolean }) {
  const trpc = useTRPC();
  const org = useQuery(trpc.support.organization.queryOptions({ slug }));

  if (org.isPending) return <p className="text-ink-muted">Loading the organization…</p>;
  if (org.isError)
    return (
      <p role="alert" className="text-danger">
        {org.error.message}
      </p>
    );
  const o = org.data;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-ink-muted">
        <Link href="/admin" className="underline">
          Search
        </Link>{" "}
        / {o.name}
      </nav>
      <header>
        <h1 className="text-2xl font-semibold">{o.name}</h1>
        <p className="text-sm text-ink-muted">
          /{o.slug} · customer since {formatUtc(o.createdAt)}
        </p>
      </header>

      <section aria-labelledby="connections-title" className="card p-0">
        <h2 id="connections-title" className="px-4 pb-2 pt-4 text-lg font-semibold">
          Connections
        </h2>
        <DataTable
          labelledBy="connections-title"
          inset
          columns={connectionColumns}
          rows={o.connections}
          rowKey={(c) => c.id}
          empty="No bank connections yet."
        />
      </section>

      <section aria-labelledby="notices-title" className="card">
        <h2 id="notices-title" className="text-lg font-semibold">
          Open notices
        </h2>
        {o.notices.length === 0 ? (
          <p className="mt-2 text-sm text-ink-muted">None: nothing is waiting for the customer.</p>
        ) : (
          <ul className="mt-2 space-y-2 text-sm">
            {o.notices.map((n) => (
              <li key={n.id} className="rounded-md border border-surface-line p-3">
                <p className="font-medium">{n.title}</p>
                <p className="text-ink-muted">{n.body}</p>
                <p className="text-xs text-ink-muted">Since {formatUtc(n.createdAt)}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="members-title" className="card p-0">
        <h2 id="members-title" className="px-4 pb-2 pt-4 text-lg font-semibold">
          Members
        </h2>
        <DataTable
          labelledBy="members-title"
          inset
          rows={o.members}
          rowKey={(m) => m.userId}
          empty="No members."
          columns={[
            { header: "Name", cell: (m) => m.name },
            { header: "Email", cell: (m) => m.email },
            { header: "Role", cell: (m) => roleLabel(m.role) },
            { header: "Member since", cell: (m) => formatUtc(m.since) },
            {
              header: "Two-factor sign-in",
              cell: (m) => (
                <>
                  {m.twoFactor ? "On" : "Off"}
                  {m.twoFactor && canAct && <ResetTwoFactor userId={m.userId} email={m.email} />}
                </>
              ),
            },
          ]}
        />
      </section>
    </div>
  );
}
