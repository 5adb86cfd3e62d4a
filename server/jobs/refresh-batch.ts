import { randomBytes } from "node:crypto";
import { isAggregatorError, type Account } from "@/server/aggregator/client";
import { describeStatus } from "@/server/aggregator/status-codes";
import { completeAggregation, retrieveFeed, STUCK_AGGREGATION_MS } from "@/server/connections/engine";
import { Prisma } from "@/server/db/client";
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
    for (const c of claimed) results.set(c.ticketId, this.refreshOne(c));
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
      const eligible: TicketRow[] = [];
      for (const r of rows) {
        const why = reasonToSkip(r);
        if (why) skipped.set(r.ticketId, why);
        else eligible.push(r);
      }
      const claimedIds = new Set(
        eligible.length === 0
          ? []
          : (
              await tx.$queryRaw<{ id: string }[]>`
                UPDATE "Connection" SET "status" = 'AGGREGATING', "aggregationStartedAt" = ${now}, "lastAttemptAt" = ${now}, "updatedAt" = ${now}
                WHERE "id" = ANY(${eligible.map((r) => r.connectionId!)}::text[])
                  AND ("status" <> 'AGGREGATING' OR "aggregationStartedAt" IS NULL OR "aggregationStartedAt" < ${new Date(now.getTime() - STUCK_AGGREGATION_MS)})
                RETURNING "id"`
            ).map((r) => r.id),
      );
      const claimedRows = eligible.filter((r) => {
        if (claimedIds.has(r.connectionId!)) return true;
        skipped.set(r.ticketId, "an aggregation is already running");
        return false;
      });
      const claimed: Claimed[] = claimedRows.map((r) => ({
        ticketId: r.ticketId,
        connectionId: r.connectionId!,
        organizationId: r.organizationId!,
        institutionId: r.institutionId!,
        loginId: r.providerLoginId!,
        eventId: newId(),
        startedAt: now,
        hasLinkedAccounts: r.linkedAccounts > 0,
      }));
      if (claimed.length) {
        await tx.connectionEvent.createMany({
          data: claimed.map((c) => ({
            id: c.eventId,
            organizationId: c.organizationId,
            connectionId: c.connectionId,
            institutionId: c.institutionId,
            kind: "REFRESH" as const,
            trigger: "SCHEDULE" as const,
            startedAt: now,
            statusCode: 325,
            message: "Aggregation in progress",
          })),
        });
        const pairs = Prisma.join(claimed.map((c) => Prisma.sql`(${c.connectionId}, ${c.eventId})`));
        await tx.$executeRaw`
          UPDATE "Connection" c SET "activeEventId" = v.event_id
          FROM (VALUES ${pairs}) AS v(id, event_id) WHERE c."id" = v.id`;
      }
      if (skipped.size) {
        const finished = Prisma.join([...skipped].map(([id, why]) => Prisma.sql`(${id}, ${`skipped: ${why}`})`));
        await tx.$executeRaw`
          UPDATE "RefreshTicket" t SET "finishedAt" = ${now}, "outcome" = v.outcome
          FROM (VALUES ${finished}) AS v(id, outcome) WHERE t."id" = v.id`;
      }
      return { claimed, skipped, others };
    });
  }

  private async refreshOne(c: Claimed): Promise<TicketResult> {
    const { deps } = this;
    const ref = { loginId: c.loginId, institutionId: c.institutionId };
    let code: number;
    try {
      const outcome = await deps.aggregations.run(() => deps.aggregator.refresh(ref));
      if (outcome.kind === "mfa") code = outcome.challenge.statusCode;
      else if (outcome.login.aggregating) return this.finishSingle(c, { outcome: "aggregating", statusCode: 325 });
      else code = outcome.login.statusCode;
    } catch (err) {
      if (!isAggregatorError(err)) throw err;
      if (err.code === 325) return this.finishSingle(c, { outcome: "aggregating", statusCode: 325 });
      code = err.code ?? 102;
    }
    if (code !== 0) return this.settleThroughEngine(c, code);
    try {
      const { accounts, transactionCount } = await deps.reads.run(async () => ({
        accounts: await deps.aggregator.listAccounts(ref),
        transactionCount: c.hasLinkedAccounts ? await retrieveFeed(deps, c.connectionId) : 0,
      }));
      return await new Promise<TicketResult>((done, fail) => this.enqueue({ success: { ...c, accounts, transactionCount }, done, fail }));
    } catch (err) {
      if (!isAggregatorError(err)) throw err;
      return this.settleThroughEngine(c, err.code ?? 102);
    }
  }

  /** A failure (or a security question) is the engine's to record: notice, backoff, status. */
  private async settleThroughEngine(c: Claimed, code: number): Promise<TicketResult> {
    const outcome = await completeAggregation(this.deps, { connectionId: c.connectionId, statusCode: code, eventId: c.eventId });
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
    if (this.pending.length >= this.flushAt) void this.flush();
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

  private async settleSuccesses(successes: Success[]): Promise<Set<string>> {
    const { db } = this.deps;
    const now = new Date();
    const accounts = successes.flatMap((s) =>
      s.accounts.map((a) => Prisma.sql`(${newId()}, ${s.organizationId}, ${s.connectionId}, ${a.id}, ${a.name}, ${a.kind}, ${a.mask},
        ${a.balanceCents === null ? null : BigInt(a.balanceCents)}::bigint, ${a.currency}, ${now}::timestamp)`),
    );
    const rows = Prisma.join(successes.map((s) => Prisma.sql`(${s.connectionId}, ${s.eventId}, ${s.ticketId}, ${s.transactionCount}::int)`));
    return db.$transaction(async (tx) => {
      if (accounts.length) {
        await tx.$executeRaw`
          INSERT INTO "BankAccount" ("id", "organizationId", "connectionId", "providerAccountId", "name", "kind", "mask", "balanceCents", "currency", "createdAt", "updatedAt")
          SELECT v.id, v.org, v.conn, v.acct, v.name, v.kind, v.mask, v.balance, v.currency, v.now, v.now
          FROM (VALUES ${Prisma.join(accounts)}) AS v(id, org, conn, acct, name, kind, mask, balance, currency, now)
          ON CONFLICT ("connectionId", "providerAccountId") DO UPDATE SET
            "name" = EXCLUDED."name", "kind" = EXCLUDED."kind", "mask" = EXCLUDED."mask",
            "balanceCents" = EXCLUDED."balanceCents", "currency" = EXCLUDED."currency", "updatedAt" = EXCLUDED."updatedAt"`;
      }
      const released = await tx.$queryRaw<{ id: string }[]>`
        WITH v(connection_id, event_id, ticket_id, transaction_count) AS (VALUES ${rows}),
        released AS (
          UPDATE "Connection" c SET "status" = 'ACTIVE', "lastStatusCode" = 0, "lastStatusMessage" = ${SUCCESS_TITLE},
            "lastSuccessAt" = ${now}, "lastAttemptAt" = ${now}, "retryCount" = 0, "nextRetryAt" = NULL,
            "activeEventId" = NULL, "aggregationStartedAt" = NULL, "updatedAt" = ${now}
          FROM v WHERE c."id" = v.connection_id AND c."status" = 'AGGREGATING' AND c."activeEventId" = v.event_id
          RETURNING c."id"
        ),
        events AS (
          UPDATE "ConnectionEvent" e SET "statusCode" = 0, "message" = ${SUCCESS_TITLE}, "transactionCount" = v.transaction_count,
            "durationMs" = GREATEST(0, (EXTRACT(EPOCH FROM (${now}::timestamp - e."startedAt")) * 1000)::int)
          FROM v WHERE e."id" = v.event_id AND v.connection_id IN (SELECT "id" FROM released)
          RETURNING e."id"
        ),
        notices AS (
          UPDATE "Notice" n SET "resolvedAt" = ${now}
          WHERE n."connectionId" IN (SELECT "id" FROM released) AND n."resolvedAt" IS NULL
          RETURNING n."id"
        ),
        tickets AS (
          UPDATE "RefreshTicket" t SET "finishedAt" = ${now}, "outcome" = 'refreshed', "statusCode" = 0, "eventId" = v.event_id
          FROM v WHERE t."id" = v.ticket_id AND v.connection_id IN (SELECT "id" FROM released)
          RETURNING t."id"
        )
        SELECT "id" FROM released`;
      return new Set(released.map((r) => r.id));
    });
  }
}
