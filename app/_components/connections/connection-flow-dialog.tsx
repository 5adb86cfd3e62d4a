"use client";

import { lazy, Suspense, useId } from "react";
import { connectionTitleId } from "./connection-card";
import type { OpenFlow } from "./connection-flow";
import { Dialog, DialogLoading } from "./dialog";
import type { Abilities, LinkStyle } from "./types";

// The steps come with the first opening: a visit that never opens the dialog never loads them.
const FlowBody = lazy(() => import("./connection-flow").then((m) => ({ default: m.FlowBody })));

export function ConnectionFlow({
  orgSlug,
  flow,
  abilities,
  providerLinkStyle,
  onClose,
}: {
  orgSlug: string;
  /** Null while closed. */
  flow: OpenFlow | null;
  abilities: Abilities;
  /** HOSTED: Add institution opens the provider's Connect page at once (it has its own search). */
  providerLinkStyle: LinkStyle;
  onClose: () => void;
}) {
  const headingId = useId();
  return (
    <Dialog
      open={!!flow}
      onClose={onClose}
      labelledBy={headingId}
      wide
      fallbackFocusId={flow && flow.start.mode !== "link" ? connectionTitleId(flow.start.connection.id) : undefined}
    >
      {flow && (
        <Suspense fallback={<DialogLoading />}>
          <FlowBody
            key={flow.key}
            orgSlug={orgSlug}
            start={flow.start}
            abilities={abilities}
            providerLinkStyle={providerLinkStyle}
            headingId={headingId}
            onClose={onClose}
          />
        </Suspense>
      )}
    </Dialog>
  );
}
