import { isAggregatorError, type Account } from "@/server/aggregator/client";
import { completeAggregation, retrieveFeed } from "@/server/connections/engine";
import { claimAggregations, settleSuccesses, storeAccounts } from "@/server/connections/transitions";
import { newId } from "@/server/db/ids";
import { reasonToSkip, type TicketState } from "./refresh-eligibility";
import { runRefreshTicket, type RefreshDeps, type TicketResult } from "./refresh-ticket";

// The scheduled refresh of many connections at once. A refresh is one aggregator round trip
// (plus the account and transaction reads after it), but done one connection at a time it
// is also some twenty database statements, which on a small machine cost more than the
// round trip. Here the database work of a whole batch is a handful of statements: one
// transaction claims the tickets and the connections (the state machine's claim, for many),
// and successes are settled together (its success, for many) with their tickets. Anything
// unusual — a failure code, a security question, an aggregation still running, a ticket
// left half done by a dead worker — goes through the engine one connection at a time.

const SCHEDULE = { kind: "REFRESH", trigger: "SCHEDULE", actorUserId: null } as const;

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
    // Nothing to batch when the provider refreshes by itself: each ticket only reads (refresh-ticket.ts).
    if (this.deps.aggregator.capabilities.refreshPolicy === "provider-nightly") {
      for (const id of ticketIds) results.set(id, runRefreshTicket(this.deps, id));
      return results;
    }
    const { claimed, skipped, others } = await this.claim(ticketIds);
    for (const [id, reason] of skipped) results.set(id, Promise.resolve({ outcome: "skipped", reason }));
    for (const id of others) results.set(id, runRefreshTicket(this.deps, id));
    for (const c of claimed) {
      this.underway++;
      results.set(
        c.ticketId,
        this.refreshOne(c).finally(() => this.underway--),
      );
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
               c."id" AS "connectionId", c."organizationId", c."institutionId", c."providerLoginId",
               c."status"::text AS "status", c."lastSuccessAt", c."lastStatusCode", c."nextRetryAt",
               (SELECT count(*)::int FROM "BankAccount" a WHERE a."connectionId" = c."id" AND a."linked")
                 AS "linkedAccounts"
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
      // The same claim as startAggregation's, for the whole batch; a connection another attempt holds is left out.
      const claimedIds = await claimAggregations(
        tx,
        eligible.map((c) => ({ connectionId: c.connectionId, eventId: c.eventId, source: SCHEDULE })),
        now,
      );
      const claimed = eligible.filter((c) => {
        if (claimedIds.has(c.connectionId)) return true;
        skipped.set(c.ticketId, "an aggregation is already running");
        return false;
      });
      if (skipped.size) {
        await tx.$executeRaw`
          UPDATE "RefreshTicket" t SET "finishedAt" = ${now}, "outcome" = v.outcome
          FROM unnest(${[...skipped.keys()]}::text[], ${[...skipped.values()].map((why) => `skipped: ${why}`)}::text[])
            AS v(id, outcome)
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
      return await new Promise<TicketResult>((done, fail) =>
        this.enqueue({ success: { ...c, accounts, transactionCount, reportedAttemptAt }, done, fail }),
      );
    } catch (err) {
      if (!isAggregatorError(err)) throw err;
      return this.settleThroughEngine(c, err.code ?? 102, reportedAttemptAt);
    }
  }

  /** A failure (or a security question) is the engine's to record: notice, backoff, status. */
  private async settleThroughEngine(c: Claimed, code: number, reportedAttemptAt: Date | null): Promise<TicketResult> {
    const outcome = await completeAggregation(this.deps, {
      connectionId: c.connectionId,
      statusCode: code,
      reportedAttemptAt,
      eventId: c.eventId,
    });
    const result: TicketResult =
      outcome.kind === "connected"
        ? { outcome: "refreshed", statusCode: 0 }
        : { outcome: "failed", statusCode: outcome.kind === "failed" ? outcome.problem.code : code };
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
   * Fresh balances, then the state machine's success for every
   * connection still waiting for this attempt, and its ticket.
   */
  private async settleSuccesses(successes: Success[]): Promise<Set<string>> {
    const now = new Date();
    return this.deps.db.$transaction(async (tx) => {
      await storeAccounts(
        tx,
        successes.map((s) => ({
          organizationId: s.organizationId,
          connectionId: s.connectionId,
          accounts: s.accounts,
        })),
        now,
      );
      const settled = await settleSuccesses(
        tx,
        successes.map((s) => ({
          organizationId: s.organizationId,
          connectionId: s.connectionId,
          institutionId: s.institutionId,
          attempt: { openEventId: s.eventId },
          transactionCount: s.transactionCount,
          reportedAttemptAt: s.reportedAttemptAt,
        })),
        { holding: true, now },
      );
      const finished = successes.filter((s) => settled.has(s.connectionId));
      if (finished.length > 0) {
        await tx.$executeRaw`
          UPDATE "RefreshTicket" t SET "finishedAt" = ${now.toISOString()}::timestamp, "outcome" = 'refreshed',
            "statusCode" = 0, "eventId" = v.event_id
          FROM unnest(${finished.map((s) => s.ticketId)}::text[], ${finished.map((s) => s.eventId)}::text[])
            AS v(ticket_id, event_id)
          WHERE t."id" = v.ticket_id`;
      }
      return new Set(settled.keys());
    });
  }
}
