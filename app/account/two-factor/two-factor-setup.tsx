"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { FormError } from "../../_components/people/public-card";

export function TwoFactorSetup({ next }: { next: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.me.twoFactor.queryOptions());
  const start = useMutation(trpc.me.startTwoFactor.mutationOptions());
  const confirm = useMutation(
    trpc.me.confirmTwoFactor.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.me.twoFactor.queryFilter()),
    }),
  );
  const router = useRouter();
  const disable = useMutation(
    trpc.me.disableTwoFactor.mutationOptions({
      onSuccess: () => (router.replace("/sign-in?note=two-factor-reset"), router.refresh()),
    }),
  );
  const [error, setError] = useState<string | null>(null);

  if (confirm.data) {
    return (
      <section aria-labelledby="codes-title" className="card space-y-3">
        <h2 id="codes-title" className="text-lg font-semibold">
          Two-factor sign-in is on
        </h2>
        <p className="text-sm">
          Keep these recovery codes somewhere safe. Each works once if you lose your authenticator; they are not shown
          again.
        </p>
        <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-2 font-mono text-sm">
          {confirm.data.recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <Link href={next ?? "/account"} className="btn-primary inline-block">
          {next === "/admin" ? "Open the support console" : "Continue"}
        </Link>
      </section>
    );
  }
  if (!status.data) return <p className="text-ink-muted">Loading…</p>;

  if (status.data.enabled) {
    const required = status.data.requiredBy.length > 0;
    return (
      <section className="card space-y-3 text-sm">
        <p>
          {`Two-factor sign-in is on since ${status.data.enabledAt?.toLocaleDateString() ?? ""}. ` +
            `${status.data.recoveryCodesLeft} recovery codes are left.`}
        </p>
        {required ? (
          <p className="text-ink-muted">
            Required by {status.data.requiredBy.join(", ")}: it cannot be turned off here. If you lose your
            authenticator, use a recovery code or ask Bankline support.
          </p>
        ) : (
          <form
            className="max-w-sm space-y-3"
            onSubmit={(e: FormEvent<HTMLFormElement>) => {
              e.preventDefault();
              disable.mutate(
                { password: String(new FormData(e.currentTarget).get("password") ?? "") },
                { onError: (err) => setError(err.message) },
              );
            }}
          >
            <label htmlFor="tf-password" className="label">
              Your password, to turn it off
            </label>
            <input
              id="tf-password"
              name="password"
              type="password"
              autoComplete="current-password"
              className="field"
              required
            />
            <FormError message={error} />
            <button type="submit" className="btn-danger">
              Turn off two-factor sign-in
            </button>
          </form>
        )}
      </section>
    );
  }

  if (!start.data) {
    return (
      <section className="card space-y-3 text-sm">
        <p>
          With two-factor sign-in, signing in asks for your password and a 6-digit code from an authenticator app on
          your phone (any TOTP app).
        </p>
        <button type="button" className="btn-primary" onClick={() => start.mutate()} disabled={start.isPending}>
          Set up two-factor sign-in
        </button>
        <FormError message={start.error?.message ?? null} />
      </section>
    );
  }

  function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    confirm.mutate(
      { code: String(new FormData(event.currentTarget).get("code") ?? "") },
      { onError: (e) => setError(e.message) },
    );
  }
  return (
    <section aria-labelledby="setup-title" className="card space-y-4 text-sm">
      <h2 id="setup-title" className="text-lg font-semibold">
        1. Add Bankline to your authenticator
      </h2>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server */}
      <img src={start.data.qrCode} width={220} height={220} alt="QR code to scan with your authenticator app" />
      <p>
        Or type this key:{" "}
        <code aria-label="Setup key" className="rounded bg-surface-sunken px-2 py-1 font-mono">
          {start.data.secret}
        </code>
      </p>
      <h2 className="text-lg font-semibold">2. Enter the code it shows</h2>
      <form onSubmit={onConfirm} className="max-w-sm space-y-3" noValidate>
        <label htmlFor="confirm-code" className="label">
          Authentication code
        </label>
        <input
          id="confirm-code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          className="field"
          required
        />
        <FormError message={error} />
        <button type="submit" className="btn-primary" disabled={confirm.isPending}>
          Turn on
        </button>
      </form>
    </section>
  );
}
