// Wording and formats shared by the console's pages. Times are shown in UTC, the clock the
// rate limits and the audit log speak.

import type { ConnectionEventKind, EventTrigger } from "@/server/connections/schemas";
import type { OutcomeCategory } from "@/server/support/schemas";

export { statusLabels, variantLabel } from "@/app/_components/connections/format";

const utc = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
  timeZone: "UTC",
});

export function formatUtc(date: Date | null | undefined): string {
  return date ? `${utc.format(date)} UTC` : "—";
}

const day = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
export const formatDay = (date: Date) => day.format(date);

export function formatDuration(ms: number | null): string {
  if (ms === null) return "running";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const kindLabels: Record<ConnectionEventKind, string> = {
  LINK: "Link",
  MFA_ANSWER: "Security answer",
  REFRESH: "Refresh",
  RETRIEVE: "Retrieve transactions",
  UPDATE_LOGIN: "Update login",
  FORCED_REFRESH: "Forced refresh",
  WEBHOOK: "Webhook",
  REMOVE: "Remove",
};

export const triggerLabels: Record<EventTrigger, string> = {
  CUSTOMER: "Customer",
  SUPPORT: "Support",
  SCHEDULE: "Schedule",
  WEBHOOK: "Webhook",
};

export const roleLabel = (role: string) => role.charAt(0) + role.slice(1).toLowerCase();

/** How outcomes are named and coloured on charts and in the timeline. */
export const categories = [
  { key: "success", label: "Succeeded", color: "#17794a" },
  { key: "provider", label: "Bank or provider side", color: "#b7791f" },
  { key: "customer", label: "Needs the customer", color: "#b42318" },
  { key: "other", label: "Other", color: "#5b6677" },
] as const satisfies readonly { key: OutcomeCategory; label: string; color: string }[];
export type CategoryKey = (typeof categories)[number]["key"];
