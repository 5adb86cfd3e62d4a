"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { lazy, Suspense, useState } from "react";
import { Dialog, DialogLoading } from "@/app/_components/connections/dialog";
import { formatDay, formatMoney } from "@/app/_lib/money";
import { useTRPC } from "@/app/_lib/trpc";
import type { FeedRow } from "@/server/feed/schemas";

// A bank row and an entry the bookkeeper wrote: the feed offers Match where the matcher found the entry, and
// Find a match on any new row (a flagged one already names its match).

// Find a match's search comes with its first opening.
const FindMatch = lazy(() => import("./find-match").then((m) => ({ default: m.FindMatch })));

const unreviewed = (row: FeedRow) =>
  row.state === "NEW" || row.state === "DUPLICATE" || row.state === "POSSIBLE_DUPLICATE";
const flagged = (row: FeedRow) => row.state === "DUPLICATE" || row.state === "POSSIBLE_DUPLICATE";

/** The best candidate is an entry that did not come from the bank: link to it rather than hide the row. */
export const matchesEntryInBooks = (row: FeedRow) =>
  flagged(row) && row.match?.kind === "register" && !row.match.fromBank;

/** The red mark at a flagged row's left. */
export function DuplicateMark({ row }: { row: FeedRow }) {
  if (!flagged(row)) return null;
  return (
    <span className="font-semibold text-danger">
      {matchesEntryInBooks(row) ? "Matches an entry in the books" : "Possible duplicate"}
    </span>
  );
}

/** Under a matched row's description: the entry it is now the bank's side of. */
export function MatchedNote({ row }: { row: FeedRow }) {
  if (!row.matchedAt || !row.matchedEntry) return null;
  const entry = row.matchedEntry;
  return (
    <p className="mt-1 text-xs text-ok">
      Matched to the entry in the books{" "}
      <strong>
        {formatDay(entry.date)} · {entry.description} · {formatMoney(entry.amountCents)}
      </strong>
      . Undo it from the register.
    </p>
  );
}

export function useOrgSlug(): string {
  return String(useParams<{ org: string }>().org);
}

export function useSettled() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries(trpc.feed.pathFilter());
    void queryClient.invalidateQueries(trpc.register.pathFilter());
    void queryClient.invalidateQueries(trpc.matches.pathFilter());
  };
}

/** Match (where the matcher found an entry the bookkeeper wrote), and Find a match for a new row. */
export function MatchActions({ row, busy }: { row: FeedRow; busy: boolean }) {
  const trpc = useTRPC();
  const orgSlug = useOrgSlug();
  const settled = useSettled();
  const [finding, setFinding] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const link = useMutation(
    trpc.matches.link.mutationOptions({ onError: (error) => setProblem(error.message), onSettled: settled }),
  );
  if (!unreviewed(row)) return null;
  const what = `${row.description} on ${formatDay(row.date)}`;
  return (
    <>
      {matchesEntryInBooks(row) && (
        <button
          type="button"
          className="btn-primary py-1"
          aria-disabled={busy || link.isPending}
          aria-label={`Match ${what} to the entry in the books`}
          onClick={() =>
            !busy &&
            !link.isPending &&
            link.mutate({ orgSlug, transactionId: row.id, entryId: row.match!.id, byHand: false })
          }
        >
          Match
        </button>
      )}
      {row.state === "NEW" && (
        <button
          type="button"
          className="btn-secondary py-1"
          aria-disabled={busy}
          aria-label={`Find a match for ${what}`}
          onClick={() => !busy && setFinding(true)}
        >
          Find a match
        </button>
      )}
      {problem && (
        <p role="alert" className="basis-full text-xs text-danger">
          {problem}
        </p>
      )}
      <Dialog open={finding} onClose={() => setFinding(false)} labelledBy={`find-match-${row.id}`} wide>
        {finding && (
          <Suspense fallback={<DialogLoading />}>
            <FindMatch row={row} onDone={() => setFinding(false)} />
          </Suspense>
        )}
      </Dialog>
    </>
  );
}
