import { randomUUID } from "node:crypto";
import { getAggregatorClient, type AggregatorClient } from "@/server/aggregator/client";
import type { SessionUser } from "@/server/auth/session";
import type { SessionMembership } from "@/server/auth/sessions";
import type { Db } from "@/server/db/client";
import { log as rootLog, type Logger } from "@/server/log";

/** What every procedure gets. Built from an HTTP request, or directly in tests and jobs. */
export interface Context {
  db: Db;
  user: SessionUser | null;
  /** A sign-in whose password was right and whose second factor is still owed (user is null then). */
  pendingSignIn: SessionUser | null;
  /** The user's memberships, read with the session; null when not read (callers in tests and jobs). */
  memberships: SessionMembership[] | null;
  ipAddress: string;
  requestId: string;
  log: Logger;
  /**
   * The provider client: the process-wide one unless a test gives its own. A getter, so that tests
   * and jobs that never reach the provider need no aggregator settings (tRPC's middlewares read it
   * when they extend the context, so in the web process every procedure does).
   */
  readonly aggregator: AggregatorClient;
}

export function createInnerContext(opts: {
  db: Db;
  user: SessionUser | null;
  pendingSignIn?: SessionUser | null;
  memberships?: SessionMembership[] | null;
  ipAddress?: string;
  requestId?: string;
  aggregator?: AggregatorClient;
}): Context {
  const requestId = opts.requestId ?? randomUUID();
  return {
    db: opts.db,
    user: opts.user,
    pendingSignIn: opts.pendingSignIn ?? null,
    memberships: opts.memberships ?? null,
    ipAddress: opts.ipAddress ?? "unknown",
    requestId,
    log: rootLog.child({ requestId, userId: opts.user?.id }),
    get aggregator() {
      return opts.aggregator ?? getAggregatorClient();
    },
  };
}
