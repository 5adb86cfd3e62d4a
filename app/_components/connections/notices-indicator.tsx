"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/app/_lib/trpc";

export const NOTICES_POLL_MS = 30_000;

/** The shell's count of open notices: connections that need someone of the organization. */
export function NoticesIndicator({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const notices = useQuery({ ...trpc.connections.notices.queryOptions({ orgSlug }), refetchInterval: NOTICES_POLL_MS });
  const count = notices.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <Link
      href={`/${orgSlug}/institutions#notices`}
      className={
        "inline-flex items-center gap-1.5 rounded-full bg-danger-soft px-3 py-1 " +
        "text-sm font-medium text-danger hover:underline"
      }
    >
      <span aria-hidden="true" className="inline-block h-2 w-2 rounded-full bg-danger" />
      {count} open {count === 1 ? "notice" : "notices"}
    </Link>
  );
}
