"use client";

import { useId } from "react";
import { Dialog, useFocusOnMount } from "./dialog";
import type { ConnectionView } from "./types";

/** The trash can's confirmation: what goes and what stays. */
export function RemoveDialog({
  connection,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  connection: ConnectionView | null;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const headingId = useId();
  return (
    <Dialog open={!!connection} onClose={onClose} labelledBy={headingId}>
      {connection && (
        <RemoveBody
          connection={connection}
          headingId={headingId}
          pending={pending}
          error={error}
          onConfirm={onConfirm}
          onClose={onClose}
        />
      )}
    </Dialog>
  );
}

function RemoveBody({
  connection,
  headingId,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  connection: ConnectionView;
  headingId: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const cancelRef = useFocusOnMount<HTMLButtonElement>();
  return (
    <div className="space-y-4">
      <h2 id={headingId} className="text-xl font-semibold">
        Remove {connection.institution.name}?
      </h2>
      <ul className="list-disc space-y-1 pl-5 text-sm">
        <li>Bankline stops retrieving from this login and removes it at the aggregator.</li>
        <li>
          <strong>Transactions already imported stay in your register.</strong> Nothing in your books changes.
        </li>
        <li>
          Transactions still waiting for review in the Bank feed for this connection are removed; transactions you hid
          stay hidden.
        </li>
        <li>
          If you add this bank again, transactions you already imported show as possible duplicates in the Bank feed.
        </li>
      </ul>
      {error && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className="btn-danger"
          aria-disabled={pending || undefined}
          onClick={() => !pending && onConfirm()}
        >
          {pending ? "Removing…" : "Remove"}
        </button>
        <button ref={cancelRef} type="button" className="btn-secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
