"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DataTable } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import { ORG_ROLES as roles } from "@/server/trpc/permissions";

const roleLabel = (r: string) => r.charAt(0) + r.slice(1).toLowerCase();

export function MembersTable({
  orgSlug,
  canManage,
  myUserId,
  myRole,
}: {
  orgSlug: string;
  canManage: boolean;
  myUserId: string;
  myRole: string;
}) {
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
  if (members.isError)
    return (
      <p role="alert" className="text-danger">
        {members.error.message}
      </p>
    );

  return (
    <div className="card p-0">
      {(changeRole.error ?? remove.error) && (
        <p role="alert" className="m-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {(changeRole.error ?? remove.error)!.message}
        </p>
      )}
      <DataTable
        caption="Members of this organization"
        inset
        rows={members.data}
        rowKey={(m) => m.membershipId}
        columns={[
          { header: "Name", cell: (m) => m.name },
          { header: "Email", cell: (m) => m.email },
          {
            header: "Role",
            cell: (m) =>
              canManage && m.userId !== myUserId ? (
                <label>
                  <span className="sr-only">Role of {m.email}</span>
                  <select
                    className="field w-auto py-1"
                    value={m.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => {
                      const role = e.target.value as (typeof roles)[number];
                      changeRole.mutate({ orgSlug, membershipId: m.membershipId, role });
                    }}
                  >
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {roleLabel(r)}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                roleLabel(m.role)
              ),
          },
          canManage && {
            header: "Remove",
            hideHeader: true,
            className: "text-right",
            cell: (m) =>
              m.userId !== myUserId &&
              (m.role !== "OWNER" || myRole === "OWNER") && (
                <button
                  type="button"
                  className="btn-secondary py-1"
                  disabled={remove.isPending}
                  aria-label={`Remove ${m.email}`}
                  onClick={() => {
                    const question = `Remove ${m.email} from this organization? They lose access at once.`;
                    if (window.confirm(question)) remove.mutate({ orgSlug, membershipId: m.membershipId });
                  }}
                >
                  Remove
                </button>
              ),
          },
        ]}
      />
    </div>
  );
}
