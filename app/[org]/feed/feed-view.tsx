"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { ListFilters, noFilters, type Filters } from "@/app/_components/books/list-filters";
import { Pager, usePages } from "@/app/_components/books/pager";
import { DuplicateMark, MatchActions, MatchedNote } from "@/app/_components/statements/books-match";
import { useTRPC } from "@/app/_lib/trpc";
import { formatDay, formatMoney } from "@/app/_lib/money";
import type { FeedRow, FeedView as View, HideBatch as Batch } from "@/server/feed/schemas";
import { ConfirmDialog } from "./confirm-dialog";
import { ShortcutsHelp } from "./shortcuts-help";

// Only Show hidden lists the batches: the other views never load them.
const HideBatches = lazy(() => import("./hide-batches").then((m) => ({ default: m.HideBatches })));

const PAGE_SIZE = 50;
const NO_ROWS: FeedRow[] = [];
const TABLE_ID = "feed-transactions";

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
const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
const matchText = (match: NonNullable<FeedRow["match"]>) =>
  `${formatDay(match.date)} · ${match.description} · ${formatMoney(match.amountCents)}`;

/** A question waiting for the person's answer. */
type Question = { kind: "import"; rows: FeedRow[] } | { kind: "hideAll"; count: number };

export function FeedView({
  orgSlug,
  canWrite,
  initialAccountId = null,
  initialView = "review",
  autoHideSureDuplicates,
}: {
  orgSlug: string;
  canWrite: boolean;
  initialAccountId?: string | null;
  initialView?: View;
  autoHideSureDuplicates: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const accounts = useQuery(trpc.feed.accounts.queryOptions({ orgSlug }));
  const [chosenAccount, setChosenAccount] = useState<string | null>(initialAccountId);
  const [view, setView] = useState<View>(initialView);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const pages = usePages();
  const { page, reset: resetPages } = pages;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [question, setQuestion] = useState<Question | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  // The row the keyboard is on (roving tabindex), and where focus goes once an action settles.
  const [activeRow, setActiveRow] = useState(0);
  const refocus = useRef<{ id: string; nextId: string | null; index: number } | null>(null);
  const tableRef = useRef<HTMLTableSectionElement>(null);

  const accountId = accounts.data?.some((a) => a.id === chosenAccount)
    ? chosenAccount
    : (accounts.data?.[0]?.id ?? null);
  const account = accounts.data?.find((a) => a.id === accountId) ?? null;
  const list = useQuery({
    ...trpc.feed.list.queryOptions(
      {
        orgSlug,
        bankAccountId: accountId ?? "",
        view,
        from: filters.from || null,
        to: filters.to || null,
        text: filters.text || null,
        page,
        after: pages.after,
        pageSize: PAGE_SIZE,
      },
      { enabled: !!accountId },
    ),
    placeholderData: keepPreviousData,
  });

  const resetPage = () => {
    resetPages();
    setSelected(new Set());
    setActiveRow(0);
  };
  const onFilters = useCallback(
    (next: Filters) => {
      setFilters(next);
      resetPages();
      setSelected(new Set());
      setActiveRow(0);
    },
    [resetPages],
  );

  const settle = {
    onSuccess: () => setSelected(new Set()),
    onError: (error: { message: string }) => setMessage({ kind: "error", text: error.message }),
    onSettled: () => {
      void queryClient.invalidateQueries(trpc.feed.pathFilter());
      void queryClient.invalidateQueries(trpc.register.pathFilter());
    },
  };
  const hide = useMutation(
    trpc.feed.hide.mutationOptions({
      ...settle,
      onSuccess: (r) =>
        done(
          `Hid ${plural(r.hidden, "transaction")}. Hidden transactions are never offered again; find them under ` +
            `Show hidden.`,
        ),
    }),
  );
  const unhide = useMutation(
    trpc.feed.unhide.mutationOptions({
      ...settle,
      onSuccess: (r) => done(`${plural(r.unhidden, "transaction")} back in the feed for review.`),
    }),
  );
  const notDuplicate = useMutation(
    trpc.feed.notDuplicate.mutationOptions({
      ...settle,
      onSuccess: (r) => done(`Cleared the duplicate flag on ${plural(r.cleared, "transaction")}.`),
    }),
  );
  const importSome = useMutation(
    trpc.feed.import.mutationOptions({ ...settle, onSuccess: (r) => done(importedText(r)) }),
  );
  const importNew = useMutation(
    trpc.feed.importAllNew.mutationOptions({
      ...settle,
      onSuccess: (r) =>
        done(
          importedText(r) +
            (r.flaggedLeft
              ? ` ${plural(r.flaggedLeft, "possible duplicate was", "possible duplicates were")} left for review.`
              : ""),
        ),
    }),
  );
  const hideAll = useMutation(
    trpc.feed.hideAll.mutationOptions({
      ...settle,
      onSuccess: (r) =>
        done(
          `Hid ${plural(r.hidden, "possible duplicate")}. They are under Show hidden, where Un-hide all brings ` +
            `them back.`,
        ),
    }),
  );
  const unhideAll = useMutation(
    trpc.feed.unhideBatch.mutationOptions({
      ...settle,
      onSuccess: (r) => done(`${plural(r.unhidden, "transaction")} back in the feed for review.`),
    }),
  );
  const busy =
    hide.isPending ||
    unhide.isPending ||
    notDuplicate.isPending ||
    importSome.isPending ||
    importNew.isPending ||
    hideAll.isPending ||
    unhideAll.isPending;

  function done(text: string) {
    setSelected(new Set());
    setMessage({ kind: "ok", text });
    setQuestion(null);
  }
  function importedText(r: { imported: number; alreadyImported: number }) {
    const into = account?.register ? ` into the register “${account.register.name}”` : "";
    const already = r.alreadyImported ? ` ${plural(r.alreadyImported, "was", "were")} already imported.` : "";
    return `Imported ${plural(r.imported, "transaction")}${into}.${already}`;
  }

  const rows = list.data?.rows ?? NO_ROWS;

  /** Remembers the row an action started from, so focus comes back to that place and not the top. */
  function keepFocusAt(row: FeedRow) {
    const index = rows.indexOf(row);
    if (index < 0) return;
    refocus.current = { id: row.id, nextId: rows[index + 1]?.id ?? rows[index - 1]?.id ?? null, index };
  }
  const act = (mutate: (input: { orgSlug: string; transactionIds: string[] }) => void, targets: FeedRow[]) => {
    setMessage(null);
    if (targets.length === 1) keepFocusAt(targets[0]!);
    mutate({ orgSlug, transactionIds: targets.map((row) => row.id) });
  };
  /** Import: straight away for new rows; a selection holding a possible duplicate asks first. */
  const askImport = (targets: FeedRow[]) => {
    if (targets.length === 1) keepFocusAt(targets[0]!);
    if (targets.some(isFlagged)) setQuestion({ kind: "import", rows: targets });
    else act(importSome.mutate, targets);
  };
  const confirmImport = (targets: FeedRow[]) => {
    setMessage(null);
    importSome.mutate({ orgSlug, transactionIds: targets.map((row) => row.id), confirmFlagged: true });
  };

  // Once an action has settled and the list shows its result: the same row if it is still
  // there, else the one that took its place.
  useEffect(() => {
    const target = refocus.current;
    if (!target || busy || list.isFetching || !tableRef.current?.isConnected) return;
    refocus.current = null;
    const index = rows.findIndex((row) => row.id === target.id);
    const next = index >= 0 ? index : rows.findIndex((row) => row.id === target.nextId);
    const at = next >= 0 ? next : Math.min(target.index, rows.length - 1);
    if (at < 0) {
      document.getElementById(`${TABLE_ID}-empty`)?.focus();
      return;
    }
    setActiveRow(at);
    // Not when the person has moved on to another control meanwhile (a dialog, a filter).
    const focus = document.activeElement;
    if (!focus || focus === document.body || tableRef.current.contains(focus)) {
      tableRef.current.querySelector<HTMLElement>(`tr[data-row-index="${at}"]`)?.focus();
    }
  }, [rows, busy, list.isFetching]);

  // "?" anywhere on the page (not while typing) opens the shortcuts.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (
        event.key !== "?" ||
        event.ctrlKey ||
        event.metaKey ||
        event.altKey ||
        isTyping(event.target) ||
        document.querySelector("dialog[open]")
      )
        return;
      event.preventDefault();
      setHelpOpen(true);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  if (accounts.isPending) return <p className="text-ink-muted">Loading bank accounts…</p>;
  if (accounts.isError)
    return (
      <p role="alert" className="text-danger">
        {accounts.error.message}
      </p>
    );
  if (accounts.data.length === 0) {
    return (
      <div className="card space-y-2">
        <p>No bank account brings transactions yet.</p>
        <p className="text-ink-muted">
          Link a bank on{" "}
          <Link className="text-brand-600 underline" href={`/${orgSlug}/institutions`}>
            Manage Institutions
          </Link>{" "}
          and choose the accounts to follow.
        </p>
      </div>
    );
  }

  const actionable = rows.filter((row) =>
    view === "hidden" ? row.state === "HIDDEN" : row.state !== "IMPORTED" && row.state !== "HIDDEN",
  );
  const selectedRows = actionable.filter((row) => selected.has(row.id));
  const allSelected = actionable.length > 0 && selectedRows.length === actionable.length;
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const flaggedMatching = list.data?.flaggedMatching ?? 0;
  const offersHideAll = view === "review" || view === "flagged" || view === "all";
  const accountName = account ? `${account.name} ··${account.mask}` : "the account";
  const filtered = !!(filters.from || filters.to || filters.text);

  function onRowKey(event: KeyboardEvent<HTMLTableSectionElement>) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    const rowElement = (event.target as HTMLElement).closest<HTMLElement>("tr[data-row-index]");
    if (!rowElement) return;
    const index = Number(rowElement.dataset.rowIndex);
    const row = rows[index];
    if (!row) return;
    const move = (to: number) => {
      event.preventDefault();
      const at = Math.max(0, Math.min(rows.length - 1, to));
      setActiveRow(at);
      tableRef.current?.querySelector<HTMLElement>(`tr[data-row-index="${at}"]`)?.focus();
    };
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    switch (key) {
      case "j":
      case "ArrowDown":
        return move(index + 1);
      case "k":
      case "ArrowUp":
        return move(index - 1);
      case "Home":
        return move(0);
      case "End":
        return move(rows.length - 1);
    }
    if (!canWrite || busy) return;
    const reviewable = row.state !== "IMPORTED" && row.state !== "HIDDEN";
    const run = (action: () => void) => {
      event.preventDefault();
      // Focus on the row, not on a button about to disappear.
      if (event.target !== rowElement) rowElement.focus();
      action();
    };
    if (key === "h" && reviewable) run(() => act(hide.mutate, [row]));
    else if (key === "i" && reviewable && account?.register) run(() => askImport([row]));
    else if (key === "n" && isFlagged(row)) run(() => act(notDuplicate.mutate, [row]));
    else if (key === "u" && row.state === "HIDDEN") run(() => act(unhide.mutate, [row]));
    else if (key === "x" && actionable.includes(row)) run(() => toggle(row.id));
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 max-w-full">
          <label htmlFor="feed-account" className="label">
            Bank account
          </label>
          <select
            id="feed-account"
            className="field w-auto max-w-full"
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
            <label htmlFor="feed-view" className="label">
              Show
            </label>
            <select
              id="feed-view"
              className="field w-auto"
              value={view}
              onChange={(e) => {
                setView(e.target.value as View);
                resetPage();
              }}
            >
              {views.map((v) => (
                <option key={v.value} value={v.value}>
                  {v.label}
                </option>
              ))}
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
        <button type="button" className="btn-secondary ml-auto" aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
          Keyboard shortcuts
        </button>
      </div>

      {account && (
        <p className="text-sm text-ink-muted">
          {account.register ? (
            <>
              Imports go to the register <strong className="text-ink">{account.register.name}</strong>.{" "}
            </>
          ) : (
            <span className="text-warn">
              This account posts to no register yet: choose one on Manage Institutions before importing.{" "}
            </span>
          )}
          {plural(account.counts.new, "new transaction")}, {plural(account.counts.flagged, "possible duplicate")},{" "}
          {account.counts.hidden} hidden, {account.counts.imported} imported.
          {autoHideSureDuplicates && (
            <>
              {" "}
              Sure duplicates are hidden automatically (
              <Link className="text-brand-700 underline" href={`/${orgSlug}/settings`}>
                Settings
              </Link>
              ).
            </>
          )}
        </p>
      )}

      <ListFilters value={filters} onChange={onFilters} searchLabel="Search the feed" />

      <div aria-live="polite" role="status">
        {message && (
          <p
            className={
              "rounded-md px-3 py-2 text-sm " +
              (message.kind === "ok" ? "bg-ok-soft text-ok" : "bg-danger-soft text-danger")
            }
          >
            {message.text}
          </p>
        )}
      </div>

      {view === "hidden" && accountId && (
        <Suspense fallback={null}>
          <HideBatches
            orgSlug={orgSlug}
            bankAccountId={accountId}
            canWrite={canWrite}
            busy={busy}
            onUnhideAll={(batch: Batch) => {
              setMessage(null);
              unhideAll.mutate({ orgSlug, batchId: batch.id });
            }}
          />
        </Suspense>
      )}

      {canWrite ? (
        <div role="toolbar" aria-label="Feed actions" className="flex flex-wrap items-center gap-2">
          {view === "hidden" ? (
            <button
              type="button"
              className="btn-secondary"
              disabled={busy || selectedRows.length === 0}
              onClick={() => act(unhide.mutate, selectedRows)}
            >
              Un-hide selected ({selectedRows.length})
            </button>
          ) : (
            <>
              <button
                type="button"
                className={view === "flagged" ? "btn-secondary" : "btn-primary"}
                disabled={busy || selectedRows.length === 0 || !account?.register}
                onClick={() => askImport(selectedRows)}
              >
                Import selected ({selectedRows.length})
              </button>
              <button
                type="button"
                className={view === "flagged" ? "btn-primary" : "btn-secondary"}
                disabled={busy || selectedRows.length === 0}
                onClick={() => act(hide.mutate, selectedRows)}
              >
                Hide selected ({selectedRows.length})
              </button>
              {offersHideAll && (
                <button
                  type="button"
                  className="btn-secondary"
                  aria-disabled={busy || flaggedMatching === 0 || undefined}
                  onClick={() =>
                    !busy && flaggedMatching > 0 && setQuestion({ kind: "hideAll", count: flaggedMatching })
                  }
                >
                  Hide all possible duplicates ({flaggedMatching.toLocaleString("en-US")})
                </button>
              )}
              <span className="ml-auto flex flex-wrap items-center gap-2">
                <span id="import-all-new-note" className="text-xs text-ink-muted">
                  {account?.counts.flagged
                    ? `Leaves out the ${plural(account.counts.flagged, "possible duplicate")}.`
                    : "Possible duplicates are never included."}
                </span>
                <button
                  type="button"
                  className="btn-secondary"
                  aria-describedby="import-all-new-note"
                  disabled={busy || !account?.register || !account?.counts.new}
                  onClick={() => {
                    setMessage(null);
                    importNew.mutate({ orgSlug, bankAccountId: account!.id });
                  }}
                >
                  Import all new ({account?.counts.new ?? 0})
                </button>
              </span>
            </>
          )}
        </div>
      ) : (
        <p className="text-sm text-ink-muted">
          You can look at the feed; your role does not allow hiding or importing.
        </p>
      )}

      <div className="card relative overflow-x-auto p-0">
        <table
          id={TABLE_ID}
          className="w-full text-left text-sm"
          aria-busy={list.isFetching}
          aria-describedby={`${TABLE_ID}-keys`}
        >
          <caption className="sr-only">
            {view === "hidden" ? "Hidden transactions" : "Bank feed transactions"} of{" "}
            {account ? accountName : "the account"}
          </caption>
          <thead className="border-b border-surface-line text-ink-muted">
            <tr>
              <th scope="col" className="w-40 px-3 py-3 font-medium">
                <span className="sr-only">Duplicate mark</span>
              </th>
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
              <th scope="col" className="px-3 py-3 font-medium">
                Date
              </th>
              <th scope="col" className="px-3 py-3 font-medium">
                Description
              </th>
              <th scope="col" className="px-3 py-3 text-right font-medium">
                Amount
              </th>
              <th scope="col" className="px-3 py-3 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-3 font-medium">
                State
              </th>
              {canWrite && (
                <th scope="col" className="px-3 py-3 font-medium">
                  Actions
                </th>
              )}
            </tr>
          </thead>
          <tbody ref={tableRef} onKeyDown={onRowKey}>
            {list.isPending && accountId ? (
              <tr>
                <td colSpan={8} className="px-4 py-6 text-ink-muted">
                  Loading transactions…
                </td>
              </tr>
            ) : list.isError ? (
              <tr>
                <td colSpan={8} role="alert" className="px-4 py-6 text-danger">
                  {list.error.message}
                </td>
              </tr>
            ) : rows.length === 0 ? (
              <tr>
                <td id={`${TABLE_ID}-empty`} tabIndex={-1} colSpan={8} className="px-4 py-6 text-ink-muted">
                  {view === "hidden" ? "No hidden transactions." : "Nothing to show here."}
                </td>
              </tr>
            ) : (
              rows.map((row, index) => (
                <FeedTableRow
                  key={row.id}
                  row={row}
                  index={index}
                  active={index === Math.min(activeRow, rows.length - 1)}
                  canWrite={canWrite}
                  selectable={actionable.includes(row)}
                  selected={selected.has(row.id)}
                  busy={busy}
                  hasRegister={!!account?.register}
                  onFocus={() => setActiveRow(index)}
                  onToggle={() => toggle(row.id)}
                  onImport={() => askImport([row])}
                  onHide={() => act(hide.mutate, [row])}
                  onUnhide={() => act(unhide.mutate, [row])}
                  onNotDuplicate={() => act(notDuplicate.mutate, [row])}
                />
              ))
            )}
          </tbody>
        </table>
        <p id={`${TABLE_ID}-keys`} className="sr-only">
          Keys on a row: j or down arrow for the next, k or up arrow for the previous
          {canWrite ? ", h to hide, i to import, n for not a duplicate, u to un-hide, x to select" : ""}; question mark
          for all shortcuts.
        </p>
      </div>

      {list.data && (
        <Pager
          page={page}
          pageSize={PAGE_SIZE}
          total={list.data.total}
          noun="transactions"
          onPage={(p) => {
            pages.go(p, list.data?.nextCursor ?? null);
            setSelected(new Set());
            setActiveRow(0);
          }}
        />
      )}

      <ConfirmDialog
        open={question?.kind === "import"}
        title={
          question?.kind === "import" && question.rows.length === 1
            ? "Import this possible duplicate?"
            : "Import possible duplicates?"
        }
        confirmLabel="Import anyway"
        focus="cancel"
        busy={importSome.isPending}
        fallbackFocusId={TABLE_ID}
        onCancel={() => {
          refocus.current = null;
          setQuestion(null);
        }}
        onConfirm={() => question?.kind === "import" && confirmImport(question.rows)}
      >
        {question?.kind === "import" && <ImportQuestion rows={question.rows} />}
      </ConfirmDialog>

      <ConfirmDialog
        open={question?.kind === "hideAll"}
        title={question?.kind === "hideAll" ? `Hide ${plural(question.count, "possible duplicate")}?` : ""}
        confirmLabel={question?.kind === "hideAll" ? `Hide ${plural(question.count, "transaction")}` : ""}
        focus="confirm"
        busy={hideAll.isPending}
        fallbackFocusId={TABLE_ID}
        onCancel={() => setQuestion(null)}
        onConfirm={() => {
          if (question?.kind !== "hideAll" || !account) return;
          setMessage(null);
          hideAll.mutate(
            {
              orgSlug,
              bankAccountId: account.id,
              from: filters.from || null,
              to: filters.to || null,
              text: filters.text || null,
              expectedCount: question.count,
            },
            { onError: () => setQuestion(null) },
          );
        }}
      >
        {question?.kind === "hideAll" && (
          <>
            <p>
              Every possible duplicate of <strong>{accountName}</strong>
              {filtered ? " that the filters let through" : ""}, on every page:{" "}
              <strong>{plural(question.count, "transaction")}</strong>
              {filtered ? ` (${describeFilters(filters)})` : ""}.
            </p>
            <p>
              They go to Show hidden and are never offered again, however often the bank brings them back. The register
              does not change.
            </p>
            <p>Show hidden → Un-hide all brings exactly this batch back.</p>
          </>
        )}
      </ConfirmDialog>

      <ShortcutsHelp open={helpOpen} canWrite={canWrite} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

function ImportQuestion({ rows }: { rows: FeedRow[] }) {
  const flagged = rows.filter(isFlagged);
  if (rows.length === 1 && flagged[0]?.match) {
    return (
      <>
        <p>
          This looks like <strong>{matchText(flagged[0].match)}</strong>
          {flagged[0].match.kind === "register" ? ", already in the register" : ", a transaction you hid"}. Import it
          anyway?
        </p>
        <p className="text-ink-muted">
          Importing books the money a second time. If it is the same transaction, choose Cancel and Hide it.
        </p>
      </>
    );
  }
  return (
    <>
      <p>
        {flagged.length === rows.length
          ? `All ${plural(rows.length, "selected transaction")}`
          : `${flagged.length.toLocaleString("en-US")} of the ${plural(rows.length, "selected transaction")}`}{" "}
        {flagged.length === 1 ? "looks" : "look"} like entries already in the books:
      </p>
      <ul className="list-disc pl-5">
        {flagged.slice(0, 5).map((row) => (
          <li key={row.id}>
            {row.description} on {formatDay(row.date)} looks like{" "}
            {row.match ? <strong>{matchText(row.match)}</strong> : "an entry in the register"}
          </li>
        ))}
        {flagged.length > 5 && <li>and {plural(flagged.length - 5, "other")}</li>}
      </ul>
      <p>Import them anyway? Importing books the money a second time.</p>
    </>
  );
}

function describeFilters(filters: Filters): string {
  const parts = [
    filters.from && filters.to
      ? `from ${formatDay(filters.from)} to ${formatDay(filters.to)}`
      : filters.from
        ? `from ${formatDay(filters.from)}`
        : filters.to
          ? `up to ${formatDay(filters.to)}`
          : "",
    filters.text ? `matching “${filters.text}”` : "",
  ];
  return parts.filter(Boolean).join(", ");
}

/** A key typed into a field is text, not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)
    return true;
  return target instanceof HTMLInputElement && target.type !== "checkbox" && target.type !== "radio";
}

interface RowProps {
  row: FeedRow;
  index: number;
  active: boolean;
  canWrite: boolean;
  selectable: boolean;
  selected: boolean;
  busy: boolean;
  hasRegister: boolean;
  onFocus: () => void;
  onToggle: () => void;
  onImport: () => void;
  onHide: () => void;
  onUnhide: () => void;
  onNotDuplicate: () => void;
}

function FeedTableRow({
  row,
  index,
  active,
  canWrite,
  selectable,
  selected,
  busy,
  hasRegister,
  onFocus,
  onToggle,
  onImport,
  onHide,
  onUnhide,
  onNotDuplicate,
}: RowProps) {
  const flagged = isFlagged(row);
  const what = `${row.description} on ${formatDay(row.date)}`;
  return (
    <tr
      className={
        "border-b border-surface-line align-top last:border-0 " +
        "focus-visible:bg-brand-50 focus-visible:outline-offset-[-2px]"
      }
      data-state={row.state}
      data-row-index={index}
      tabIndex={active ? 0 : -1}
      onFocus={onFocus}
    >
      <td className={`border-l-4 px-3 py-3 ${flagged ? "border-danger bg-danger-soft" : "border-transparent"}`}>
        <DuplicateMark row={row} />
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
        <MatchedNote row={row} />
      </td>
      <td className={`whitespace-nowrap px-3 py-3 text-right tabular-nums ${row.amountCents < 0 ? "" : "text-ok"}`}>
        {formatMoney(row.amountCents)}
      </td>
      <td className="px-3 py-3">{row.pending ? "Pending" : "Posted"}</td>
      <td className="px-3 py-3">{row.matchedAt ? "Matched" : stateLabel[row.state]}</td>
      {canWrite && (
        <td className="px-3 py-3">
          <div className="flex flex-wrap gap-2">
            {row.state === "HIDDEN" ? (
              <button
                type="button"
                className="btn-secondary py-1"
                disabled={busy}
                aria-label={`Un-hide ${what}`}
                onClick={onUnhide}
              >
                Un-hide
              </button>
            ) : row.state === "IMPORTED" ? null : flagged ? (
              // The safe action leads on a possible duplicate; Import asks first.
              <>
                <button
                  type="button"
                  className="btn-primary py-1"
                  disabled={busy}
                  aria-label={`Hide ${what}`}
                  onClick={onHide}
                >
                  Hide
                </button>
                <button
                  type="button"
                  className="btn-secondary py-1"
                  disabled={busy}
                  aria-label={`Not a duplicate: ${what}`}
                  onClick={onNotDuplicate}
                >
                  Not a duplicate
                </button>
                <button
                  type="button"
                  className="btn-secondary py-1"
                  disabled={busy || !hasRegister}
                  aria-label={`Import ${what}`}
                  onClick={onImport}
                >
                  Import…
                </button>
                <MatchActions row={row} busy={busy} />
              </>
            ) : (
              <>
                <button
                  type="button"
                  className="btn-primary py-1"
                  disabled={busy || !hasRegister}
                  aria-label={`Import ${what}`}
                  onClick={onImport}
                >
                  Import
                </button>
                <button
                  type="button"
                  className="btn-secondary py-1"
                  disabled={busy}
                  aria-label={`Hide ${what}`}
                  onClick={onHide}
                >
                  Hide
                </button>
                <MatchActions row={row} busy={busy} />
              </>
            )}
          </div>
        </td>
      )}
    </tr>
  );
}

/** Two decimals, cut rather than rounded, so a score below the duplicate tier (0.9) never reads 0.90. */
const shownScore = (score: number) => (Math.floor(score * 100 + 1e-9) / 100).toFixed(2);

/** What a flagged or hidden row matches, and why, in the customer's words. */
function MatchNote({ row }: { row: FeedRow }) {
  const match = row.match;
  const batch = row.hideBatch;
  if (row.state === "HIDDEN" && !row.hiddenAutomatically && batch?.kind !== "HIDE_ALL")
    return <p className="mt-1 text-xs text-ink-muted">Hidden by you.</p>;
  if (row.state === "HIDDEN" && batch?.kind === "HIDE_ALL" && !match)
    return <p className="mt-1 text-xs text-ink-muted">Hidden by you with Hide all possible duplicates.</p>;
  if (!match) return null;
  const target = matchText(match);
  const lead =
    row.state !== "HIDDEN"
      ? match.kind === "hidden"
        ? "Matches a transaction you hid:"
        : "Matches the register entry"
      : batch?.kind === "HIDE_ALL"
        ? "Hidden by you with Hide all possible duplicates. It matches " +
          (match.kind === "hidden" ? "a transaction you hid:" : "the register entry")
        : batch?.kind === "AUTOMATIC"
          ? "Hidden automatically as a sure duplicate (your organization's setting) of the register entry"
          : match.kind === "hidden"
            ? "Hidden automatically: it matches a transaction you hid:"
            : "Hidden automatically: you hid a copy of the register entry";
  return (
    <div className={`mt-1 text-xs ${isFlagged(row) ? "text-danger" : "text-ink-muted"}`}>
      <p>
        {lead} <strong>{target}</strong>
      </p>
      <p>
        Why: {match.reasons.join("; ")} · score {shownScore(match.score)}
      </p>
    </div>
  );
}
