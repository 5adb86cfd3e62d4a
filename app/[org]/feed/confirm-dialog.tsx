"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { Dialog } from "@/app/_components/connections/dialog";

/**
 * A question before an action, on the native dialog. Focus starts on the safe answer
 * (`focus: "cancel"`) where a slip of Enter must not book anything, or on the action itself
 * where it is the safe one.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  confirmClass = "btn-primary",
  focus,
  busy,
  onConfirm,
  onCancel,
  fallbackFocusId,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmClass?: string;
  focus: "confirm" | "cancel";
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  fallbackFocusId?: string;
}) {
  const headingId = useId();
  return (
    <Dialog open={open} onClose={onCancel} labelledBy={headingId} fallbackFocusId={fallbackFocusId}>
      <Body
        headingId={headingId}
        title={title}
        confirmLabel={confirmLabel}
        confirmClass={confirmClass}
        focus={focus}
        busy={busy}
        onConfirm={onConfirm}
        onCancel={onCancel}
      >
        {children}
      </Body>
    </Dialog>
  );
}

function Body({
  headingId,
  title,
  children,
  confirmLabel,
  confirmClass,
  focus,
  busy,
  onConfirm,
  onCancel,
}: {
  headingId: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmClass: string;
  focus: "confirm" | "cancel";
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    (focus === "confirm" ? confirmRef : cancelRef).current?.focus();
  }, [focus]);
  return (
    <div className="space-y-4">
      <h2 id={headingId} className="pr-8 text-xl font-semibold">
        {title}
      </h2>
      <div className="space-y-2 text-sm">{children}</div>
      <div className="flex flex-wrap gap-2">
        {/* aria-disabled keeps the focus on the button while the action runs. */}
        <button
          ref={confirmRef}
          type="button"
          className={confirmClass}
          aria-disabled={busy || undefined}
          onClick={() => !busy && onConfirm()}
        >
          {confirmLabel}
        </button>
        <button ref={cancelRef} type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
