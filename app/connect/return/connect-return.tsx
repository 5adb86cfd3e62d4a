"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { CONNECT_RETURN_MESSAGE } from "@/app/_components/connections/hosted-connect";
import { useTRPC } from "@/app/_lib/trpc";
import type { ReturnEnding } from "@/server/connections/schemas";

export function ConnectReturn({
  orgSlug,
  sessionId,
  ending,
}: {
  orgSlug: string | null;
  sessionId: string | null;
  ending: ReturnEnding;
}) {
  const trpc = useTRPC();
  const { mutate: settle, isPending } = useMutation(trpc.connections.connectReturned.mutationOptions());

  useEffect(() => {
    if (!sessionId) return;
    const message = { type: CONNECT_RETURN_MESSAGE, sessionId, ending };
    const opener = window.opener as Window | null;
    if (opener && !opener.closed) {
      opener.postMessage(message, window.location.origin);
      window.close();
    } else if (window.parent !== window) {
      window.parent.postMessage(message, window.location.origin);
    } else if (orgSlug) {
      // Opened in a tab of its own: no Bankline window is waiting, so this page settles the session.
      settle({ orgSlug, sessionId, ending });
    }
  }, [orgSlug, sessionId, ending, settle]);

  return (
    <main className="mx-auto max-w-md space-y-3 p-6 text-center">
      <h1 className="text-xl font-semibold">
        {ending === "cancelled" ? "You left the secure page" : "Done on the secure page"}
      </h1>
      <p role="status">
        {isPending ? "Bankline is reading what changed…" : "Bankline is up to date. You can continue in Bankline."}
      </p>
      {orgSlug && (
        <p>
          <Link href={`/${orgSlug}/institutions`} target="_top" className="font-medium text-brand-700 underline">
            Go to Manage Institutions
          </Link>
        </p>
      )}
    </main>
  );
}
