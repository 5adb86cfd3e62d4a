"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { DataTable } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_lib/trpc";
import { FormError } from "../_components/people/public-card";
import { NewPasswordFields, readNewPassword } from "../_components/people/new-password-fields";

const when = (d: Date) => d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

export function AccountSections() {
  return (
    <>
      <Sessions />
      <ChangePassword />
      <TwoFactorSummary />
      <EmailPreferences />
    </>
  );
}

function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.me.sessions.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.me.sessions.queryFilter());
  const endOne = useMutation(trpc.me.endSession.mutationOptions({ onSettled: refresh }));
  const endOthers = useMutation(trpc.me.endOtherSessions.mutationOptions({ onSettled: refresh }));
  return (
    <section aria-labelledby="sessions-title" className="card space-y-3">
      <h2 id="sessions-title" className="text-lg font-semibold">
        Where you are signed in
      </h2>
      {sessions.isPending && <p className="text-sm text-ink-muted">Loading…</p>}
      {sessions.data && (
        <DataTable
          caption="Your sessions"
          rows={sessions.data}
          rowKey={(s) => s.id}
          columns={[
            {
              header: "Browser",
              cell: (s) => (
                <>
                  {s.browser}
                  {s.current && (
                    <span className="ml-2 rounded-full bg-brand-50 px-2 text-xs text-brand-700">this browser</span>
                  )}
                </>
              ),
            },
            { header: "Address", cell: (s) => s.ipAddress ?? "unknown" },
            { header: "Last active", cell: (s) => when(s.lastActiveAt) },
            {
              header: "Actions",
              hideHeader: true,
              className: "text-right",
              cell: (s) =>
                !s.current && (
                  <button
                    type="button"
                    className="btn-secondary py-1"
                    onClick={() => endOne.mutate({ sessionId: s.id })}
                    aria-label={`Sign out ${s.browser} at ${s.ipAddress ?? "unknown"}`}
                  >
                    Sign out
                  </button>
                ),
            },
          ]}
        />
      )}
      <button type="button" className="btn-secondary" disabled={endOthers.isPending} onClick={() => endOthers.mutate()}>
        Sign out everywhere else
      </button>
      {endOthers.isSuccess && (
        <p role="status" className="text-sm">
          Signed out of {endOthers.data.ended} other session{endOthers.data.ended === 1 ? "" : "s"}.
        </p>
      )}
    </section>
  );
}

function ChangePassword() {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const change = useMutation(trpc.me.changePassword.mutationOptions());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const newPassword = readNewPassword(form, setError);
    if (!newPassword) return;
    change.mutate(
      { currentPassword: String(form.get("currentPassword") ?? ""), newPassword },
      { onSuccess: () => formEl.reset(), onError: (e) => setError(e.message) },
    );
  }
  return (
    <section aria-labelledby="password-title" className="card">
      <h2 id="password-title" className="mb-3 text-lg font-semibold">
        Change your password
      </h2>
      <form onSubmit={onSubmit} className="max-w-sm space-y-4" noValidate>
        <div>
          <label htmlFor="current-password" className="label">
            Current password
          </label>
          <input
            id="current-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            className="field"
          />
        </div>
        <NewPasswordFields />
        <FormError message={error} />
        {change.isSuccess && (
          <p role="status" className="text-sm">
            Password changed. Your other sessions were signed out.
          </p>
        )}
        <button type="submit" className="btn-primary" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}

function TwoFactorSummary() {
  const trpc = useTRPC();
  const status = useQuery(trpc.me.twoFactor.queryOptions());
  return (
    <section aria-labelledby="tf-title" className="card space-y-2">
      <h2 id="tf-title" className="text-lg font-semibold">
        Two-factor sign-in
      </h2>
      {status.data && (
        <p className="text-sm">
          {status.data.enabled ? `On, with ${status.data.recoveryCodesLeft} recovery codes left.` : "Off."}{" "}
          {status.data.requiredBy.length > 0 && `Required by ${status.data.requiredBy.join(", ")}.`}
        </p>
      )}
      <Link href="/account/two-factor" className="text-sm text-brand-600 underline">
        Manage two-factor sign-in
      </Link>
    </section>
  );
}

function EmailPreferences() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const prefs = useQuery(trpc.me.emailPreferences.queryOptions());
  const set = useMutation(
    trpc.me.setEmailPreference.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.me.emailPreferences.queryFilter()),
    }),
  );
  if (!prefs.data) return null;
  return (
    <section aria-labelledby="mail-title" className="card space-y-3">
      <h2 id="mail-title" className="text-lg font-semibold">
        Emails
      </h2>
      <p className="text-sm text-ink-muted">Invitations and password resets always come.</p>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={prefs.data["connection-problems"]}
          onChange={(e) => set.mutate({ kind: "connection-problems", wanted: e.target.checked })}
        />
        When a bank connection needs me (owners and admins), a reminder, and when it is fixed
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={prefs.data["weekly-summary"]}
          onChange={(e) => set.mutate({ kind: "weekly-summary", wanted: e.target.checked })}
        />
        A weekly summary of connections and the bank feed{prefs.data.ownsAnOrganization ? "" : " (sent to owners)"}
      </label>
    </section>
  );
}
