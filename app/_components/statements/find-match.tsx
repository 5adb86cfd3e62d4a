"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useFocusOnMount } from "@/app/_components/connections/dialog";
import { DataTable } from "@/app/_components/data-table";
import { formatDay, formatMoney, parseMoney } from "@/app/_lib/money";
import { useTRPC } from "@/app/_lib/trpc";
import type { FeedRow } from "@/server/feed/schemas";
import { useOrgSlug, useSettled } from "./books-match";

const shift = (isoDay: string, days: number) =>
  new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Searches the register for the entry the matcher missed and links the row to it by hand. */
export function FindMatch({ row, onDone }: { row: FeedRow; onDone: () => void }) {
  const trpc = useTRPC();
  const orgSlug = useOrgSlug();
  const settled = useSettled();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [amount, setAmount] = useState((Math.abs(row.amountCents) / 100).toFixed(2));
  const [from, setFrom] = useState(shift(row.date, -14));
  const [to, setTo] = useState(shift(row.date, 14));
  const [text, setText] = useState("");
  const [search, setSearch] = useState({ amount, from, to, text });
  const [problem, setProblem] = useState<string | null>(null);
  const cents = search.amount.trim() === "" ? null : parseMoney(search.amount);
  const results = useQuery(
    trpc.matches.search.queryOptions({
      orgSlug,
      transactionId: row.id,
      from: search.from || null,
      to: search.to || null,
      text: search.text || null,
      amountCents: cents === null ? null : row.amountCents < 0 ? -cents : cents,
    }),
  );
  const link = useMutation(
    trpc.matches.link.mutationOptions({
      onSuccess: onDone,
      onError: (error) => setProblem(error.message),
      onSettled: settled,
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    setSearch({ amount, from, to, text });
  }
  const titleId = `find-match-${row.id}`;
  return (
    <div className="space-y-4">
      <h2 id={titleId} ref={heading} tabIndex={-1} className="text-lg font-semibold">
        Find a match
      </h2>
      <p className="text-sm">
        The bank&apos;s transaction:{" "}
        <strong>
          {formatDay(row.date)} · {row.description} · {formatMoney(row.amountCents)}
        </strong>
        . Choose the entry in the books it is; the entry keeps its description and amount and takes the bank&apos;s
        date.
      </p>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-4" aria-label="Search the register">
        <div>
          <label htmlFor={`${titleId}-amount`} className="label">
            Amount
          </label>
          <input
            id={`${titleId}-amount`}
            className="field"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${titleId}-from`} className="label">
            From
          </label>
          <input
            id={`${titleId}-from`}
            className="field"
            type="date"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${titleId}-to`} className="label">
            To
          </label>
          <input
            id={`${titleId}-to`}
            className="field"
            type="date"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${titleId}-text`} className="label">
            Text
          </label>
          <input id={`${titleId}-text`} className="field" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="sm:col-span-4">
          <button type="submit" className="btn-secondary">
            Search
          </button>
          {search.amount.trim() !== "" && cents === null && (
            <span className="ml-2 text-sm text-danger">
              Enter the amount like 42.13, or leave it empty for any amount.
            </span>
          )}
        </div>
      </form>
      <div aria-live="polite">
        {problem && (
          <p role="alert" className="text-sm text-danger">
            {problem}
          </p>
        )}
        {results.isPending ? (
          <p className="text-ink-muted">Searching the register…</p>
        ) : results.isError ? (
          <p role="alert" className="text-danger">
            {results.error.message}
          </p>
        ) : (
          <DataTable
            caption="Entries in the books without a bank transaction"
            rows={results.data.entries}
            rowKey={(entry) => entry.id}
            empty="No entry waiting for its bank transaction fits. Widen the dates or clear the amount."
            columns={[
              { header: "Date", cell: (entry) => formatDay(entry.date), className: "whitespace-nowrap" },
              {
                header: "Description",
                cell: (entry) => (
                  <>
                    {entry.description}
                    {entry.checkNumber && <span className="text-xs text-ink-muted"> · check {entry.checkNumber}</span>}
                  </>
                ),
              },
              { header: "Amount", cell: (entry) => formatMoney(entry.amountCents), numeric: true },
              {
                header: "Action",
                hideHeader: true,
                className: "text-right",
                cell: (entry) => (
                  <button
                    type="button"
                    className="btn-primary py-1"
                    aria-disabled={link.isPending}
                    aria-label={`Match to ${entry.description} on ${formatDay(entry.date)}`}
                    onClick={() => {
                      if (link.isPending) return;
                      link.mutate({ orgSlug, transactionId: row.id, entryId: entry.id, byHand: true });
                    }}
                  >
                    Match
                  </button>
                ),
              },
            ]}
          />
        )}
      </div>
    </div>
  );
}
