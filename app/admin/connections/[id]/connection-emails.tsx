"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc";
import { formatUtc } from "../../_components/format";

const KIND: Record<string, string> = {
  "connection-problem": "Problem",
  "connection-reminder": "Reminder",
  "connection-fixed": "Fixed",
};

export function ConnectionEmails({ connectionId }: { connectionId: string }) {
  const trpc = useTRPC();
  const emails = useQuery({ ...trpc.support.connectionEmails.queryOptions({ connectionId }), refetchInterval: 15_000 });
  return (
    <section aria-labelledby="emails-title" className="card space-y-3">
      <h2 id="emails-title" className="text-lg font-semibold">Emails about this connection</h2>
      {emails.data?.length === 0 && <p className="text-sm text-ink-muted">None sent.</p>}
      {!!emails.data?.length && (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Emails about this connection</caption>
          <thead className="text-ink-muted">
            <tr>
              <th scope="col" className="py-2 font-medium">Kind</th>
              <th scope="col" className="py-2 font-medium">To</th>
              <th scope="col" className="py-2 font-medium">Subject</th>
              <th scope="col" className="py-2 font-medium">Decided</th>
              <th scope="col" className="py-2 font-medium">Sent</th>
            </tr>
          </thead>
          <tbody>
            {emails.data.map((m) => (
              <tr key={m.id} className="border-t border-surface-line">
                <td className="py-2">{KIND[m.kind] ?? m.kind}</td>
                <td className="py-2">{m.toEmail}</td>
                <td className="py-2">{m.subject}</td>
                <td className="py-2">{formatUtc(m.createdAt)}</td>
                <td className="py-2">
                  {m.status === "SENT" ? formatUtc(m.sentAt!) : m.status === "SKIPPED" ? `Not sent: ${m.lastError ?? ""}` : `Waiting${m.attempts ? ` (${m.attempts} tries; ${m.lastError ?? ""})` : ""}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
