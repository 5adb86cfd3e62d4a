"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import type { FormEvent } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { FormError } from "../../_components/people/public-card";

export function ForgotForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    request.mutate({ email: String(new FormData(event.currentTarget).get("email") ?? "") });
  }
  if (request.isSuccess) {
    return (
      <div className="space-y-4">
        <p role="status" className="rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-700">
          If that email has a Bankline account, a link to reset its password is on its way. Check your inbox.
        </p>
        <Link href="/sign-in" className="text-sm text-brand-600 underline">
          Back to sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <div>
        <label htmlFor="email" className="label">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required className="field" />
      </div>
      <FormError
        message={request.error?.data?.zodError ? "Enter a valid email address." : (request.error?.message ?? null)}
      />
      <button type="submit" className="btn-primary w-full" disabled={request.isPending}>
        {request.isPending ? "Sending…" : "Send the link"}
      </button>
      <Link href="/sign-in" className="block text-sm text-brand-600 underline">
        Back to sign in
      </Link>
    </form>
  );
}
