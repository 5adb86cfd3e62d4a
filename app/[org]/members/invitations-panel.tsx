"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { DataTable } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import { ORG_ROLES as ROLES } from "@/server/trpc/permissions";

const roleLabel = (r: string) => r.charAt(0) + r.slice(1).toLowerCase();
const day = (d: Date) => d.toLocaleDateString([], { dateStyle: "medium" });

export function InvitationsPanel({ orgSlug, canInviteOwners }: { orgSlug: string; canInviteOwners: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.orgs.listInvitations.queryOptions({ orgSlug }));
  const refresh = () => queryClient.invalidateQueries(trpc.orgs.listInvitations.queryFilter({ orgSlug }));
  const invite = useMutation(trpc.orgs.invite.mutationOptions({ onSettled: refresh }));
  const resend = useMutation(trpc.orgs.resendInvitation.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.orgs.revokeInvitation.mutationOptions({ onSettled: refresh }));
  const [sentTo, setSentTo] = useState<string | null>(null);
  const error = invite.error ?? resend.error ?? revoke.error;

  function onInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const email = String(form.get("email") ?? "");
    invite.mutate(
      { orgSlug, email, role: form.get("role") as (typeof ROLES)[number] },
      { onSuccess: () => (setSentTo(email), formEl.reset()) },
    );
  }

  return (
    <section aria-labelledby="invite-title" className="card space-y-4">
      <h2 id="invite-title" className="text-lg font-semibold">
        Invite someone
      </h2>
      <form onSubmit={onInvite} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1">
          <label htmlFor="invite-email" className="label">
            Email
          </label>
          <input id="invite-email" name="email" type="email" required className="field" />
        </div>
        <div>
          <label htmlFor="invite-role" className="label">
            Role
          </label>
          <select id="invite-role" name="role" defaultValue="MEMBER" className="field w-auto">
            {ROLES.filter((r) => r !== "OWNER" || canInviteOwners).map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn-primary" disabled={invite.isPending}>
          {invite.isPending ? "Sending…" : "Send invitation"}
        </button>
      </form>
      {sentTo && !error && (
        <p role="status" className="text-sm">
          Invitation sent to {sentTo}. The link works once, for 7 days.
        </p>
      )}
      {error && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error.data?.zodError ? "Enter a valid email address." : error.message}
        </p>
      )}

      <h3 className="font-semibold">Pending invitations</h3>
      {invitations.data && (
        <DataTable
          caption="Pending invitations"
          rows={invitations.data}
          rowKey={(i) => i.id}
          empty="None."
          columns={[
            { header: "Email", cell: (i) => i.email },
            { header: "Role", cell: (i) => roleLabel(i.role) },
            { header: "Sent", cell: (i) => `${day(i.lastSentAt)}${i.invitedBy ? ` by ${i.invitedBy}` : ""}` },
            { header: "Link works until", cell: (i) => (i.expired ? "Expired" : day(i.expiresAt)) },
            {
              header: "Actions",
              hideHeader: true,
              className: "space-x-2 text-right",
              cell: (i) =>
                (
                  [
                    ["Resend", resend],
                    ["Revoke", revoke],
                  ] as const
                ).map(([verb, action]) => (
                  <button
                    key={verb}
                    type="button"
                    className="btn-secondary py-1"
                    aria-label={`${verb} the invitation to ${i.email}`}
                    onClick={() => action.mutate({ orgSlug, invitationId: i.id })}
                  >
                    {verb}
                  </button>
                )),
            },
          ]}
        />
      )}
    </section>
  );
}
