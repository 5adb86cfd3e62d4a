"use client";

import { useId, type FormEvent } from "react";
import type { Credentials } from "@/server/connections/schemas";
import { useFocusOnMount } from "./dialog";
import { variantLabel, type Variant } from "./format";
import { VariantBadge } from "./variant-badge";

export type { Credentials };

/**
 * The bank's username and password, for a first link or for Update Login. They go to the
 * aggregator and nowhere else: the form keeps nothing once submitted.
 */
export function CredentialsForm({
  institution,
  mode,
  headingId,
  pending,
  error,
  onSubmit,
  onBack,
}: {
  institution: { name: string; variant: Variant; loginUrl: string };
  mode: "link" | "update";
  headingId: string;
  pending: boolean;
  error: string | null;
  onSubmit: (credentials: Credentials) => void;
  onBack?: () => void;
}) {
  const usernameRef = useFocusOnMount<HTMLInputElement>();
  const usernameId = useId();
  const passwordId = useId();
  const errorId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSubmit({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-busy={pending}>
      <div className="space-y-1">
        <h2 id={headingId} className="text-xl font-semibold">
          {mode === "link" ? `Sign in to ${institution.name}` : `Update Login for ${institution.name}`}
        </h2>
        <p className="flex flex-wrap items-center gap-2 text-sm text-ink-muted">
          <VariantBadge variant={institution.variant} />
          <span>
            {variantLabel(institution.variant)} online banking at{" "}
            <span className="font-medium text-ink">{institution.loginUrl}</span>
          </span>
        </p>
        <p className="text-sm text-ink-muted">
          {mode === "link"
            ? "Enter the username and password you use at that address. Bankline passes them to its aggregator " +
              "and never stores them."
            : "Enter the username and password that work at the bank's site today. " +
              "The same connection is updated; nothing is added."}
        </p>
      </div>
      <div>
        <label htmlFor={usernameId} className="label">
          Username
        </label>
        <input
          ref={usernameRef}
          id={usernameId}
          name="username"
          className="field"
          autoComplete="off"
          required
          aria-describedby={error ? errorId : undefined}
        />
      </div>
      <div>
        <label htmlFor={passwordId} className="label">
          Password
        </label>
        <input id={passwordId} name="password" type="password" className="field" autoComplete="new-password" required />
      </div>
      {error && (
        <p id={errorId} role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      {pending && (
        <p role="status" className="text-sm text-ink-muted">
          Signing in to the bank…
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={pending}>
          {mode === "link" ? "Connect" : "Save login"}
        </button>
        {onBack && (
          <button type="button" className="btn-secondary" onClick={onBack} disabled={pending}>
            Choose another institution
          </button>
        )}
      </div>
    </form>
  );
}
