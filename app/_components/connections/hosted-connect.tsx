"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { useFocusOnMount } from "./dialog";
import type { ConnectSessionView } from "./types";

// The hosted link style inside the dialog: the provider's secure page (in a frame when the
// provider allows it, else in a window of its own, always with a plain link as fallback)
// collects the credentials and answers; Bankline follows the session until the provider's
// event or the customer's return settles it.

/** What the customer is doing on the provider's page. */
export type HostedPurpose = "link" | "fix" | "answer";

/** The message the return page (app/connect/return) posts to the window that opened the provider's page. */
export const CONNECT_RETURN_MESSAGE = "bankline:connect-return";

const POLL_MS = 1500;

export function HostedConnect({
  orgSlug,
  purpose,
  institutionId,
  connectionId,
  institutionName,
  headingId,
  onSettled,
}: {
  orgSlug: string;
  purpose: HostedPurpose;
  institutionId: string | null;
  connectionId: string | null;
  institutionName: string | null;
  headingId: string;
  onSettled: (session: ConnectSessionView) => void;
}) {
  const trpc = useTRPC();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const connectLink = useMutation(trpc.connections.connectLink.mutationOptions());
  const connectFix = useMutation(trpc.connections.connectFix.mutationOptions());
  const connectAnswer = useMutation(trpc.connections.connectAnswer.mutationOptions());
  const returned = useMutation(trpc.connections.connectReturned.mutationOptions());
  const [opened, setOpened] = useState<{ sessionId: string; url: string; inFrame: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const open =
      purpose === "link"
        ? connectLink.mutateAsync({ orgSlug, institutionId })
        : purpose === "fix"
          ? connectFix.mutateAsync({ orgSlug, connectionId: connectionId! })
          : connectAnswer.mutateAsync({ orgSlug, connectionId: connectionId! });
    open.then(setOpened, (err: unknown) =>
      setError(err instanceof Error ? err.message : "The secure page could not be opened. Try again."),
    );
  }, [purpose, orgSlug, institutionId, connectionId, connectLink, connectFix, connectAnswer]);

  const session = useQuery({
    ...trpc.connections.connectSession.queryOptions({ orgSlug, sessionId: opened?.sessionId ?? "" }),
    enabled: !!opened,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data && query.state.data.status !== "OPEN" ? false : POLL_MS),
  });

  // The provider's page came back (the return page says so): settle now, without waiting for its event.
  const sessionId = opened?.sessionId ?? null;
  const settle = useRef(returned.mutateAsync);
  useEffect(() => {
    settle.current = returned.mutateAsync;
  });
  const report = useRef(onSettled);
  useEffect(() => {
    report.current = onSettled;
  });
  useEffect(() => {
    if (!sessionId) return;
    function onMessage(event: MessageEvent) {
      const data = event.data as { type?: string; sessionId?: string; ending?: string } | null;
      if (
        event.origin !== window.location.origin ||
        data?.type !== CONNECT_RETURN_MESSAGE ||
        data.sessionId !== sessionId
      )
        return;
      settle
        .current({ orgSlug, sessionId, ending: data.ending === "cancelled" ? "cancelled" : "completed" })
        .then((view) => view.status !== "OPEN" && report.current(view))
        .catch(() => {});
    }
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [sessionId, orgSlug]);

  const finished = session.data && session.data.status !== "OPEN" ? session.data : null;
  useEffect(() => {
    if (finished) report.current(finished);
  }, [finished]);

  const bank = institutionName ?? "your bank";
  const heading =
    purpose === "link"
      ? `Connect ${bank}`
      : purpose === "fix"
        ? `Update Login for ${bank}`
        : `Answer ${bank}'s security question`;
  return (
    <div className="space-y-4">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
        {heading}
      </h2>
      <p className="text-sm text-ink-muted">
        You sign in to {bank} on your aggregator&apos;s secure page. Bankline never sees your username, password or
        security answers.
      </p>
      {error && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      {!opened && !error && (
        <p role="status" className="text-sm text-ink-muted">
          Opening the secure page…
        </p>
      )}
      {opened && (
        <>
          {opened.inFrame ? (
            <iframe
              title="Secure bank connection"
              src={opened.url}
              className="h-[34rem] w-full rounded-md border border-surface-line bg-white"
            />
          ) : (
            <button
              type="button"
              className="btn-primary"
              onClick={() => window.open(opened.url, "bankline-connect", "popup,width=480,height=760")}
            >
              Open the secure page
            </button>
          )}
          <p className="text-sm">
            Trouble seeing it?{" "}
            <a href={opened.url} target="_blank" rel="noopener" className="font-medium text-brand-700 underline">
              Open the secure page in a new window
            </a>
            .
          </p>
          <p role="status" className="text-sm text-ink-muted">
            Waiting for you to finish on the secure page… this window updates by itself.
          </p>
        </>
      )}
    </div>
  );
}
