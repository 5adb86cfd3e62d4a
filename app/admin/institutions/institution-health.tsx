"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import { DataTable, type Column } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import type { healthReport } from "@/server/support/schemas";
import { OutcomesByName } from "../_components/charts";
import { formatUtc, variantLabel } from "../_components/format";

const windows = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
] as const;

type Health = z.output<typeof healthReport>["institutions"][number];

const columns: Column<Health>[] = [
  {
    header: "Institution",
    cell: (i) => (
      <>
        <span className="font-medium">{i.name}</span>
        <span className="block text-xs text-ink-muted">{variantLabel(i.variant)}</span>
        {i.knownIssueSince && (
          <span className="mt-1 inline-block rounded-full bg-warn-soft px-2 py-0.5 text-xs font-medium text-warn">
            Known issue{i.knownIssueCode !== null ? ` (${i.knownIssueCode})` : ""} since {formatUtc(i.knownIssueSince)}
          </span>
        )}
      </>
    ),
  },
  { header: "Attempts", cell: (i) => i.attempts, numeric: true },
  { header: "Failures", cell: (i) => i.failures, numeric: true },
  { header: "Failure rate", cell: (i) => (i.attempts ? `${Math.round(i.failureRate * 100)} %` : "—"), numeric: true },
  { header: "Organizations failing", cell: (i) => i.organizationsFailing, numeric: true },
  {
    header: "Failures by code",
    cell: (i) =>
      i.failuresByCode.length === 0 ? (
        "—"
      ) : (
        <ul className="space-y-0.5">
          {i.failuresByCode.map((f) => (
            <li key={f.code}>
              <span className="font-mono text-xs font-semibold">{f.code}</span> × {f.count}{" "}
              <span className="text-ink-muted">{f.title}</span>
            </li>
          ))}
        </ul>
      ),
  },
];

export function InstitutionHealth() {
  const trpc = useTRPC();
  const [window, setWindow] = useState<(typeof windows)[number]["value"]>("24h");
  const health = useQuery(trpc.support.institutionHealth.queryOptions({ window }));
  const label = windows.find((w) => w.value === window)!.label;

  return (
    <div className="space-y-4">
      <div
        role="group"
        aria-label="Period"
        className="inline-flex rounded-md border border-surface-line bg-surface p-1"
      >
        {windows.map((w) => (
          <button
            key={w.value}
            type="button"
            aria-pressed={window === w.value}
            className={
              "rounded px-3 py-1.5 text-sm " +
              (window === w.value ? "bg-brand-600 text-white" : "text-ink hover:bg-surface-sunken")
            }
            onClick={() => setWindow(w.value)}
          >
            {w.label}
          </button>
        ))}
      </div>

      {health.isPending && <p className="text-ink-muted">Loading…</p>}
      {health.isError && (
        <p role="alert" className="text-danger">
          {health.error.message}
        </p>
      )}
      {health.data && (
        <>
          {health.data.institutions.length === 0 ? (
            <p className="card text-sm text-ink-muted">No attempts at any institution in this period.</p>
          ) : (
            <>
              <section aria-labelledby="chart-title" className="card space-y-2">
                <h2 id="chart-title" className="text-lg font-semibold">
                  Outcomes by institution, {label.toLowerCase()}
                </h2>
                <OutcomesByName
                  title={`Outcomes by institution, ${label.toLowerCase()}`}
                  rows={health.data.institutions
                    .filter((i) => i.attempts > 0)
                    .slice(0, 15)
                    .map((i) => ({ name: i.name, ...i.byCategory }))}
                />
              </section>
              <section aria-labelledby="table-title" className="card p-0">
                <h2 id="table-title" className="px-4 pb-2 pt-4 text-lg font-semibold">
                  Every institution
                </h2>
                <DataTable
                  caption={`Attempts and failures by institution, ${label.toLowerCase()}`}
                  inset
                  columns={columns}
                  rows={health.data.institutions}
                  rowKey={(i) => i.id}
                />
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}
