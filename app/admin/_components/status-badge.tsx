import { statusLabels, statusTone as tone, type ConnectionStatus } from "@/app/_components/connections/format";

export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span
      className={
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium " +
        (tone[status] ?? "bg-surface-sunken text-ink")
      }
    >
      {statusLabels[status] ?? status}
    </span>
  );
}

export function CodeBadge({ code, title }: { code: number | null; title?: string | null }) {
  if (code === null) return <span className="text-ink-muted">—</span>;
  const ok = code === 0;
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-2">
      <span
        className={
          "rounded px-1.5 py-0.5 font-mono text-xs font-semibold " +
          (ok ? "bg-ok-soft text-ok" : "bg-danger-soft text-danger")
        }
      >
        {code}
      </span>
      {title && <span>{title}</span>}
    </span>
  );
}
