"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/app/_lib/trpc";

/** Manage Institutions follows statuses every 30 s; the count follows the page. */
const POLL_MS = 30_000;

/**
 * "229 transactions you already have came back — review them", per account of a connection
 * whose feed holds possible duplicates of the books (after a re-link, the whole history), with
 * a link to the feed filtered to that account's possible duplicates. `refreshKey` changes when
 * a retrieval ends, so the count follows it at once.
 */
export function ReturnedDuplicates({
  orgSlug,
  connectionId,
  refreshKey,
}: {
  orgSlug: string;
  connectionId: string;
  refreshKey?: string | null;
}) {
  const trpc = useTRPC();
  const returned = useQuery({
    ...trpc.feed.returnedDuplicates.queryOptions({ orgSlug }),
    staleTime: 0,
    refetchInterval: POLL_MS,
  });
  const { refetch } = returned;
  const seen = useRef(refreshKey);
  useEffect(() => {
    if (seen.current === refreshKey) return;
    seen.current = refreshKey;
    void refetch();
  }, [refreshKey, refetch]);

  const accounts = returned.data?.filter((a) => a.connectionId === connectionId) ?? [];
  if (accounts.length === 0) return null;
  return (
    <div className="space-y-1 rounded-md border border-danger/30 bg-danger-soft px-4 py-3 text-sm">
      {accounts.map((a) => (
        <p key={a.bankAccountId}>
          <span className="font-medium">
            {a.accountName} ··{a.mask}:
          </span>{" "}
          {a.count.toLocaleString("en-US")}{" "}
          {a.count === 1 ? "transaction you already have came back" : "transactions you already have came back"} —{" "}
          <Link
            href={`/${orgSlug}/feed?account=${encodeURIComponent(a.bankAccountId)}&view=flagged`}
            className="font-medium text-brand-700 underline"
          >
            {a.count === 1 ? "review it" : "review them"}
            <span className="sr-only">
              {" "}
              ({a.accountName} ··{a.mask})
            </span>
          </Link>
        </p>
      ))}
    </div>
  );
}
