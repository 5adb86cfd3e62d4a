"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { statusLabel, type ConnectionStatus } from "./format";
import { TimeAgo } from "./time-ago";
import type { ConnectionView, Problem } from "./types";

export type InstitutionSite = Pick<ConnectionView["institution"], "name" | "loginUrl" | "sandboxSiteUrl">;

/**
 * A status code as the customer reads it: `Error <code>: <title>`, the concrete next step,
 * the bank's site where that is where the fix happens, the live status while an
 * aggregation runs (325), and the next automatic try for codes nobody must act on.
 */
export function ProblemNotice({
  problem,
  institution,
  nextRetryAt = null,
  status,
  manageHref,
  actions,
  id,
}: {
  problem: Problem;
  institution: InstitutionSite | null;
  nextRetryAt?: Date | null;
  /** The connection's status now, shown with 325. */
  status?: ConnectionStatus;
  /** Manage Institutions, where the status of the connection is. */
  manageHref?: string;
  actions?: ReactNode;
  id?: string;
}) {
  const tone = problem.actor === "customer" ? "border-danger/30 bg-danger-soft" : "border-warn/30 bg-warn-soft";
  return (
    <div role="alert" id={id} className={`space-y-2 rounded-md border px-4 py-3 text-sm wrap-anywhere ${tone}`}>
      <p className="font-semibold">
        Error {problem.code}: {problem.title}
      </p>
      <p>{problem.nextStep}</p>
      {problem.atBankSite && institution && <BankSiteLinks institution={institution} />}
      {problem.code === 325 && (
        <p>
          {`Status now: ${statusLabel(status ?? "AGGREGATING")}`}
          {status === "ACTIVE" ? " — the retrieval finished; Retrieve Transactions works again." : "."}{" "}
          {manageHref && (
            <>
              See the status on{" "}
              <Link href={manageHref} className="font-medium text-brand-700 underline">
                Manage Institutions
              </Link>
              .
            </>
          )}
        </p>
      )}
      {problem.actor === "nobody" && problem.code !== 325 && nextRetryAt && (
        <p>
          Next automatic try: <TimeAgo date={nextRetryAt} past={false} />.
        </p>
      )}
      {actions && <div className="flex flex-wrap gap-2 pt-1">{actions}</div>}
    </div>
  );
}

export function BankSiteLinks({ institution }: { institution: InstitutionSite }) {
  return (
    <p>
      The bank&apos;s site:{" "}
      <a
        href={institution.loginUrl}
        target="_blank"
        rel="noopener noreferrer"
        className="font-medium text-brand-700 underline"
      >
        {institution.loginUrl}
      </a>
      {institution.sandboxSiteUrl && (
        <>
          {" "}
          (a fictional address; this bank lives in the sandbox aggregator:{" "}
          <a
            href={institution.sandboxSiteUrl}
            target="_blank"
            rel="noopener noreferrer"
            className="font-medium text-brand-700 underline"
          >
            Sandbox bank site
          </a>
          )
        </>
      )}
    </p>
  );
}
