"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type MouseEvent } from "react";
import { DataTable, type Column } from "@/app/_components/data-table";
import { ReturnedDuplicates } from "@/app/_components/feed/returned-duplicates";
import { useTRPC } from "@/app/_lib/trpc";
import type { FlowStart } from "./connection-flow";
import { formatMoney, maskedNumber, spokenMask, statusLabel, statusTone, transactionsArrived } from "./format";
import type { ConnectionStatus } from "./format";
import { VariantBadge } from "./variant-badge";
import { ProblemNotice } from "./problem-notice";
import { TimeAgo } from "./time-ago";
import type { Abilities, AttemptOutcome, ConnectionView, Problem } from "./types";

type Feedback =
  | { kind: "retrieving"; attemptId: string | null }
  | { kind: "arrived"; count: number }
  | { kind: "busy"; problem: Problem }
  | { kind: "error"; message: string };

export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`rounded-full px-2.5 py-0.5 text-sm font-semibold ${statusTone[status]}`}>
      {statusLabel(status)}
    </span>
  );
}

/** The card's heading, where focus lands when a dialog opened from the card closes and its opener is gone. */
export const connectionTitleId = (connectionId: string) => `connection-${connectionId}-title`;

const accountColumns: Column<ConnectionView["accounts"][number]>[] = [
  { header: "Account", cell: (a) => a.name },
  {
    header: "Number",
    cell: (a) => (
      <>
        <span aria-hidden="true">{maskedNumber(a.mask)}</span>
        <span className="sr-only">{spokenMask(a.mask)}</span>
      </>
    ),
    className: "font-mono",
  },
  { header: "Register", cell: (a) => a.register?.name ?? "—" },
  {
    header: "Balance",
    cell: (a) => (a.balanceCents === null ? "—" : formatMoney(a.balanceCents, a.currency)),
    numeric: true,
  },
];

const isSecurityQuestion = (c: ConnectionView) =>
  c.status === "ACTION_REQUIRED" && c.problem?.remedy === "answer-question";

