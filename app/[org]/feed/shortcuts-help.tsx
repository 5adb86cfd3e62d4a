"use client";

import { useId } from "react";
import { Dialog, useFocusOnMount } from "@/app/_components/connections/dialog";
import { DataTable, type Column } from "@/app/_components/data-table";

/** The keys of the feed's table, one source for the help and the handler's documentation. */
export const SHORTCUTS: { keys: string[]; what: string; write?: true }[] = [
  { keys: ["j", "↓"], what: "Next transaction" },
  { keys: ["k", "↑"], what: "Previous transaction" },
  { keys: ["Home", "End"], what: "First or last transaction of the page" },
  { keys: ["h"], what: "Hide the transaction", write: true },
  { keys: ["i"], what: "Import the transaction (a possible duplicate asks first)", write: true },
  { keys: ["n"], what: "Not a duplicate: clear the flag", write: true },
  { keys: ["u"], what: "Un-hide (under Show hidden)", write: true },
  { keys: ["x"], what: "Select or unselect the transaction", write: true },
  { keys: ["?"], what: "Show these shortcuts" },
];

const keyCap = "rounded border border-surface-line bg-surface-sunken px-1.5 py-0.5 font-mono text-xs";

const columns: Column<(typeof SHORTCUTS)[number]>[] = [
  {
    header: "Key",
    cell: (s) =>
      s.keys.map((key, at) => (
        <span key={key}>
          {at > 0 && " or "}
          <kbd className={keyCap}>{key}</kbd>
        </span>
      )),
  },
  { header: "What it does", cell: (s) => s.what },
];

export function ShortcutsHelp({ open, canWrite, onClose }: { open: boolean; canWrite: boolean; onClose: () => void }) {
  const headingId = useId();
  return (
    <Dialog open={open} onClose={onClose} labelledBy={headingId}>
      <Help headingId={headingId} canWrite={canWrite} onClose={onClose} />
    </Dialog>
  );
}

function Help({ headingId, canWrite, onClose }: { headingId: string; canWrite: boolean; onClose: () => void }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div className="space-y-4">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="pr-8 text-xl font-semibold">
        Keyboard shortcuts
      </h2>
      <p className="text-sm text-ink-muted">
        Tab to the list of transactions (or click a row), then use these keys. After an action the focus stays where you
        were, on the next transaction.
      </p>
      <DataTable
        caption="Keys of the bank feed"
        columns={columns}
        rows={SHORTCUTS.filter((s) => canWrite || !s.write)}
        rowKey={(s) => s.what}
      />
      <button type="button" className="btn-primary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
