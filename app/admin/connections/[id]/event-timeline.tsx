"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import { DataTable, type Column } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import type { ConnectionEventKind } from "@/server/connections/schemas";
import type { eventsPage } from "@/server/support/schemas";
import { OutcomesOverTime } from "../../_components/charts";
import { formatDay, formatDuration, formatUtc, kindLabels, triggerLabels } from "../../_components/format";
import { CodeBadge } from "../../_components/status-badge";

const DAY_MS = 86_400_000;
const kinds = Object.keys(kindLabels) as ConnectionEventKind[];

const startOfDay = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const endOfDay = (iso: string) => new Date(`${iso}T23:59:59.999Z`);

type Attempt = z.output<typeof eventsPage>["events"][number];

const columns: Column<Attempt>[] = [
  { header: "When", cell: (e) => formatUtc(e.startedAt), className: "whitespace-nowrap" },
  { header: "Kind", cell: (e) => kindLabels[e.kind] ?? e.kind },
  { header: "Trigger", cell: (e) => triggerLabels[e.trigger] ?? e.trigger },
  { header: "Actor", cell: (e) => (e.actor ? `${e.actor.email}${e.actor.staff ? " (support)" : ""}` : "—") },
  { header: "Code", cell: (e) => <CodeBadge code={e.statusCode} title={e.statusTitle} /> },
  { header: "Message", cell: (e) => e.message ?? "—", className: "text-ink-muted" },
  { header: "Duration", cell: (e) => formatDuration(e.durationMs), numeric: true },
  { header: "Transactions", cell: (e) => e.transactionCount ?? "—", numeric: true },
];

/** The error history: every attempt, filterable by code, kind and date, with a chart of outcomes. */
export function EventTimeline({
  connectionId,
  codesSeen,
  highlight,
}: {
  connectionId: string;
  codesSeen: number[];
  highlight: string | null;
}) {
  const trpc = useTRPC();
  const [code, setCode] = useState("");
  const [kind, setKind] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [today] = useState(() => new Date().toISOString().slice(0, 10));
  const filters = {
    connectionId,
    ...(code ? { codes: [Number(code)] } : {}),
    ...(kind ? { kinds: [kind as ConnectionEventKind] } : {}),
    ...(from ? { from: startOfDay(from) } : {}),
    ...(to ? { to: endOfDay(to) } : {}),
  };
  const events = useInfiniteQuery(
    trpc.support.events.infiniteQueryOptions(
      { ...filters, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, initialCursor: undefined },
    ),
  );
  const chartTo = endOfDay(to || today);
  const chartFrom = from ? startOfDay(from) : new Date(chartTo.getTime() - 30 * DAY_MS);
  const outcomes = useQuery(trpc.support.outcomes.queryOptions({ connectionId, from: chartFrom, to: chartTo }));
  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  const total = events.data?.pages[0]?.total;

  return (
    <section aria-labelledby="history-title" className="card space-y-4">
      <h2 id="history-title" className="text-lg font-semibold">
        Error history
      </h2>

      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Filter the history"
      >
        <div>
          <label htmlFor="filter-code" className="label">
            Code
          </label>
          <select id="filter-code" className="field w-auto" value={code} onChange={(e) => setCode(e.target.value)}>
            <option value="">Any code</option>
            {codesSeen.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-kind" className="label">
            Kind
          </label>
          <select id="filter-kind" className="field w-auto" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Any kind</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {kindLabels[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className="label">
            From
          </label>
          <input
            id="filter-from"
            type="date"
            className="field w-auto"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="filter-to" className="label">
            To
          </label>
          <input
            id="filter-to"
            type="date"
            className="field w-auto"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
        </div>
        {(code || kind || from || to) && (
          <button
            type="button"
            className="btn-secondary"
            onClick={() => (setCode(""), setKind(""), setFrom(""), setTo(""))}
          >
            Clear filters
          </button>
        )}
      </form>

      {outcomes.data && (
        <OutcomesOverTime
          title={`Outcomes per day, ${formatDay(chartFrom)} to ${formatDay(chartTo)}`}
          points={outcomes.data.map((d) => ({
            label: formatDay(d.day),
            success: d.success,
            provider: d.provider,
            customer: d.customer,
            other: d.other,
          }))}
        />
      )}

      {events.isPending && <p className="text-ink-muted">Loading the history…</p>}
      {events.isError && (
        <p role="alert" className="text-danger">
          {events.error.message}
        </p>
      )}
      {events.data && (
        <>
          <p className="text-sm text-ink-muted" aria-live="polite">
            {total === 0 ? "No attempt matches these filters." : `${total} attempt${total === 1 ? "" : "s"}.`}
          </p>
          <DataTable
            caption="Attempts on this connection, newest first"
            columns={columns}
            rows={rows}
            rowKey={(e) => e.id}
            rowClassName={(e) => (e.id === highlight ? "bg-brand-50" : "")}
          />
          {events.hasNextPage && (
            <button
              type="button"
              className="btn-secondary"
              onClick={() => void events.fetchNextPage()}
              disabled={events.isFetchingNextPage}
            >
              {events.isFetchingNextPage ? "Loading…" : "Show older attempts"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
