"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { formatUtc, statusLabels, variantLabel } from "../../_components/format";
import { CodeBadge, StatusBadge } from "../../_components/status-badge";
import { ConnectionAudit } from "./connection-audit";
import { ConnectionEmails } from "./connection-emails";
import { ForceRefreshPanel } from "./force-refresh-panel";
import { EventTimeline } from "./event-timeline";

export function ConnectionView({ connectionId, canAct }: { connectionId: string; canAct: boolean }) {
  const trpc = useTRPC();
  const [highlight, setHighlight] = useState<string | null>(null);
  const detail = useQuery({
    ...trpc.support.connection.queryOptions({ connectionId }),
    refetchInterval: (query) => (query.state.data?.aggregating ? 2000 : false),
  });

  if (detail.isPending) return <p className="text-ink-muted">Loading the connection…</p>;
  if (detail.isError)
    return (
      <p role="alert" className="text-danger">
        {detail.error.message}
      </p>
    );
  const c = detail.data;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-ink-muted">
        <Link href="/admin" className="underline">
          Search
        </Link>{" "}
        /{" "}
        <Link href={`/admin/organizations/${c.organization.slug}`} className="underline">
          {c.organization.name}
        </Link>{" "}
        / {c.institution.name}
      </nav>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{c.institution.name}</h1>
        <StatusBadge status={c.status} />
        {c.institution.knownIssueSince && (
          <span className="rounded-full bg-warn-soft px-2 py-0.5 text-xs font-medium text-warn">
            Known issue since {formatUtc(c.institution.knownIssueSince)}
          </span>
        )}
      </header>

      <div className="grid gap-4 md:grid-cols-2">
        <section aria-labelledby="state-title" className="card space-y-2 text-sm">
          <h2 id="state-title" className="text-lg font-semibold">
            State
          </h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="text-ink-muted">Organization</dt>
            <dd>
              <Link href={`/admin/organizations/${c.organization.slug}`} className="underline">
                {c.organization.name}
              </Link>
            </dd>
            <dt className="text-ink-muted">Institution</dt>
            <dd>
              {variantLabel(c.institution.variant)} · {c.institution.loginUrl}
            </dd>
            <dt className="text-ink-muted">Status</dt>
            <dd>{statusLabels[c.status]}</dd>
            <dt className="text-ink-muted">Last code</dt>
            <dd>
              <CodeBadge code={c.lastStatusCode} title={c.lastStatus?.title} />
            </dd>
            {c.lastStatus && c.lastStatusCode !== 0 && (
              <>
                <dt className="text-ink-muted">Who must act</dt>
                <dd>
                  {c.lastStatus.actor === "customer" ? "The customer" : "Nobody"} ·{" "}
                  {c.lastStatus.retry === "no" ? "not retried in the background" : "retried in the background"}
                </dd>
              </>
            )}
            <dt className="text-ink-muted">Last success</dt>
            <dd>{formatUtc(c.lastSuccessAt)}</dd>
            <dt className="text-ink-muted">Last attempt</dt>
            <dd>{formatUtc(c.lastAttemptAt)}</dd>
            <dt className="text-ink-muted">Next retry</dt>
            <dd>{c.nextRetryAt ? `${formatUtc(c.nextRetryAt)} (attempt ${c.retryCount + 1})` : "—"}</dd>
            <dt className="text-ink-muted">Connected</dt>
            <dd>
              {formatUtc(c.createdAt)}
              {c.removedAt && <> · removed {formatUtc(c.removedAt)}</>}
            </dd>
            <dt className="text-ink-muted">Aggregator login</dt>
            <dd className="break-all font-mono text-xs">{c.providerLoginId ?? "—"}</dd>
          </dl>
          {c.accounts.length > 0 && (
            <>
              <h3 className="pt-2 font-medium">Accounts</h3>
              <ul className="space-y-0.5">
                {c.accounts.map((a) => (
                  <li key={a.id}>
                    {a.name} ···{a.mask}{" "}
                    <span className="text-ink-muted">
                      ({a.linked ? `posts to ${a.register ?? "a register"}` : "not linked"})
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>

        <section aria-labelledby="customer-title" className="card space-y-2 text-sm">
          <h2 id="customer-title" className="text-lg font-semibold">
            What the customer sees
          </h2>
          <p className="text-xs text-ink-muted">
            Manage Institutions, as it reads to the organization right now (read-only).
          </p>
          {!c.customerView ? (
            <p>The customer removed this connection; it no longer appears on Manage Institutions.</p>
          ) : (
            <div className="space-y-2 rounded-md border border-surface-line p-3">
              {c.customerView.knownIssue && (
                <p className="rounded bg-warn-soft p-2 text-warn">
                  A known issue at this bank is being fixed; nothing is needed from the customer.
                </p>
              )}
              <p>
                Status: <strong>{statusLabels[c.customerView.status]}</strong> · last success{" "}
                {formatUtc(c.customerView.lastSuccessAt)}
              </p>
              {c.customerView.problem ? (
                <div>
                  <p className="font-medium">
                    Error {c.customerView.problem.code}: {c.customerView.problem.title}
                  </p>
                  <p className="text-ink-muted">{c.customerView.problem.nextStep}</p>
                </div>
              ) : (
                <p className="text-ink-muted">No problem shown.</p>
              )}
              {c.customerView.awaitingAnswer && <p>A security question is waiting for an answer.</p>}
              {c.customerView.notices.length > 0 && (
                <div>
                  <p className="font-medium">Notices</p>
                  <ul className="list-disc pl-5">
                    {c.customerView.notices.map((n) => (
                      <li key={n.id}>
                        {n.title} — {n.body}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          )}
        </section>
      </div>

      <ForceRefreshPanel
        connectionId={connectionId}
        canAct={canAct}
        allowance={c.forceRefresh}
        aggregating={c.aggregating}
        onEvent={setHighlight}
      />
      <EventTimeline connectionId={connectionId} codesSeen={c.codesSeen} highlight={highlight} />
      <ConnectionEmails connectionId={connectionId} />
      <ConnectionAudit connectionId={connectionId} />
    </div>
  );
}
