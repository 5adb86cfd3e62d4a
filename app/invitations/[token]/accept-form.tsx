"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { signInWithPassword } from "@/app/_lib/auth-requests";
import { useTRPC } from "@/app/_lib/trpc";
import { FormError } from "../../_components/people/public-card";
import { NewPasswordFields, readNewPassword } from "../../_components/people/new-password-fields";

export function AcceptForm({ token, email, hasAccount }: { token: string; email: string; hasAccount: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const accept = useMutation(trpc.auth.acceptInvitation.mutationOptions());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (hasAccount) {
      accept.mutate(
        { token },
        {
          onSuccess: (r) =>
            router.replace(
              `/sign-in?note=invitation-accepted&callbackUrl=${encodeURIComponent(`/${r.orgSlug}/institutions`)}`,
            ),
          onError: (e) => setError(e.message),
        },
      );
      return;
    }
    const form = new FormData(event.currentTarget);
    const password = readNewPassword(form, setError);
    if (!password) return;
    accept.mutate(
      { token, name: String(form.get("name") ?? ""), password },
      {
        onError: (e) => setError(e.message),
        onSuccess: async (r) => {
          setSigningIn(true);
          await signInWithPassword(email, password);
          router.replace(`/${r.orgSlug}/institutions`);
          router.refresh();
        },
      },
    );
  }

  if (hasAccount) {
    return (
      <form onSubmit={onSubmit} className="space-y-4">
        <p className="text-sm">You already have a Bankline account: accepting adds this organization to it.</p>
        <FormError message={error} />
        <button type="submit" className="btn-primary w-full" disabled={accept.isPending}>
          Accept the invitation
        </button>
      </form>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <div>
        <label htmlFor="name" className="label">
          Your name
        </label>
        <input id="name" name="name" autoComplete="name" required maxLength={120} className="field" />
      </div>
      <NewPasswordFields label="Choose a password" />
      <FormError message={error} />
      <button type="submit" className="btn-primary w-full" disabled={accept.isPending || signingIn}>
        {accept.isPending || signingIn ? "Joining…" : "Accept and join"}
      </button>
    </form>
  );
}
