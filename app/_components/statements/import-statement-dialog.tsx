"use client";

import { lazy, Suspense, useState } from "react";
import { Dialog, DialogLoading } from "@/app/_components/connections/dialog";

// The steps (file reading, the CSV mapping, the preview) come with the first opening.
const ImportSteps = lazy(() => import("./import-statement").then((m) => ({ default: m.ImportSteps })));

/** Bank feed → Import statement: choose or drop a file, see what it holds, say where each account goes, import. */
export function ImportStatement({ orgSlug }: { orgSlug: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-secondary" onClick={() => setOpen(true)}>
        Import statement
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} labelledBy="import-statement-title" wide>
        {open && (
          <Suspense fallback={<DialogLoading />}>
            <ImportSteps orgSlug={orgSlug} onDone={() => setOpen(false)} />
          </Suspense>
        )}
      </Dialog>
    </>
  );
}