/** One connection on Manage Institutions: status, times, accounts, what to do, and the buttons the person may use. */
export function ConnectionCard({
  orgSlug,
  connection,
  abilities,
  onOpenFlow,
  onRemove,
}: {
  orgSlug: string;
  connection: ConnectionView;
  abilities: Abilities;
  onOpenFlow: (start: FlowStart) => void;
  onRemove: (connection: ConnectionView) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const titleId = connectionTitleId(connection.id);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const refreshPage = () => queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
  const retrieve = useMutation(trpc.connections.retrieve.mutationOptions({ onSettled: refreshPage }));
  const resume = useMutation(trpc.connections.resume.mutationOptions({ onSettled: refreshPage }));

  function follow(outcome: AttemptOutcome) {
    switch (outcome.kind) {
      case "mfa":
        setFeedback(null);
        onOpenFlow({ mode: "answer", connection, outcome });
        return;
      case "aggregating":
        setFeedback({ kind: "retrieving", attemptId: outcome.attemptId });
        return;
      case "connected":
        setFeedback({ kind: "arrived", count: outcome.transactionCount ?? 0 });
        return;
      case "failed":
        // Other codes show on the connection itself once the list reloads.
        setFeedback(outcome.problem.code === 325 ? { kind: "busy", problem: outcome.problem } : null);
    }
  }

  function run(mutation: typeof retrieve | typeof resume) {
    setFeedback(null);
    mutation.mutate(
      { orgSlug, connectionId: connection.id },
      { onSuccess: follow, onError: (err) => setFeedback({ kind: "error", message: err.message }) },
    );
  }

  function clickHere(event: MouseEvent<HTMLAnchorElement>) {
    event.preventDefault();
    // A hosted institution's question is answered on the provider's page (Connect Fix).
    if (connection.institution.linkStyle === "HOSTED") onOpenFlow({ mode: "answer-hosted", connection });
    else if (!resume.isPending) run(resume);
  }

  const busy = retrieve.isPending || resume.isPending;
  const linked = connection.accounts.filter((a) => a.linked);
  const unlinked = connection.accounts.filter((a) => !a.linked);
  const institution = connection.institution;
  const manageHref = `/${orgSlug}/institutions#connection-${connection.id}`;

  return (
    <article id={`connection-${connection.id}`} aria-labelledby={titleId} className="card space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <h3 id={titleId} tabIndex={-1} className="text-lg font-semibold">
            {institution.name}
          </h3>
          <p className="flex flex-wrap items-center gap-2 text-sm text-ink-muted">
            <VariantBadge variant={institution.variant} />
            <span className="wrap-anywhere">{institution.loginUrl}</span>
          </p>
        </div>
        <p className="flex items-center gap-2 text-sm">
          <span className="text-ink-muted">Status</span>
          <StatusBadge status={connection.status} />
        </p>
      </header>

      {institution.knownIssue && (
        <p className="text-sm text-ink-muted">
          Known issue at this bank: nothing is needed from you; Bankline keeps retrying.
        </p>
      )}

      {isSecurityQuestion(connection) ? (
        <div role="alert" className="rounded-md border border-danger/30 bg-danger-soft px-4 py-3 text-sm">
          <p className="font-semibold">
            Error {connection.lastStatusCode}: {connection.problem?.title ?? "The bank asks a security question"}
          </p>
          {abilities.retrieve ? (
            <p>
              The bank is waiting for an answer. To answer its security question,{" "}
              <a
                href={`#connection-${connection.id}`}
                onClick={clickHere}
                aria-disabled={resume.isPending || undefined}
                className="font-medium text-brand-700 underline"
              >
                click here
              </a>
              .
            </p>
          ) : (
            <p>
              The bank is waiting for an answer to a security question. An owner, admin or member of your organization
              can answer it.
            </p>
          )}
        </div>
      ) : (
        connection.problem && (
          <ProblemNotice
            problem={connection.problem}
            institution={institution}
            nextRetryAt={connection.nextRetryAt}
            status={connection.status}
            manageHref={manageHref}
          />
        )
      )}

      <CardFeedback feedback={feedback} connection={connection} orgSlug={orgSlug} manageHref={manageHref} />
      <ReturnedDuplicates orgSlug={orgSlug} connectionId={connection.id} refreshKey={connection.lastResult?.id} />
      {busy && (
        <p role="status" className="text-sm text-ink-muted">
          Asking the bank…
        </p>
      )}

      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-ink-muted">Last successful aggregation</dt>
          <dd>
            <TimeAgo date={connection.lastSuccessAt} />
          </dd>
        </div>
        <div>
          <dt className="text-ink-muted">Last attempt</dt>
          <dd>
            <TimeAgo date={connection.lastAttemptAt} />
          </dd>
        </div>
      </dl>

      <DataTable
        caption="Linked accounts"
        showCaption
        columns={accountColumns}
        rows={linked}
        rowKey={(a) => a.id}
        empty="No accounts linked yet."
      />
      {unlinked.length > 0 && (
        <p className="text-sm text-ink-muted">
          Not linked: {unlinked.map((a) => `${a.name} ${maskedNumber(a.mask)}`).join(", ")}.
        </p>
      )}

      {(abilities.retrieve || abilities.manage) && (
        <div className="flex flex-wrap items-center gap-2 border-t border-surface-line pt-4">
          {/* aria-disabled rather than disabled: a disabled button drops the keyboard focus to the page. */}
          {abilities.retrieve && (
            <button
              type="button"
              className="btn-primary"
              aria-disabled={busy || undefined}
              onClick={() => !busy && run(retrieve)}
            >
              Retrieve Transactions
            </button>
          )}
          {abilities.manage && (
            <button type="button" className="btn-secondary" onClick={() => onOpenFlow({ mode: "update", connection })}>
              Update Login
            </button>
          )}
          {abilities.manage && unlinked.length > 0 && connection.status !== "AGGREGATING" && (
            <button type="button" className="btn-secondary" onClick={() => onOpenFlow({ mode: "choose", connection })}>
              Choose accounts
            </button>
          )}
          {abilities.manage && (
            <button
              type="button"
              aria-label="Remove institution"
              title="Remove institution"
              className="btn-secondary ml-auto text-danger"
              onClick={() => onRemove(connection)}
            >
              <TrashIcon />
            </button>
          )}
        </div>
      )}
    </article>
  );
}

function CardFeedback({
  feedback,
  connection,
  orgSlug,
  manageHref,
}: {
  feedback: Feedback | null;
  connection: ConnectionView;
  orgSlug: string;
  manageHref: string;
}) {
  if (!feedback) return null;
  switch (feedback.kind) {
    case "retrieving": {
      if (connection.status === "AGGREGATING") {
        return (
          <div className="space-y-1">
            <progress
              aria-label={`Retrieving transactions from ${connection.institution.name}`}
              className="h-2 w-full"
            />
            <p role="status" className="text-sm text-ink-muted">
              Retrieving transactions… the status updates by itself.
            </p>
          </div>
        );
      }
      const result = connection.lastResult;
      if (result && result.id === feedback.attemptId && result.statusCode === 0) {
        return <Arrived count={result.transactionCount ?? 0} orgSlug={orgSlug} />;
      }
      return null;
    }
    case "arrived":
      return <Arrived count={feedback.count} orgSlug={orgSlug} />;
    case "busy":
      return (
        <ProblemNotice
          problem={feedback.problem}
          institution={connection.institution}
          status={connection.status}
          manageHref={manageHref}
        />
      );
    case "error":
      return (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {feedback.message}
        </p>
      );
  }
}

function Arrived({ count, orgSlug }: { count: number; orgSlug: string }) {
  return (
    <p role="status" className="rounded-md border border-ok/30 bg-ok-soft px-4 py-3 text-sm">
      {transactionsArrived(count)}{" "}
      <Link href={`/${orgSlug}/feed`} className="font-medium text-brand-700 underline">
        Review them in the Bank feed
      </Link>
    </p>
  );
}

function TrashIcon() {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 24 24"
      className="h-5 w-5"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
    </svg>
  );
}
