"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/app/_lib/trpc";
import { ResetTwoFactor } from "./reset-two-factor";
import { formatUtc, roleLabel, variantLabel } from "../../_components/format";
import { CodeBadge, StatusBadge } from "../../_components/status-badge";

export function OrganizationOverview({ slug, canAct }: { slug: string; canAct: boolean }) {
  const trpc = useTRPC();
  const org = useQuery(trpc.support.organization.queryOptions({ slug }));

  if (org.isPending) return <p className="text-ink-muted">Loading the organization…</p>;
  if (org.isError) return <p role="alert" className="text-danger">{org.error.message}</p>;
  const o = org.data;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-ink-muted">
        <Link href="/admin" className="underline">Search</Link> / {o.name}
      </nav>
      <header>
        <h1 className="text-2xl font-semibold">{o.name}</h1>
        <p className="text-sm text-ink-muted">/{o.slug} · customer since {formatUtc(o.createdAt)}</p>
      </header>

      <section aria-labelledby="connections-title" className="card overflow-x-auto p-0">
        <h2 id="connections-title" className="px-4 pt-4 text-lg font-semibold">Connections</h2>
        {o.connections.length === 0 ? (
          <p className="p-4 text-sm text-ink-muted">No bank connections yet.</p>
        ) : (
          <table className="mt-2 w-full text-left text-sm">
            <thead className="border-b border-surface-line text-ink-muted">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Institution</th>
                <th scope="col" className="px-4 py-2 font-medium">Status</th>
                <th scope="col" className="px-4 py-2 font-medium">Last success</th>
                <th scope="col" className="px-4 py-2 font-medium">Last code</th>
                <th scope="col" className="px-4 py-2 font-medium">Open notices</th>
              </tr>
            </thead>
            <tbody>
              {o.connections.map((c) => (
                <tr key={c.id} className="border-b border-surface-line last:border-0">
                  <td className="px-4 py-2">
                    <Link href={`/admin/connections/${c.id}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
                      {c.institution.name}
                    </Link>
                    <span className="block text-xs text-ink-muted">
                      {variantLabel(c.institution.variant)} · {c.linkedAccounts} linked account{c.linkedAccounts === 1 ? "" : "s"}
                      {c.institution.knownIssue && <span className="ml-1 text-warn">· known issue</span>}
                    </span>
                  </td>
                  <td className="px-4 py-2">
                    <StatusBadge status={c.status} />
                    {c.nextRetryAt && <span className="block text-xs text-ink-muted">retry {formatUtc(c.nextRetryAt)}</span>}
                  </td>
                  <td className="px-4 py-2">{formatUtc(c.lastSuccessAt)}</td>
                  <td className="px-4 py-2"><CodeBadge code={c.lastStatusCode} title={c.lastStatusTitle} /></td>
                  <td className="px-4 py-2">{c.openNotices}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="notices-title" className="card">
        <h2 id="notices-title" className="text-lg font-semibold">Open notices</h2>
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

      <section aria-labelledby="members-title" className="card overflow-x-auto p-0">
        <h2 id="members-title" className="px-4 pt-4 text-lg font-semibold">Members</h2>
        <table className="mt-2 w-full text-left text-sm">
          <thead className="border-b border-surface-line text-ink-muted">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Name</th>
              <th scope="col" className="px-4 py-2 font-medium">Email</th>
              <th scope="col" className="px-4 py-2 font-medium">Role</th>
              <th scope="col" className="px-4 py-2 font-medium">Member since</th>
              <th scope="col" className="px-4 py-2 font-medium">Two-factor sign-in</th>
            </tr>
          </thead>
          <tbody>
            {o.members.map((m) => (
              <tr key={m.userId} className="border-b border-surface-line last:border-0">
                <td className="px-4 py-2">{m.name}</td>
                <td className="px-4 py-2">{m.email}</td>
                <td className="px-4 py-2">{roleLabel(m.role)}</td>
                <td className="px-4 py-2">{formatUtc(m.since)}</td>
                <td className="px-4 py-2">
                  {m.twoFactor ? "On" : "Off"}
                  {m.twoFactor && canAct && <ResetTwoFactor userId={m.userId} email={m.email} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
