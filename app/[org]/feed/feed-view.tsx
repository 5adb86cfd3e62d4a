"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useState } from "react";
import { ListFilters, noFilters, type Filters } from "@/app/_components/books/list-filters";
import { Pager } from "@/app/_components/books/pager";
import { useTRPC } from "@/app/_lib/trpc";
import { formatDay, formatMoney } from "@/app/_lib/money";
import type { AppRouter } from "@/server/trpc/router";
import type { inferRouterOutputs } from "@trpc/server";

type FeedRow = inferRouterOutputs<AppRouter>["feed"]["list"]["rows"][number];
type View = "review" | "new" | "flagged" | "imported" | "all" | "hidden";

const PAGE_SIZE = 50;

const views: { value: Exclude<View, "hidden">; label: string }[] = [
  { value: "review", label: "To review" },
  { value: "new", label: "New" },
  { value: "flagged", label: "Possible duplicates" },
  { value: "imported", label: "Imported" },
  { value: "all", label: "All" },
];

const stateLabel: Record<FeedRow["state"], string> = {
  NEW: "New",
  DUPLICATE: "Duplicate",
  POSSIBLE_DUPLICATE: "Possible duplicate",
  HIDDEN: "Hidden",
  IMPORTED: "Imported",
};

const isFlagged = (row: FeedRow) => row.state === "DUPLICATE" || row.state === "POSSIBLE_DUPLICATE";
const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;

