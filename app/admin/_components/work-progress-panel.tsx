"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc";
import { formatUtc } from "./format";

const number = (n: number) => n.toLocaleString("en-US");

/** Long work (nightly refresh cycles, imports, backfills): how far each got, refreshed while one runs. */
export function WorkProgressPanel() {
  const trpc = useTRPC();
  const work = useQuery({
    ...trpc.support.work.queryOptions(),
    refetchInterval: (query) => (query.state.data?.some((w) => w.finishedAt === null) ? 5_000 : 60_000),
  });
  if (!work.data?.length) return null;
  return (
    <section aria-labelledby="work-title" className="rounded-card border border-surface-line bg-surface p-4 text-sm">
      <h2 id="work-title" className="font-semibold">
        Long work
      </h2>
      <ul className="mt-2 space-y-3">
        {work.data.map((w) => {
          const ofTotal = w.total !== null ? ` of ${number(w.total)}` : "";
          const failed = w.failed ? `, ${number(w.failed)} failed` : "";
          const label = `${w.label}: ${number(w.done)}${ofTotal}${failed}`;
          return (
            <li key={w.id}>
              <div className="flex flex-wrap justify-between gap-2">
                <span className="font-medium">{label}</span>
                <span className="text-ink-muted">
                  {w.finishedAt
                    ? `finished ${formatUtc(w.finishedAt)}`
                    : `started ${formatUtc(w.startedAt)}, last news ${formatUtc(w.updatedAt)}`}
                </span>
              </div>
              <progress
                className="mt-1 h-2 w-full"
                aria-label={label}
                max={w.total ?? undefined}
                value={w.total !== null ? w.done : undefined}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
