"use client";

import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { DataTable } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import type { connectionEmail } from "@/server/support/schemas";
import { formatUtc } from "../../_components/format";

const KIND: Record<string, string> = {
  "connection-problem": "Problem",
  "connection-reminder": "Reminder",
  "connection-fixed": "Fixed",
};

function sentText(m: z.output<typeof connectionEmail>): string {
  if (m.status === "SENT") return formatUtc(m.sentAt!);
  if (m.status === "SKIPPED") return `Not sent: ${m.lastError ?? ""}`;
  return `Waiting${m.attempts ? ` (${m.attempts} tries; ${m.lastError ?? ""})` : ""}`;
}

export function ConnectionEmails({ connectionId }: { connectionId: string }) {
  const trpc = useTRPC();
  const emails = useQuery({ ...trpc.support.connectionEmails.queryOptions({ connectionId }), refetchInterval: 15_000 });
  return (
    <section aria-labelledby="emails-title" className="card space-y-3">
      <h2 id="emails-title" className="text-lg font-semibold">
        Emails about this connection
      </h2>
      {emails.data && (
        <DataTable
          caption="Emails about this connection"
          rows={emails.data}
          rowKey={(m) => m.id}
          empty="None sent."
          columns={[
            { header: "Kind", cell: (m) => KIND[m.kind] ?? m.kind },
            { header: "To", cell: (m) => m.toEmail },
            { header: "Subject", cell: (m) => m.subject },
            { header: "Decided", cell: (m) => formatUtc(m.createdAt) },
            { header: "Sent", cell: sentText },
          ]}
        />
      )}
    </section>
  );
}
