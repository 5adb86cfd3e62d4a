import { randomBytes } from "node:crypto";
import { isAggregatorError, type Account } from "@/server/aggregator/client";
import { describeStatus } from "@/server/aggregator/status-codes";
import { completeAggregation, retrieveFeed, STUCK_AGGREGATION_MS } from "@/server/connections/engine";
import { reasonToSkip, type TicketState } from "./refresh-eligibility";
import { runRefreshTicket, type RefreshDeps, type TicketResult } from "./refresh-ticket";

// The scheduled refresh of many connections at once. A refresh is one aggregator round trip
// (plus the account and transaction reads after it), but done one connection at a time it
// is also some twenty database statements, which on a small machine cost more than the
// round trip. Here the database work of a whole batch is a handful of statements: one
// transaction claims the tickets and the connections and opens their events (as
// startAggregation does for one), and successes are settled together (as completeAggregation
// does for one: fresh balances, new transactions, status, event, notices, ticket). Anything
// unusual — a failure code, a security question, an aggregation still running, a ticket
// left half done by a dead worker — goes through the engine one connection at a time.

const SUCCESS_TITLE = describeStatus(0).title;
const IN_PROGRESS = describeStatus(325).title;

interface Claimed {
  ticketId: string;
  connectionId: string;
  organizationId: string;
  institutionId: string;
  loginId: string;
  eventId: string;
  startedAt: Date;
  hasLinkedAccounts: boolean;
}

interface Success extends Claimed {
  accounts: Account[];
  transactionCount: number;
  /** The aggregator's time of the refresh (Connection.providerAttemptAt once settled). */
  reportedAttemptAt: Date | null;
}

interface TicketRow extends TicketState {
  ticketId: string;
  organizationId: string | null;
  institutionId: string | null;
  linkedAccounts: number;
}

/** Ids in the shape of Prisma's cuid(): rows written here sit beside rows Prisma created. */
const newId = () => `c${Date.now().toString(36)}${randomBytes(10).toString("hex").slice(0, 16)}`;

export class RefreshBatcher {
  private pending: { success: Success; done: (result: TicketResult) => void; fail: (err: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Claimed refreshes not settled yet: once all of them wait in `pending`, none can join the batch. */
  private underway = 0;

  constructor(
    private readonly deps: RefreshDeps,
    private readonly flushAfterMs = 25,
    private readonly flushAt = 50,
  ) {}

  /** Runs the refreshes the tickets owe; resolves per ticket when it is settled (or throws for it). */
  async run(ticketIds: string[]): Promise<Map<string, Promise<TicketResult>>> {
    const results = new Map<string, Promise<TicketResult>>();
    const { claimed, skipped, others } = await this.claim(ticketIds);
    for (const [id, reason] of skipped) results.set(id, Promise.resolve({ outcome: "skipped", reason }));
    for (const id of others) results.set(id, runRefreshTicket(this.deps, id));
    for (const c of claimed) {
      this.underway++;
      results.set(c.ticketId, this.refreshOne(c).finally(() => this.underway--));
    }
    return results;
  }

  private async claim(ticketIds: string[]) {
    const { db } = this.deps;
    const now = new Date();
    return db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<TicketRow[]>`
        WITH t AS (
          UPDATE "RefreshTicket" SET "attemptedAt" = ${now}
          WHERE "id" = ANY(${ticketIds}::text[]) AND "attemptedAt" IS NULL AND "finishedAt" IS NULL
          RETURNING "id", "reason", "runAfter", "cycleId", "connectionId"
        )
        SELECT t."id" AS "ticketId", t."reason", t."runAfter", cy."createdAt" AS "cycleCreatedAt",
               c."id" AS "connectionId", c."organizationId", c."institutionId", c."providerLoginId", c."status"::text AS "status",
               c."lastSuccessAt", c."lastStatusCode", c."nextRetryAt",
               (SELECT count(*)::int FROM "BankAccount" a WHERE a."connectionId" = c."id" AND a."linked") AS "linkedAccounts"
        FROM t
        LEFT JOIN "Connection" c ON c."id" = t."connectionId"
        LEFT JOIN "RefreshCycle" cy ON cy."id" = t."cycleId"`;
      const mine = new Set(rows.map((r) => r.ticketId));
      const others = ticketIds.filter((id) => !mine.has(id));

      const skipped = new Map<string, string>();
      const eligible: Claimed[] = [];
      const connections = new Set<string>();
      for (const r of rows) {
        const why = reasonToSkip(r) ?? (connections.has(r.connectionId!) ? "an aggregation is already running" : null);
        if (why) {
          skipped.set(r.ticketId, why);
          continue;
        }
        connections.add(r.connectionId!);
        eligible.push({
          ticketId: r.ticketId,
          connectionId: r.connectionId!,
          organizationId: r.organizationId!,
          institutionId: r.institutionId!,
          loginId: r.providerLoginId!,
          eventId: newId(),
          startedAt: now,
          hasLinkedAccounts: r.linkedAccounts > 0,
        });
      }
      // One statement claims the connections (what startAggregation does for one) and opens
      // their events; a connection another attempt holds is left out.
      const claimedIds = new Set(
        eligible.length === 0
          ? []
          : (
              await tx.$queryRaw<{ id: string }[]>`
                WITH v AS (
                  SELECT * FROM unnest(${eligible.map((c) => c.connectionId)}::text[], ${eligible.map((c) => c.eventId)}::text[]) AS v(connection_id, event_id)
                ),
                claimed AS (
                  UPDATE "Connection" c SET "status" = 'AGGREGATING', "aggregationStartedAt" = ${now}, "lastAttemptAt" = ${now}, "updatedAt" = ${now},
                    "activeEventId" = v.event_id
                  FROM v WHERE c."id" = v.connection_id
                    AND (c."status" <> 'AGGREGATING' OR c."aggregationStartedAt" IS NULL OR c."aggregationStartedAt" < ${new Date(now.getTime() - STUCK_AGGREGATION_MS)})
                  RETURNING c."id", c."organizationId", c."institutionId", v.event_id
                ),
                events AS (
                  INSERT INTO "ConnectionEvent" ("id", "organizationId", "connectionId", "institutionId", "kind", "trigger", "startedAt", "statusCode", "message", "createdAt")
                  SELECT event_id, "organizationId", "id", "institutionId", 'REFRESH'::"ConnectionEventKind", 'SCHEDULE'::"EventTrigger",
                    ${now}::timestamp, 325, ${IN_PROGRESS}, ${now}::timestamp
                  FROM claimed
                )
                SELECT "id" FROM claimed`
            ).map((r) => r.id),
      );
      const claimed = eligible.filter((c) => {
        if (claimedIds.has(c.connectionId)) return true;
        skipped.set(c.ticketId, "an aggregation is already running");
        return false;
      });
      if (skipped.size) {
        await tx.$executeRaw`
          UPDATE "RefreshTicket" t SET "finishedAt" = ${now}, "outcome" = v.outcome
          FROM unnest(${[...skipped.keys()]}::text[], ${[...skipped.values()].map((why) => `skipped: ${why}`)}::text[]) AS v(id, outcome)
          WHERE t."id" = v.id`;
      }
      return { claimed, skipped, others };
    });
  }

