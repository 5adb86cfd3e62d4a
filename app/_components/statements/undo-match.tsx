"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDay } from "@/app/_lib/money";
import { useTRPC } from "@/app/_lib/trpc";

/** In the register: the bank transaction an entry was matched to, and the way back. */
export function MatchedToBank({
  orgSlug,
  entryId,
  matchedTo,
  canWrite,
}: {
  orgSlug: string;
  entryId: string;
  matchedTo: { date: string; description: string; accountName: string; accountMask: string };
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const undo = useMutation(
    trpc.matches.undo.mutationOptions({
      onError: (error) => setProblem(error.message),
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.register.pathFilter());
        void queryClient.invalidateQueries(trpc.feed.pathFilter());
      },
    }),
  );
  return (
    <div className="text-xs text-ink-muted">
      Matched to the bank&apos;s {formatDay(matchedTo.date)} · {matchedTo.description} ({matchedTo.accountName} ··
      {matchedTo.accountMask})
      {canWrite && (
        <button
          type="button"
          className="ml-2 text-brand-600 underline"
          aria-disabled={undo.isPending}
          aria-label={`Undo the match of ${matchedTo.description}`}
          onClick={() => !undo.isPending && undo.mutate({ orgSlug, entryId })}
        >
          Undo match
        </button>
      )}
      {problem && (
        <span role="alert" className="ml-2 text-danger">
          {problem}
        </span>
      )}
    </div>
  );
}
