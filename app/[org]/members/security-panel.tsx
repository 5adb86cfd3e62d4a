"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc";

export function SecurityPanel({ orgSlug, canChange }: { orgSlug: string; canChange: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const security = useQuery(trpc.orgs.security.queryOptions({ orgSlug }));
  const set = useMutation(
    trpc.orgs.setTwoFactorRequirement.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.orgs.security.queryFilter({ orgSlug })),
    }),
  );
  if (!security.data) return null;
  return (
    <section aria-labelledby="security-title" className="card space-y-2 text-sm">
      <h2 id="security-title" className="text-lg font-semibold">
        Sign-in security
      </h2>
      {canChange ? (
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={security.data.requireTwoFactor}
            disabled={set.isPending}
            onChange={(e) => set.mutate({ orgSlug, required: e.target.checked })}
          />
          Require two-factor sign-in of every member
        </label>
      ) : (
        <p>
          {security.data.requireTwoFactor
            ? "Every member signs in with two-factor sign-in."
            : "Two-factor sign-in is optional here."}
        </p>
      )}
      {set.error && (
        <p role="alert" className="text-danger">
          {set.error.message}
        </p>
      )}
    </section>
  );
}
