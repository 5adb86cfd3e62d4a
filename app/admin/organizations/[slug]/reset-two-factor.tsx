"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/app/_lib/trpc";

/** For someone who lost their authenticator and their recovery codes: audited, ends their sessions. */
export function ResetTwoFactor({ userId, email }: { userId: string; email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const reset = useMutation(
    trpc.support.resetTwoFactor.mutationOptions({
      onSuccess: () => (setOpen(false), queryClient.invalidateQueries(trpc.support.organization.queryFilter())),
    }),
  );
  if (!open) {
    return (
      <button
        type="button"
        className="btn-secondary ml-2 py-1"
        onClick={() => setOpen(true)}
        aria-label={`Reset two-factor sign-in of ${email}`}
      >
        Reset
      </button>
    );
  }
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reset.mutate({ userId, reason: String(new FormData(event.currentTarget).get("reason") ?? "") });
  }
  return (
    <form onSubmit={onSubmit} className="mt-2 space-y-2">
      <label className="label" htmlFor={`reset-${userId}`}>
        Why (how you checked it is them)
      </label>
      <input id={`reset-${userId}`} name="reason" required minLength={5} maxLength={500} className="field" />
      {reset.error && (
        <p role="alert" className="text-danger">
          {reset.error.message}
        </p>
      )}
      <button type="submit" className="btn-danger py-1" disabled={reset.isPending}>
        Reset two-factor sign-in
      </button>{" "}
      <button type="button" className="btn-secondary py-1" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
