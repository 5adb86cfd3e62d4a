"use client";

import { useId } from "react";
import { Dialog, useFocusOnMount } from "@/app/_components/connections/dialog";

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
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="pr-8 text-xl font-semibold">Keyboard shortcuts</h2>
      <p className="text-sm text-ink-muted">
        Tab to the list of transactions (or click a row), then use these keys. After an action the focus stays where you were, on the next transaction.
      </p>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Keys of the bank feed</caption>
        <thead className="border-b border-surface-line text-ink-muted">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Key</th>
            <th scope="col" className="py-2 font-medium">What it does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.filter((s) => canWrite || !s.write).map((s) => (
            <tr key={s.what} className="border-b border-surface-line last:border-0">
              <td className="py-2 pr-4">
                {s.keys.map((key, at) => (
                  <span key={key}>
                    {at > 0 && " or "}
                    <kbd className="rounded border border-surface-line bg-surface-sunken px-1.5 py-0.5 font-mono text-xs">{key}</kbd>
                  </span>
                ))}
              </td>
              <td className="py-2">{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn-primary" onClick={onClose}>Close</button>
    </div>
  );
}
