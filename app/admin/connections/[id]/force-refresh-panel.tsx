"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import type { ForceRefreshAllowance as Allowance } from "@/server/support/schemas";

/**
 * Force refresh: support admins give a reason and start an aggregation now. Agents see the
 * button disabled with why. Progress shows until the attempt's event is in the history.
 */
export function ForceRefreshPanel({
  connectionId,
  canAct,
  allowance,
  aggregating,
  onEvent,
}: {
  connectionId: string;
  canAct: boolean;
  allowance: Allowance;
  aggregating: boolean;
  onEvent: (eventId: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const refreshAll = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.support.connection.queryFilter({ connectionId })),
      queryClient.invalidateQueries(trpc.support.events.pathFilter()),
      queryClient.invalidateQueries(trpc.support.outcomes.pathFilter()),
      queryClient.invalidateQueries(trpc.support.audit.pathFilter()),
    ]);
  const force = useMutation(
    trpc.support.forceRefresh.mutationOptions({
      onSuccess: async (result) => {
        setOpen(false);
        setReason("");
        onEvent(result.eventId);
        await refreshAll();
      },
    }),
  );

  // When an aggregation that was running ends, its event is final: read the history again.
  const wasAggregating = useRef(aggregating);
  useEffect(() => {
    if (wasAggregating.current && !aggregating) void refreshAll();
    wasAggregating.current = aggregating;
    // refreshAll only invalidates queries; running it when the aggregation ends is enough.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [aggregating]);

  const disabledReason = canAct ? allowance.reason : "Only support admins may force a refresh.";
  const result = force.data;

  return (
    <section aria-labelledby="force-title" className="card space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="force-title" className="text-lg font-semibold">
            Force refresh
          </h2>
          <p className="text-sm text-ink-muted">
            {`Starts an aggregation now, outside the nightly schedule. At most ${allowance.limit} an hour per ` +
              `connection; ${allowance.usedInWindow} used in the last hour. Audited with your reason.`}
          </p>
        </div>
        {!open && (
          <button
            type="button"
            className="btn-primary"
            disabled={!!disabledReason || force.isPending}
            aria-describedby={disabledReason ? "force-disabled-reason" : undefined}
            onClick={() => setOpen(true)}
          >
            Force refresh
          </button>
        )}
      </div>
      {disabledReason && !open && (
        <p id="force-disabled-reason" className="text-sm text-ink-muted">
          {disabledReason}
        </p>
      )}

      {open && (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            force.mutate({ connectionId, reason });
          }}
        >
          <label htmlFor="force-reason" className="label">
            Reason for forcing a refresh
          </label>
          <textarea
            id="force-reason"
            className="field min-h-20"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            minLength={5}
            maxLength={500}
            placeholder="What the customer reported, the ticket number…"
          />
          <div className="flex gap-2">
            <button type="submit" className="btn-primary" disabled={force.isPending || reason.trim().length < 5}>
              Start refresh
            </button>
            <button type="button" className="btn-secondary" onClick={() => setOpen(false)} disabled={force.isPending}>
              Cancel
            </button>
          </div>
        </form>
      )}

      <div role="status" aria-live="polite" className="text-sm">
        {force.isPending && <p>Refreshing: asking the aggregator now…</p>}
        {!force.isPending && result?.kind === "aggregating" && aggregating && (
          <p>Aggregation in progress at the bank. This page updates when it finishes.</p>
        )}
        {!force.isPending && result?.kind === "aggregating" && !aggregating && (
          <p>Forced refresh finished: the newest attempt below shows how it ended.</p>
        )}
        {!force.isPending && result && result.kind !== "aggregating" && (
          <p className={result.statusCode === 0 ? "text-ok" : "text-danger"}>
            Forced refresh done: {result.statusCode} — {result.title}.
          </p>
        )}
      </div>
      {force.isError && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {force.error.message}
        </p>
      )}
    </section>
  );
}
