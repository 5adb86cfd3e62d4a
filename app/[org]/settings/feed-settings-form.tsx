"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/app/_lib/trpc";

/** The bank feed's settings: for now, hiding sure duplicates at retrieval. */
export function FeedSettingsForm({ orgSlug, canManage }: { orgSlug: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.feed.settings.queryOptions({ orgSlug }));
  // What the person ticked, until saved; else what is stored.
  const [draft, setDraft] = useState<boolean | null>(null);
  const autoHide = draft ?? settings.data?.autoHideSureDuplicates ?? null;
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation(
    trpc.feed.updateSettings.mutationOptions({
      onSuccess: (result) => {
        queryClient.setQueryData(trpc.feed.settings.queryKey({ orgSlug }), result);
        setDraft(null);
        setSaved(
          result.autoHideSureDuplicates
            ? "Saved. From the next retrieval, sure duplicates are hidden automatically."
            : "Saved. Every possible duplicate waits for your review again.",
        );
      },
    }),
  );
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!canManage || autoHide === null || save.isPending || settings.data?.autoHideSureDuplicates === autoHide) return;
    setSaved(null);
    save.mutate({ orgSlug, autoHideSureDuplicates: autoHide });
  }

  const unchanged = settings.data?.autoHideSureDuplicates === autoHide;
  return (
    <form aria-labelledby="feed-settings-title" onSubmit={onSubmit} className="card space-y-4">
      <h2 id="feed-settings-title" className="text-lg font-semibold">
        Bank feed
      </h2>
      {settings.isError ? (
        <p role="alert" className="text-danger">
          {settings.error.message}
        </p>
      ) : autoHide === null ? (
        <p className="text-ink-muted">Loading…</p>
      ) : (
        <>
          <div className="flex items-start gap-3">
            <input
              id="auto-hide-sure-duplicates"
              type="checkbox"
              className="mt-1"
              checked={autoHide}
              disabled={!canManage}
              aria-describedby="auto-hide-sure-duplicates-help"
              onChange={(e) => {
                setDraft(e.target.checked);
                setSaved(null);
              }}
            />
            <div className="space-y-1">
              <label htmlFor="auto-hide-sure-duplicates" className="font-medium">
                Hide sure duplicates automatically
              </label>
              <div id="auto-hide-sure-duplicates-help" className="space-y-1 text-sm text-ink-muted">
                <p>
                  When a retrieval brings a transaction that is surely in your books already — the bank&apos;s own id
                  for it was seen before, or the duplicate check is sure (state Duplicate) — it goes straight to Show
                  hidden instead of waiting for review. Possible duplicates the check is less sure of still wait for
                  you.
                </p>
                <p>
                  Each one is listed under Show hidden with what it matches and why; Un-hide, or Un-hide all for that
                  retrieval, brings it back. Off unless you turn it on.
                </p>
              </div>
            </div>
          </div>
          {canManage ? (
            <div className="flex flex-wrap items-center gap-3">
              <button type="submit" className="btn-primary" aria-disabled={save.isPending || unchanged || undefined}>
                Save
              </button>
              <div role="status" className="text-sm">
                {saved && <span className="text-ok">{saved}</span>}
              </div>
            </div>
          ) : (
            <p className="text-sm text-ink-muted">Only owners and admins change this.</p>
          )}
          {save.isError && (
            <p role="alert" className="text-sm text-danger">
              {save.error.message}
            </p>
          )}
        </>
      )}
    </form>
  );
}
