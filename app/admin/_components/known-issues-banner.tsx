"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/app/_lib/trpc";
import { formatUtc, variantLabel } from "./format";

/** At the top of every console page: institutions failing for everyone right now. */
export function KnownIssuesBanner() {
  const trpc = useTRPC();
  const issues = useQuery({ ...trpc.support.knownIssues.queryOptions(), refetchInterval: 60_000 });
  if (!issues.data?.length) return null;
  return (
    <section
      aria-labelledby="known-issues-title"
      className="mb-6 rounded-card border border-warn/40 bg-warn-soft p-4 text-sm"
    >
      <h2 id="known-issues-title" className="font-semibold text-warn">
        Known issues at institutions
      </h2>
      <ul className="mt-2 space-y-1">
        {issues.data.map((k) => (
          <li key={k.institutionId}>
            <strong>{k.name}</strong> ({variantLabel(k.variant)}) since {formatUtc(k.since)}
            {k.code !== null && (
              <>
                {" "}
                — code {k.code}: {k.title}
              </>
            )}
            ; {k.affectedConnections} connection{k.affectedConnections === 1 ? "" : "s"} affected. Customers are told
            nothing is needed from them.{" "}
            <Link href="/admin/institutions" className="underline">
              Institution health
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
