import { isTransientCode } from "@/server/aggregator/status-codes";
import type { RefreshReason } from "@/server/db/generated/client";

/** What decides whether a ticket's refresh is still owed. */
export interface TicketState {
  reason: RefreshReason;
  runAfter: Date;
  /** When the ticket's cycle was planned; null for retries. */
  cycleCreatedAt: Date | null;
  connectionId: string | null;
  providerLoginId: string | null;
  status: string | null;
  lastSuccessAt: Date | null;
  lastStatusCode: number | null;
  nextRetryAt: Date | null;
}

/**
 * Why a ticket's refresh is not (or no longer) owed; null when it is. A nightly ticket is for
 * an active connection not refreshed since its cycle began; a retry ticket is for the very
 * transient failure whose nextRetryAt it was made for.
 */
export function reasonToSkip(t: TicketState): string | null {
  if (!t.connectionId || t.status === null || t.status === "REMOVED") return "the connection was removed";
  if (!t.providerLoginId) return "the connection has no aggregator login";
  if (t.status === "AGGREGATING") return "an aggregation is already running";
  if (t.reason === "NIGHTLY") {
    if (t.status !== "ACTIVE") return "the connection is not active";
    if (t.cycleCreatedAt && t.lastSuccessAt && t.lastSuccessAt >= t.cycleCreatedAt)
      return "already refreshed during this cycle";
    return null;
  }
  const due = t.nextRetryAt?.getTime() === t.runAfter.getTime();
  if (t.status !== "ERROR" || !due || t.lastStatusCode === null || !isTransientCode(t.lastStatusCode))
    return "the failure it was to retry is over";
  return null;
}