export function FeedView({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const accounts = useQuery(trpc.feed.accounts.queryOptions({ orgSlug }));
  const [chosenAccount, setChosenAccount] = useState<string | null>(null);
  const [view, setView] = useState<View>("review");
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  const accountId = chosenAccount ?? accounts.data?.[0]?.id ?? null;
  const account = accounts.data?.find((a) => a.id === accountId) ?? null;
  const list = useQuery({
    ...trpc.feed.list.queryOptions(
      { orgSlug, bankAccountId: accountId ?? "", view, from: filters.from || null, to: filters.to || null, text: filters.text || null, page, pageSize: PAGE_SIZE },
      { enabled: !!accountId },
    ),
    placeholderData: keepPreviousData,
  });

  const resetPage = () => {
    setPage(1);
    setSelected(new Set());
  };
  const onFilters = useCallback((next: Filters) => {
    setFilters(next);
    setPage(1);
    setSelected(new Set());
  }, []);

  const settle = {
    onSuccess: () => setSelected(new Set()),
    onError: (error: { message: string }) => setMessage({ kind: "error", text: error.message }),
    onSettled: () => {
      void queryClient.invalidateQueries(trpc.feed.pathFilter());
      void queryClient.invalidateQueries(trpc.register.pathFilter());
    },
  };
  const hide = useMutation(trpc.feed.hide.mutationOptions({ ...settle, onSuccess: (r) => done(`Hid ${plural(r.hidden, "transaction")}. Hidden transactions are never offered again; find them under Show hidden.`) }));
  const unhide = useMutation(trpc.feed.unhide.mutationOptions({ ...settle, onSuccess: (r) => done(`${plural(r.unhidden, "transaction")} back in the feed for review.`) }));
  const notDuplicate = useMutation(trpc.feed.notDuplicate.mutationOptions({ ...settle, onSuccess: (r) => done(`Cleared the duplicate flag on ${plural(r.cleared, "transaction")}.`) }));
  const importSome = useMutation(trpc.feed.import.mutationOptions({ ...settle, onSuccess: (r) => done(importedText(r)) }));
  const importNew = useMutation(trpc.feed.importAllNew.mutationOptions({ ...settle, onSuccess: (r) => done(importedText(r)) }));
  const busy = hide.isPending || unhide.isPending || notDuplicate.isPending || importSome.isPending || importNew.isPending;

  function done(text: string) {
    setSelected(new Set());
    setMessage({ kind: "ok", text });
  }
  function importedText(r: { imported: number; alreadyImported: number }) {
    const into = account?.register ? ` into the register “${account.register.name}”` : "";
    const already = r.alreadyImported ? ` ${plural(r.alreadyImported, "was", "were")} already imported.` : "";
    return `Imported ${plural(r.imported, "transaction")}${into}.${already}`;
  }
  const act = (mutate: (input: { orgSlug: string; transactionIds: string[] }) => void, ids: string[]) => {
    setMessage(null);
    mutate({ orgSlug, transactionIds: ids });
  };

  if (accounts.isPending) return <p className="text-ink-muted">Loading bank accounts…</p>;
  if (accounts.isError) return <p role="alert" className="text-danger">{accounts.error.message}</p>;
  if (accounts.data.length === 0) {
    return (
      <div className="card space-y-2">
        <p>No bank account brings transactions yet.</p>
        <p className="text-ink-muted">
          Link a bank on <Link className="text-brand-600 underline" href={`/${orgSlug}/institutions`}>Manage Institutions</Link> and choose the accounts to follow.
        </p>
      </div>
    );
  }

  const rows = list.data?.rows ?? [];
  const actionable = rows.filter((row) => (view === "hidden" ? row.state === "HIDDEN" : row.state !== "IMPORTED" && row.state !== "HIDDEN"));
  const selectedIds = actionable.filter((row) => selected.has(row.id)).map((row) => row.id);
  const allSelected = actionable.length > 0 && selectedIds.length === actionable.length;
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="feed-account" className="label">Bank account</label>
          <select
            id="feed-account"
            className="field w-auto"
            value={accountId ?? ""}
            onChange={(e) => {
              setChosenAccount(e.target.value);
              resetPage();
              setMessage(null);
            }}
          >
            {accounts.data.map((a) => (
              <option key={a.id} value={a.id}>
                {a.institutionName} · {a.name} ··{a.mask}
                {a.removed ? " (removed)" : ""}
              </option>
            ))}
          </select>
        </div>
        {view !== "hidden" && (
          <div>
            <label htmlFor="feed-view" className="label">Show</label>
            <select
              id="feed-view"
              className="field w-auto"
              value={view}
              onChange={(e) => {
                setView(e.target.value as View);
                resetPage();
              }}
            >
              {views.map((v) => <option key={v.value} value={v.value}>{v.label}</option>)}
            </select>
          </div>
        )}
        <button
          type="button"
          className="btn-secondary"
          aria-pressed={view === "hidden"}
          onClick={() => {
            setView(view === "hidden" ? "review" : "hidden");
            resetPage();
            setMessage(null);
          }}
        >
          {view === "hidden" ? "Back to the feed" : `Show hidden${account ? ` (${account.counts.hidden})` : ""}`}
        </button>
      </div>

      {account && (
        <p className="text-sm text-ink-muted">
          {account.register ? (
            <>Imports go to the register <strong className="text-ink">{account.register.name}</strong>. </>
          ) : (
            <span className="text-warn">This account posts to no register yet: choose one on Manage Institutions before importing. </span>
          )}
          {plural(account.counts.new, "new transaction")}, {plural(account.counts.flagged, "possible duplicate")}, {account.counts.hidden} hidden, {account.counts.imported} imported.
        </p>
      )}

      <ListFilters value={filters} onChange={onFilters} searchLabel="Search the feed" />

      <div aria-live="polite" role="status">
        {message && (
          <p className={`rounded-md px-3 py-2 text-sm ${message.kind === "ok" ? "bg-ok-soft text-ok" : "bg-danger-soft text-danger"}`}>{message.text}</p>
        )}
      </div>

      {canWrite ? (
        <div role="toolbar" aria-label="Feed actions" className="flex flex-wrap items-center gap-2">
          {view === "hidden" ? (
            <button type="button" className="btn-secondary" disabled={busy || selectedIds.length === 0} onClick={() => act(unhide.mutate, selectedIds)}>
              Un-hide selected ({selectedIds.length})
            </button>
          ) : (
            <>
              <button type="button" className="btn-primary" disabled={busy || selectedIds.length === 0 || !account?.register} onClick={() => act(importSome.mutate, selectedIds)}>
                Import selected ({selectedIds.length})
              </button>
              <button type="button" className="btn-secondary" disabled={busy || selectedIds.length === 0} onClick={() => act(hide.mutate, selectedIds)}>
                Hide selected ({selectedIds.length})
              </button>
              <button
                type="button"
                className="btn-secondary ml-auto"
                disabled={busy || !account?.register || !account?.counts.new}
                onClick={() => {
                  setMessage(null);
                  importNew.mutate({ orgSlug, bankAccountId: account!.id });
                }}
              >
                Import all new ({account?.counts.new ?? 0})
              </button>
            </>
          )}
        </div>
      ) : (
        <p className="text-sm text-ink-muted">You can look at the feed; your role does not allow hiding or importing.</p>
      )}

      <div className="card overflow-x-auto p-0">
        <table className="w-full text-left text-sm" aria-busy={list.isFetching}>
          <caption className="sr-only">
            {view === "hidden" ? "Hidden transactions" : "Bank feed transactions"} of {account ? `${account.name} ··${account.mask}` : "the account"}
          </caption>
          <thead className="border-b border-surface-line text-ink-muted">
            <tr>
              <th scope="col" className="w-40 px-3 py-3 font-medium"><span className="sr-only">Duplicate mark</span></th>
              {canWrite && (
                <th scope="col" className="w-10 px-2 py-3">
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allSelected}
                    disabled={actionable.length === 0}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(actionable.map((row) => row.id)))}
                  />
                </th>
              )}
              <th scope="col" className="px-3 py-3 font-medium">Date</th>
              <th scope="col" className="px-3 py-3 font-medium">Description</th>
              <th scope="col" className="px-3 py-3 text-right font-medium">Amount</th>
              <th scope="col" className="px-3 py-3 font-medium">Status</th>
              <th scope="col" className="px-3 py-3 font-medium">State</th>
              {canWrite && <th scope="col" className="px-3 py-3 font-medium">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.isPending && accountId ? (
              <tr><td colSpan={8} className="px-4 py-6 text-ink-muted">Loading transactions…</td></tr>
            ) : list.isError ? (
              <tr><td colSpan={8} role="alert" className="px-4 py-6 text-danger">{list.error.message}</td></tr>
            ) : rows.length === 0 ? (
              <tr><td colSpan={8} className="px-4 py-6 text-ink-muted">{view === "hidden" ? "No hidden transactions." : "Nothing to show here."}</td></tr>
            ) : (
              rows.map((row) => (
                <FeedTableRow
                  key={row.id}
                  row={row}
                  canWrite={canWrite}
                  selectable={actionable.includes(row)}
                  selected={selected.has(row.id)}
                  busy={busy}
                  hasRegister={!!account?.register}
                  onToggle={() => toggle(row.id)}
                  onImport={() => act(importSome.mutate, [row.id])}
                  onHide={() => act(hide.mutate, [row.id])}
                  onUnhide={() => act(unhide.mutate, [row.id])}
                  onNotDuplicate={() => act(notDuplicate.mutate, [row.id])}
                />
              ))
            )}
          </tbody>
        </table>
      </div>

      {list.data && <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} noun="transactions" onPage={(p) => { setPage(p); setSelected(new Set()); }} />}
    </div>
  );
}

