"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { ConnectionCard } from "./connection-card";
import type { FlowStart, OpenFlow } from "./connection-flow";
import { ConnectionFlow } from "./connection-flow-dialog";
import { NOTICES_POLL_MS } from "./notices-indicator";
import { RemoveDialog } from "./remove-dialog";
import { TimeAgo } from "./time-ago";
import type { Abilities, ConnectionView, LinkStyle, Notice } from "./types";

/** While something aggregates the page follows it closely; otherwise it still catches up on its own. */
const AGGREGATING_POLL_MS = 2000;

export function ManageInstitutions({
  orgSlug,
  abilities,
  providerLinkStyle,
}: {
  orgSlug: string;
  abilities: Abilities;
  /** The aggregator's link style: HOSTED opens its Connect page for Add institution. */
  providerLinkStyle: LinkStyle;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const connections = useQuery({
    ...trpc.connections.list.queryOptions({ orgSlug }),
    refetchInterval: (query) =>
      query.state.data?.some((c) => c.status === "AGGREGATING") ? AGGREGATING_POLL_MS : NOTICES_POLL_MS,
  });
  const notices = useQuery({ ...trpc.connections.notices.queryOptions({ orgSlug }), refetchInterval: NOTICES_POLL_MS });
  const [flow, setFlow] = useState<OpenFlow | null>(null);
  const [removing, setRemoving] = useState<ConnectionView | null>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const flowKey = useRef(0);

  const refreshPage = () => queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
  const remove = useMutation(trpc.connections.remove.mutationOptions({ onSettled: refreshPage }));

  // Statuses change under the page (webhooks, other people): notices follow them.
  const statusSignature = connections.data?.map((c) => `${c.id}:${c.status}:${c.lastStatusCode}`).join(",");
  useEffect(() => {
    if (statusSignature !== undefined)
      void queryClient.invalidateQueries(trpc.connections.notices.queryFilter({ orgSlug }));
  }, [statusSignature, queryClient, trpc, orgSlug]);

  function openFlow(start: FlowStart) {
    flowKey.current += 1;
    setAnnouncement(null);
    setFlow({ start, key: flowKey.current });
  }

  function confirmRemove() {
    if (!removing) return;
    const name = removing.institution.name;
    remove.mutate(
      { orgSlug, connectionId: removing.id },
      {
        onSuccess: () => {
          setRemoving(null);
          setAnnouncement(`${name} was removed. Transactions already imported stay in your register.`);
        },
      },
    );
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="page-title" tabIndex={-1} className="text-2xl font-semibold">
          Manage Institutions
        </h1>
        {abilities.manage && (
          <button type="button" className="btn-primary" onClick={() => openFlow({ mode: "link" })}>
            Add institution
          </button>
        )}
      </div>
      <p className="text-sm text-ink-muted">
        {abilities.manage
          ? "Your bank and credit-card logins, what each one needs, and the accounts they bring in."
          : abilities.retrieve
            ? "Your organization's bank logins. You can retrieve transactions and answer security questions; " +
              "owners and admins link, update and remove banks."
            : "Your organization's bank logins. You can look; owners, admins and members act on them."}
      </p>
      <KnownIssuesBanner connections={connections.data} />
      {announcement && (
        <p role="status" className="rounded-md border border-ok/30 bg-ok-soft px-4 py-3 text-sm">
          {announcement}
        </p>
      )}

      <NoticesSection notices={notices.data} />

      <section aria-labelledby="connections-title" className="space-y-4">
        <h2 id="connections-title" className="text-lg font-semibold">
          Bank connections
        </h2>
        {connections.isPending ? (
          <p role="status" className="text-ink-muted">
            Loading your bank connections…
          </p>
        ) : connections.isError ? (
          <p role="alert" className="text-danger">
            {connections.error.message}
          </p>
        ) : connections.data.length === 0 ? (
          <div className="card text-center">
            <p className="font-medium">No bank connections yet.</p>
            <p className="text-sm text-ink-muted">
              {abilities.manage
                ? "Choose Add institution to link your first bank or credit card."
                : "An owner or admin of your organization links banks."}
            </p>
          </div>
        ) : (
          connections.data.map((c) => (
            <ConnectionCard
              key={c.id}
              orgSlug={orgSlug}
              connection={c}
              abilities={abilities}
              onOpenFlow={openFlow}
              onRemove={setRemoving}
            />
          ))
        )}
      </section>

      <ConnectionFlow
        orgSlug={orgSlug}
        flow={flow}
        abilities={abilities}
        providerLinkStyle={providerLinkStyle}
        onClose={() => setFlow(null)}
      />
      <RemoveDialog
        connection={removing}
        pending={remove.isPending}
        error={remove.isError ? remove.error.message : null}
        onConfirm={confirmRemove}
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
      />
    </div>
  );
}

/**
 * Banks failing for many customers at once (a known issue the worker detects) where this
 * organization has a connection.
 */
function KnownIssuesBanner({ connections }: { connections: ConnectionView[] | undefined }) {
  const names = [...new Set(connections?.filter((c) => c.institution.knownIssue).map((c) => c.institution.name))];
  if (names.length === 0) return null;
  const one = names.length === 1;
  return (
    <div role="status" className="rounded-md border border-brand-100 bg-brand-50 px-4 py-3 text-sm">
      <p className="font-semibold">
        {one ? "Known issue at " : "Known issues at "}
        {new Intl.ListFormat("en-US", { type: "conjunction" }).format(names)}
      </p>
      <p>
        {one ? "This bank is" : "These banks are"} failing for many customers right now, not just for you. Nothing is
        needed from you: Bankline keeps retrying and catches up by itself once the bank is back.
      </p>
    </div>
  );
}

function NoticesSection({ notices }: { notices: Notice[] | undefined }) {
  return (
    <section id="notices" aria-labelledby="notices-title" className="space-y-2">
      <h2 id="notices-title" className="text-lg font-semibold">
        Open notices
      </h2>
      {!notices ? null : notices.length === 0 ? (
        <p className="text-sm text-ink-muted">No open notices: nothing needs you right now.</p>
      ) : (
        <ul className="space-y-2">
          {notices.map((n) => (
            <li key={n.id} className="rounded-md border border-danger/30 bg-surface px-4 py-3 text-sm wrap-anywhere">
              <p className="font-semibold">
                {n.connectionId ? (
                  <a href={`#connection-${n.connectionId}`} className="underline">
                    {n.title}
                  </a>
                ) : (
                  n.title
                )}
              </p>
              <p>{n.body}</p>
              <p className="text-xs text-ink-muted">
                Since <TimeAgo date={n.createdAt} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
