"use client";

import { useEffect, useLayoutEffect, useRef, type ReactNode } from "react";

/**
 * A modal on the native <dialog>: the browser keeps focus inside it, makes the page behind
 * inert and closes it on Escape. Focus goes back to what opened it or, when that is gone
 * (an alert's link once the alert is resolved), to `fallbackFocusId`, else to the page title.
 */
export function Dialog({
  open,
  onClose,
  labelledBy,
  children,
  wide = false,
  fallbackFocusId,
}: {
  open: boolean;
  onClose: () => void;
  labelledBy: string;
  children: ReactNode;
  wide?: boolean;
  fallbackFocusId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  // Kept from while the dialog was open: by the time it closes, its owner has let go of what it showed.
  const fallback = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (open) fallback.current = fallbackFocusId;
  }, [open, fallbackFocusId]);

  // Before the children's effects, so a step that focuses its first field wins over the
  // browser's own choice when the dialog opens.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  function restoreFocus() {
    const target = opener.current;
    opener.current = null;
    if (target?.isConnected) target.focus();
    else
      (
        (fallback.current && document.getElementById(fallback.current)) ||
        document.getElementById("page-title")
      )?.focus();
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={restoreFocus}
      className={
        `m-auto w-[calc(100%-2rem)] ${wide ? "max-w-3xl" : "max-w-lg"} ` +
        "rounded-card border border-surface-line bg-surface p-0 text-ink shadow-xl backdrop:bg-ink/40"
      }
    >
      {open && (
        <div className="relative max-h-[85vh] overflow-y-auto p-6">
          {children}
          <button
            type="button"
            aria-label="Close"
            title="Close (Escape)"
            onClick={onClose}
            className="absolute right-3 top-3 rounded-md p-1.5 text-ink-muted hover:bg-surface-sunken hover:text-ink"
          >
            <svg
              aria-hidden="true"
              focusable="false"
              viewBox="0 0 20 20"
              className="h-5 w-5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.8"
              strokeLinecap="round"
            >
              <path d="M5 5l10 10M15 5L5 15" />
            </svg>
          </button>
        </div>
      )}
    </dialog>
  );
}

/** What a dialog shows while its steps load on its first opening (a Suspense fallback). */
export function DialogLoading() {
  return (
    <p role="status" className="pr-8 text-ink-muted">
      Loading…
    </p>
  );
}

/** Moves focus to the element when it appears: a step's first field or, failing that, its heading. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
