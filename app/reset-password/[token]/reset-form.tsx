"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { FormError } from "../../_components/people/public-card";
import { NewPasswordFields, readNewPassword } from "../../_components/people/new-password-fields";

export function ResetForm({ token, email }: { token: string; email: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = readNewPassword(new FormData(event.currentTarget), setError);
    if (!password) return;
    reset.mutate(
      { token, password },
      { onSuccess: () => router.replace("/sign-in?note=password-reset"), onError: (e) => setError(e.message) },
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <NewPasswordFields />
      <FormError message={error} />
      <button type="submit" className="btn-primary w-full" disabled={reset.isPending}>
        {reset.isPending ? "Saving…" : "Save the new password"}
      </button>
    </form>
  );
}
