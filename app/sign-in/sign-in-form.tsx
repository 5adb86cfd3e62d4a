"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { signInWithPassword, signOut } from "@/app/_lib/auth-requests";
import { useTRPC, useTRPCClient } from "@/app/_lib/trpc";
import { FormError } from "../_components/people/public-card";

const LOCKED_OUT_PREFIX = "locked-until:";
const UNREACHABLE = "unreachable";

function describeError(error: string): string {
  if (error.startsWith(LOCKED_OUT_PREFIX)) {
    const until = new Date(error.slice(LOCKED_OUT_PREFIX.length));
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
    const time = until.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    return (
      `Too many failed sign-ins. For your security, wait ${wait} before trying again (until ${time}); each ` +
      `failure makes the wait longer.`
    );
  }
  if (error === UNREACHABLE) return "Bankline could not be reached. Check your connection and try again.";
  return "That email and password do not match. Check them and try again.";
}

export function SignInForm({ callbackUrl, codeStep: initialCodeStep }: { callbackUrl: string; codeStep: boolean }) {
  const router = useRouter();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [codeStep, setCodeStep] = useState(initialCodeStep);
  const verify = useMutation(trpc.auth.verifySignInCode.mutationOptions());

  const done = () => {
    router.replace(callbackUrl);
    router.refresh();
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const failure = await signInWithPassword(String(form.get("email") ?? ""), String(form.get("password") ?? "")).catch(
      () => UNREACHABLE,
    );
    if (failure) {
      setPending(false);
      setError(describeError(failure));
      return;
    }
    const state = await client.auth.signInState.query();
    setPending(false);
    if (state.state === "code-required") {
      setCodeStep(true);
      router.refresh();
    } else done();
  }

  async function onCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "");
    setError(null);
    verify.mutate({ code }, { onSuccess: done, onError: (e) => setError(e.message) });
  }

  if (codeStep) {
    return (
      <form onSubmit={onCode} className="space-y-4" noValidate>
        <p className="text-sm text-ink-muted">
          Enter the 6-digit code your authenticator app shows for Bankline, or one of your recovery codes.
        </p>
        <div>
          <label htmlFor="code" className="label">
            Authentication code
          </label>
          <input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            autoFocus
            className="field"
          />
        </div>
        <FormError message={error} />
        <button type="submit" className="btn-primary w-full" disabled={verify.isPending}>
          {verify.isPending ? "Checking…" : "Verify"}
        </button>
        <button type="button" className="btn-secondary w-full" onClick={() => void signOut("/sign-in")}>
          Cancel
        </button>
      </form>
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
      <div>
        <label htmlFor="password" className="label">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="field"
        />
      </div>
      <FormError message={error} />
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