  private async refreshOne(c: Claimed): Promise<TicketResult> {
    const { deps } = this;
    const ref = { loginId: c.loginId, institutionId: c.institutionId };
    let code: number;
    let reportedAttemptAt: Date | null = null;
    try {
      const outcome = await deps.aggregations.run(() => deps.aggregator.refresh(ref));
      reportedAttemptAt = outcome.login.lastAttemptAt;
      if (outcome.kind === "mfa") code = outcome.challenge.statusCode;
      else if (outcome.login.aggregating) return this.finishSingle(c, { outcome: "aggregating", statusCode: 325 });
      else code = outcome.login.statusCode;
    } catch (err) {
      if (!isAggregatorError(err)) throw err;
      if (err.code === 325) return this.finishSingle(c, { outcome: "aggregating", statusCode: 325 });
      code = err.code ?? 102;
    }
    if (code !== 0) return this.settleThroughEngine(c, code, reportedAttemptAt);
    // Other refresh answers that came in with this one hand their slots on before the reads start.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const { accounts, transactionCount } = await deps.reads.run(async () => ({
        accounts: await deps.aggregator.listAccounts(ref),
        transactionCount: c.hasLinkedAccounts ? await retrieveFeed(deps, c.connectionId) : 0,
      }));
      return await new Promise<TicketResult>((done, fail) => this.enqueue({ success: { ...c, accounts, transactionCount, reportedAttemptAt }, done, fail }));
    } catch (err) {
      if (!isAggregatorError(err)) throw err;
      return this.settleThroughEngine(c, err.code ?? 102, reportedAttemptAt);
    }
  }

  /** A failure (or a security question) is the engine's to record: notice, backoff, status. */
  private async settleThroughEngine(c: Claimed, code: number, reportedAttemptAt: Date | null): Promise<TicketResult> {
    const outcome = await completeAggregation(this.deps, { connectionId: c.connectionId, statusCode: code, reportedAttemptAt, eventId: c.eventId });
    const result: TicketResult =
      outcome.kind === "connected" ? { outcome: "refreshed", statusCode: 0 } : { outcome: "failed", statusCode: outcome.kind === "failed" ? outcome.problem.code : code };
    return this.finishSingle(c, result);
  }

  private async finishSingle(c: Claimed, result: TicketResult & { statusCode: number | null }) {
    await this.deps.db.refreshTicket.updateMany({
      where: { id: c.ticketId, finishedAt: null },
      data: { finishedAt: new Date(), outcome: result.outcome, statusCode: result.statusCode, eventId: c.eventId },
    });
    return result;
  }

  private enqueue(item: (typeof this.pending)[number]) {
    this.pending.push(item);
    if (this.pending.length >= this.flushAt || this.pending.length >= this.underway) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushAfterMs);
  }

  /** Settles the successes gathered so far in one transaction. */
  async flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const released = await this.settleSuccesses(batch.map((b) => b.success));
      for (const b of batch) {
        if (released.has(b.success.connectionId)) b.done({ outcome: "refreshed", statusCode: 0 });
        // Settled meanwhile by a webhook or the sweeper: the ticket takes that ending.
        else b.done(await runRefreshTicket(this.deps, b.success.ticketId));
      }
    } catch (err) {
      for (const b of batch) b.fail(err);
    }
  }

  /**
   * One statement, so no transaction is needed: fresh balances, and for each connection still
   * waiting for this attempt its status, event, notices and ticket.
   */
  private async settleSuccesses(successes: Success[]): Promise<Set<string>> {
    const now = new Date();
    const accounts = successes.flatMap((s) => s.accounts.map((a) => ({ s, a })));
    const column = <T>(pick: (x: (typeof accounts)[number]) => T) => accounts.map(pick);
    const released = await this.deps.db.$queryRaw<{ id: string }[]>`
      WITH v AS (
        SELECT * FROM unnest(${successes.map((s) => s.connectionId)}::text[], ${successes.map((s) => s.eventId)}::text[],
          ${successes.map((s) => s.ticketId)}::text[], ${successes.map((s) => s.transactionCount)}::int[],
          ${successes.map((s) => s.reportedAttemptAt?.toISOString() ?? null)}::timestamp[])
          AS v(connection_id, event_id, ticket_id, transaction_count, reported_attempt_at)
      ),
      balances AS (
        INSERT INTO "BankAccount" ("id", "organizationId", "connectionId", "providerAccountId", "name", "kind", "mask", "balanceCents", "currency", "createdAt", "updatedAt")
        SELECT a.id, a.org, a.conn, a.acct, a.name, a.kind, a.mask, a.balance, a.currency, ${now}::timestamp, ${now}::timestamp
        FROM unnest(${column(() => newId())}::text[], ${column((x) => x.s.organizationId)}::text[], ${column((x) => x.s.connectionId)}::text[],
          ${column((x) => x.a.id)}::text[], ${column((x) => x.a.name)}::text[], ${column((x) => x.a.kind)}::text[], ${column((x) => x.a.mask)}::text[],
          ${column((x) => (x.a.balanceCents === null ? null : String(x.a.balanceCents)))}::bigint[], ${column((x) => x.a.currency)}::text[])
          AS a(id, org, conn, acct, name, kind, mask, balance, currency)
        ON CONFLICT ("connectionId", "providerAccountId") DO UPDATE SET
          "name" = EXCLUDED."name", "kind" = EXCLUDED."kind", "mask" = EXCLUDED."mask",
          "balanceCents" = EXCLUDED."balanceCents", "currency" = EXCLUDED."currency", "updatedAt" = EXCLUDED."updatedAt"
      ),
      released AS (
        UPDATE "Connection" c SET "status" = 'ACTIVE', "lastStatusCode" = 0, "lastStatusMessage" = ${SUCCESS_TITLE},
          "lastSuccessAt" = ${now}, "lastAttemptAt" = ${now}, "providerAttemptAt" = COALESCE(v.reported_attempt_at, c."providerAttemptAt"),
          "retryCount" = 0, "nextRetryAt" = NULL,
          "activeEventId" = NULL, "aggregationStartedAt" = NULL, "updatedAt" = ${now}
        FROM v WHERE c."id" = v.connection_id AND c."status" = 'AGGREGATING' AND c."activeEventId" = v.event_id
        RETURNING c."id"
      ),
      events AS (
        UPDATE "ConnectionEvent" e SET "statusCode" = 0, "message" = ${SUCCESS_TITLE}, "transactionCount" = v.transaction_count,
          "durationMs" = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamp - e."startedAt")) * 1000)::int)
        FROM v WHERE e."id" = v.event_id AND v.connection_id IN (SELECT "id" FROM released)
      ),
      notices AS (
        UPDATE "Notice" n SET "resolvedAt" = ${now}
        WHERE n."connectionId" IN (SELECT "id" FROM released) AND n."resolvedAt" IS NULL
      ),
      tickets AS (
        UPDATE "RefreshTicket" t SET "finishedAt" = ${now}, "outcome" = 'refreshed', "statusCode" = 0, "eventId" = v.event_id
        FROM v WHERE t."id" = v.ticket_id AND v.connection_id IN (SELECT "id" FROM released)
      )
      SELECT "id" FROM released`;
    return new Set(released.map((r) => r.id));
  }

}
