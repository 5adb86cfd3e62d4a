"use client";

import { useQuery } from "@tanstack/react-query";
import { formatAbsolute } from "@/app/_components/connections/format";
import { formatDay } from "@/app/_lib/money";
import { useTRPC } from "@/app/_lib/trpc";
import type { HideBatch as Batch } from "@/server/feed/schemas";

const count = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "transaction" : "transactions"}`;

/** How a batch was hidden, in the customer's words. */
export function describeBatch(batch: Batch): string {
  const when = formatAbsolute(batch.createdAt);
  if (batch.kind === "AUTOMATIC")
    return `Hidden automatically as sure duplicates (your organization's setting), ${when}`;
  const f = batch.filters;
  const range =
    f?.from && f?.to
      ? ` from ${formatDay(f.from)} to ${formatDay(f.to)}`
      : f?.from
        ? ` from ${formatDay(f.from)}`
        : f?.to
          ? ` up to ${formatDay(f.to)}`
          : "";
  const text = f?.text ? ` matching “${f.text}”` : "";
  return `Hide all possible duplicates${range}${text} by ${batch.actorName ?? "a former member"}, ${when}`;
}

/** Under Show hidden: the batches of the account still hidden, each with Un-hide all. */
export function HideBatches({
  orgSlug,
  bankAccountId,
  canWrite,
  busy,
  onUnhideAll,
}: {
  orgSlug: string;
  bankAccountId: string;
  canWrite: boolean;
  busy: boolean;
  onUnhideAll: (batch: Batch) => void;
}) {
  const trpc = useTRPC();
  const batches = useQuery(trpc.feed.hideBatches.queryOptions({ orgSlug, bankAccountId }));
  if (!batches.data?.length) return null;
  return (
    <section aria-labelledby="hide-batches-title" className="card space-y-3">
      <h2 id="hide-batches-title" className="text-base font-semibold">
        Hidden together
      </h2>
      <ul className="space-y-2 text-sm">
        {batches.data.map((batch) => (
          <li key={batch.id} className="flex flex-wrap items-center justify-between gap-2">
            <span>
              {describeBatch(batch)}: <strong>{count(batch.stillHidden)}</strong> still hidden
              {batch.stillHidden !== batch.hiddenCount && ` (of ${batch.hiddenCount.toLocaleString("en-US")})`}.
            </span>
            {canWrite && (
              <button
                type="button"
                className="btn-secondary py-1"
                aria-disabled={busy || undefined}
                aria-label={`Un-hide all ${count(batch.stillHidden)}: ${describeBatch(batch)}`}
                onClick={() => !busy && onUnhideAll(batch)}
              >
                Un-hide all ({batch.stillHidden.toLocaleString("en-US")})
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