interface RowProps {
  row: FeedRow;
  canWrite: boolean;
  selectable: boolean;
  selected: boolean;
  busy: boolean;
  hasRegister: boolean;
  onToggle: () => void;
  onImport: () => void;
  onHide: () => void;
  onUnhide: () => void;
  onNotDuplicate: () => void;
}

function FeedTableRow({ row, canWrite, selectable, selected, busy, hasRegister, onToggle, onImport, onHide, onUnhide, onNotDuplicate }: RowProps) {
  const flagged = isFlagged(row);
  const what = `${row.description} on ${formatDay(row.date)}`;
  return (
    <tr className="border-b border-surface-line align-top last:border-0" data-state={row.state}>
      <td className={`border-l-4 px-3 py-3 ${flagged ? "border-danger bg-danger-soft" : "border-transparent"}`}>
        {flagged && <span className="font-semibold text-danger">Possible duplicate</span>}
      </td>
      {canWrite && (
        <td className="px-2 py-3">
          {selectable && <input type="checkbox" aria-label={`Select ${what}`} checked={selected} onChange={onToggle} />}
        </td>
      )}
      <td className="whitespace-nowrap px-3 py-3">{formatDay(row.date)}</td>
      <td className="px-3 py-3">
        <div>{row.description}</div>
        {row.checkNumber && <div className="text-xs text-ink-muted">Check {row.checkNumber}</div>}
        <MatchNote row={row} />
      </td>
      <td className={`whitespace-nowrap px-3 py-3 text-right tabular-nums ${row.amountCents < 0 ? "" : "text-ok"}`}>{formatMoney(row.amountCents)}</td>
      <td className="px-3 py-3">{row.pending ? "Pending" : "Posted"}</td>
      <td className="px-3 py-3">{stateLabel[row.state]}</td>
      {canWrite && (
        <td className="px-3 py-3">
          <div className="flex flex-wrap gap-2">
            {row.state === "HIDDEN" ? (
              <button type="button" className="btn-secondary py-1" disabled={busy} aria-label={`Un-hide ${what}`} onClick={onUnhide}>Un-hide</button>
            ) : row.state === "IMPORTED" ? null : (
              <>
                <button type="button" className="btn-primary py-1" disabled={busy || !hasRegister} aria-label={`Import ${what}`} onClick={onImport}>Import</button>
                <button type="button" className="btn-secondary py-1" disabled={busy} aria-label={`Hide ${what}`} onClick={onHide}>Hide</button>
                {flagged && (
                  <button type="button" className="btn-secondary py-1" disabled={busy} aria-label={`Not a duplicate: ${what}`} onClick={onNotDuplicate}>Not a duplicate</button>
                )}
              </>
            )}
          </div>
        </td>
      )}
    </tr>
  );
}

/** What a flagged or hidden row matches, and why, in the customer's words. */
function MatchNote({ row }: { row: FeedRow }) {
  const match = row.match;
  if (row.state === "HIDDEN" && !row.hiddenAutomatically) return <p className="mt-1 text-xs text-ink-muted">Hidden by you.</p>;
  if (!match) return null;
  const target = `${formatDay(match.date)} · ${match.description} · ${formatMoney(match.amountCents)}`;
  const lead =
    row.state === "HIDDEN"
      ? match.kind === "hidden"
        ? "Hidden automatically: it matches a transaction you hid:"
        : "Hidden automatically: you hid a copy of the register entry"
      : match.kind === "hidden"
        ? "Matches a transaction you hid:"
        : "Matches the register entry";
  return (
    <div className={`mt-1 text-xs ${isFlagged(row) ? "text-danger" : "text-ink-muted"}`}>
      <p>
        {lead} <strong>{target}</strong>
      </p>
      <p>
        Why: {match.reasons.join("; ")} · score {match.score.toFixed(2)}
      </p>
    </div>
  );
}
