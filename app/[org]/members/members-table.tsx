"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc";
import { ORG_ROLES as roles } from "@/server/trpc/permissions";

const roleLabel = (r: string) => r.charAt(0) + r.slice(1).toLowerCase();

export function MembersTable({ orgSlug, canManage, myUserId, myRole }: { orgSlug: string; canManage: boolean; myUserId: string; myRole: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.orgs.listMembers.queryOptions({ orgSlug }));
  const changeRole = useMutation(
    trpc.orgs.changeMemberRole.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.orgs.listMembers.queryFilter({ orgSlug })),
    }),
  );

  const remove = useMutation(
    trpc.orgs.removeMember.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.orgs.listMembers.queryFilter({ orgSlug })),
    }),
  );

  if (members.isPending) return <p className="text-ink-muted">Loading members…</p>;
  if (members.isError) return <p role="alert" className="text-danger">{members.error.message}</p>;

  return (
    <div className="card overflow-x-auto p-0">
      {(changeRole.error ?? remove.error) && (
        <p role="alert" className="m-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">{(changeRole.error ?? remove.error)!.message}</p>
      )}
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Members of this organization</caption>
        <thead className="border-b border-surface-line text-ink-muted">
          <tr>
            <th scope="col" className="px-4 py-3 font-medium">Name</th>
            <th scope="col" className="px-4 py-3 font-medium">Email</th>
            <th scope="col" className="px-4 py-3 font-medium">Role</th>
            {canManage && <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Remove</span></th>}
          </tr>
        </thead>
        <tbody>
          {members.data.map((m) => (
            <tr key={m.membershipId} className="border-b border-surface-line last:border-0">
              <td className="px-4 py-3">{m.name}</td>
              <td className="px-4 py-3">{m.email}</td>
              <td className="px-4 py-3">
                {canManage && m.userId !== myUserId ? (
                  <label>
                    <span className="sr-only">Role of {m.email}</span>
                    <select
                      className="field w-auto py-1"
                      value={m.role}
                      disabled={changeRole.isPending}
                      onChange={(e) =>
                        changeRole.mutate({ orgSlug, membershipId: m.membershipId, role: e.target.value as (typeof roles)[number] })
                      }
                    >
                      {roles.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
                    </select>
                  </label>
                ) : (
                  roleLabel(m.role)
                )}
              </td>
              {canManage && (
                <td className="px-4 py-3 text-right">
                  {m.userId !== myUserId && (m.role !== "OWNER" || myRole === "OWNER") && (
                    <button
                      type="button"
                      className="btn-secondary py-1"
                      disabled={remove.isPending}
                      aria-label={`Remove ${m.email}`}
                      onClick={() => {
                        if (window.confirm(`Remove ${m.email} from this organization? They lose access at once.`)) remove.mutate({ orgSlug, membershipId: m.membershipId });
                      }}
                    >
                      Remove
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
