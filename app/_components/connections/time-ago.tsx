"use client";

import { formatAbsolute, formatRelative } from "./format";
import { useNow } from "./use-now";

/**
 * A moment shown both ways: "3 minutes ago (Nov 26, 2026, 10:04 AM)". The page clock
 * ticks every few seconds, so a moment of the past that is newer than the clock still
 * reads "just now".
 */
export function TimeAgo({ date, never = "Never", past = true }: { date: Date | null; never?: string; past?: boolean }) {
  const now = useNow();
  if (!date) return <span>{never}</span>;
  const absolute = formatAbsolute(date);
  const reference = past ? Math.max(now, date.getTime()) : now;
  return (
    <time dateTime={date.toISOString()}>{now > 0 ? `${formatRelative(date, reference)} (${absolute})` : absolute}</time>
  );
}
