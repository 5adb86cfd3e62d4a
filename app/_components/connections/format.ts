// How Manage Institutions writes money, account numbers, statuses and times; the console says
// statuses and variants the same way.

import type { ConnectionStatus, InstitutionVariant as Variant } from "@/server/connections/schemas";

export type { ConnectionStatus, Variant };

export const statusLabels: Record<ConnectionStatus, string> = {
  ACTIVE: "Active",
  AGGREGATING: "Aggregating",
  ACTION_REQUIRED: "Action required",
  ERROR: "Error",
  REMOVED: "Removed",
};

export const statusLabel = (status: ConnectionStatus) => statusLabels[status];

/** The colours of a status badge. */
export const statusTone: Record<ConnectionStatus, string> = {
  ACTIVE: "bg-ok-soft text-ok",
  AGGREGATING: "bg-brand-50 text-brand-700",
  ACTION_REQUIRED: "bg-danger-soft text-danger",
  ERROR: "bg-warn-soft text-warn",
  REMOVED: "bg-surface-sunken text-ink-muted",
};

export const variantLabel = (variant: Variant) => (variant === "BUSINESS" ? "Business" : "Personal");

/** Integer cents in the account's currency: 123456 → $1,234.56. */
export function formatMoney(cents: number, currency = "USD"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}

export const maskedNumber = (mask: string) => `••••${mask}`;

/** The number read out for a masked account: "ending in 1234". */
export const spokenMask = (mask: string) => `ending in ${mask}`;

export function formatAbsolute(date: Date): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" }).format(date);
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 minutes ago", "in 5 minutes", "just now". */
export function formatRelative(date: Date, now: number): string {
  const diff = date.getTime() - now;
  if (Math.abs(diff) < 45_000) return diff > 0 ? "in less than a minute" : "just now";
  const rtf = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === "minute") return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(Math.round(diff / 60_000), "minute");
}

export function transactionsArrived(count: number): string {
  return `${count.toLocaleString("en-US")} new ${count === 1 ? "transaction" : "transactions"} arrived.`;
}
