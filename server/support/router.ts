import { z } from "zod";
import { describeStatus } from "@/server/aggregator/status-codes";
import { actorOf } from "@/server/audit/service";
import { statusCodeOf } from "@/server/connections/engine";
import { createRouter, staffProcedure } from "@/server/trpc/init";
import { auditActions, listAuditEntries } from "./audit-log";
import { connectionOutcomeSeries, getConnectionDetail, listConnectionEvents } from "./connections";
import { resetTwoFactor } from "@/server/auth/two-factor";
import { listConnectionEmails } from "./emails";
import { forceRefresh } from "./force-refresh";
import { HEALTH_WINDOWS, institutionHealth } from "./health";
import { listKnownIssues } from "./known-issues";
import { getOrganizationOverview, searchOrganizations } from "./organizations";
import { listWork } from "@/server/progress/work-progress";

// The support console's procedures. Everything reads except forceRefresh, which only
// support admins may call; customers get FORBIDDEN from every one of them.

const id = z.string().min(1).max(64);
const connectionStatus = z.enum(["AGGREGATING", "ACTIVE", "ACTION_REQUIRED", "ERROR", "REMOVED"]);
const variant = z.enum(["PERSONAL", "BUSINESS"]);
const eventKind = z.enum(["LINK", "MFA_ANSWER", "REFRESH", "RETRIEVE", "UPDATE_LOGIN", "FORCED_REFRESH", "WEBHOOK", "REMOVE"]);
const trigger = z.enum(["CUSTOMER", "SUPPORT", "SCHEDULE", "WEBHOOK"]);
const category = z.enum(["success", "provider", "customer", "other"]);
const orgRole = z.enum(["OWNER", "ADMIN", "MEMBER", "VIEWER"]);

const allowance = z.object({
  allowed: z.boolean(),
  reason: z.string().nullable(),
  usedInWindow: z.number(),
  limit: z.number(),
  nextAllowedAt: z.date().nullable(),
});

const connectionDetail = z.object({
  id: z.string(),
  status: connectionStatus,
  providerLoginId: z.string().nullable(),
  organization: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  institution: z.object({
    id: z.string(),
    name: z.string(),
    variant,
    loginUrl: z.string(),
    knownIssueSince: z.date().nullable(),
    knownIssueCode: z.number().nullable(),
  }),
  lastStatusCode: z.number().nullable(),
  lastStatus: z.object({ title: z.string(), actor: z.enum(["nobody", "customer"]), retry: z.enum(["no", "backoff", "slow-backoff"]) }).nullable(),
  lastSuccessAt: z.date().nullable(),
  lastAttemptAt: z.date().nullable(),
  nextRetryAt: z.date().nullable(),
  retryCount: z.number(),
  aggregating: z.boolean(),
  createdAt: z.date(),
  removedAt: z.date().nullable(),
  accounts: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), mask: z.string(), linked: z.boolean(), register: z.string().nullable() })),
  customerView: z
    .object({
      status: connectionStatus,
      problem: z.object({ code: z.number(), title: z.string(), nextStep: z.string(), actor: z.enum(["nobody", "customer"]) }).nullable(),
      awaitingAnswer: z.boolean(),
      knownIssue: z.boolean(),
      lastSuccessAt: z.date().nullable(),
      nextRetryAt: z.date().nullable(),
      notices: z.array(z.object({ id: z.string(), title: z.string(), body: z.string(), createdAt: z.date() })),
    })
    .nullable(),
  forceRefresh: allowance,
  codesSeen: z.array(z.number()),
});

const eventsPage = z.object({
  total: z.number(),
  nextCursor: z.string().nullable(),
  events: z.array(
    z.object({
      id: z.string(),
      kind: eventKind,
      trigger,
      actor: z.object({ email: z.string(), name: z.string(), staff: z.boolean() }).nullable(),
      statusCode: z.number().nullable(),
      statusTitle: z.string().nullable(),
      category,
      message: z.string().nullable(),
      startedAt: z.date(),
      durationMs: z.number().nullable(),
      transactionCount: z.number().nullable(),
      inProgress: z.boolean(),
    }),
  ),
});

export const supportRouter = createRouter({
  connectionEmails: staffProcedure("support.read")
    .input(z.object({ connectionId: id }))
    .output(
      z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          toEmail: z.string(),
          subject: z.string(),
          status: z.enum(["PENDING", "SENT", "SKIPPED"]),
          createdAt: z.date(),
          sentAt: z.date().nullable(),
          attempts: z.number(),
          lastError: z.string().nullable(),
        }),
      ),
    )
    .query(({ ctx, input }) => listConnectionEmails(ctx.db, input.connectionId)),

  resetTwoFactor: staffProcedure("support.act")
    .input(z.object({ userId: id, reason: z.string().trim().min(5).max(500) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await resetTwoFactor(ctx.db, { userId: input.userId, actor: actorOf(ctx), reason: input.reason, byStaff: true });
      return { ok: true as const };
    }),

  search: staffProcedure("support.read")
    .input(z.object({ text: z.string().trim().max(200) }))
    .output(
      z.array(
        z.object({
          id: z.string(),
          slug: z.string(),
          name: z.string(),
          memberCount: z.number(),
          connectionCount: z.number(),
          connectionsNeedingAttention: z.number(),
          matchedOn: z.array(z.string()),
        }),
      ),
    )
    .query(({ ctx, input }) => searchOrganizations(ctx.db, input.text)),

  organization: staffProcedure("support.read")
    .input(z.object({ slug: z.string().min(1).max(64) }))
    .output(
      z.object({
        id: z.string(),
        slug: z.string(),
        name: z.string(),
        createdAt: z.date(),
        members: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string(), role: orgRole, since: z.date(), twoFactor: z.boolean() })),
        connections: z.array(
          z.object({
            id: z.string(),
            status: connectionStatus,
            institution: z.object({ id: z.string(), name: z.string(), variant, knownIssue: z.boolean() }),
            lastStatusCode: z.number().nullable(),
            lastStatusTitle: z.string().nullable(),
            lastSuccessAt: z.date().nullable(),
            lastAttemptAt: z.date().nullable(),
            nextRetryAt: z.date().nullable(),
            createdAt: z.date(),
            removedAt: z.date().nullable(),
            openNotices: z.number(),
            linkedAccounts: z.number(),
          }),
        ),
        notices: z.array(
          z.object({ id: z.string(), connectionId: z.string().nullable(), statusCode: z.number().nullable(), title: z.string(), body: z.string(), createdAt: z.date() }),
        ),
      }),
    )
    .query(({ ctx, input }) => getOrganizationOverview(ctx.db, input.slug)),

  connection: staffProcedure("support.read")
    .input(z.object({ connectionId: id }))
    .output(connectionDetail)
    .query(({ ctx, input }) => getConnectionDetail(ctx.db, input.connectionId, { staffRole: ctx.staffRole })),

  events: staffProcedure("support.read")
    .input(
      z.object({
        connectionId: id,
        codes: z.array(z.number().int().min(0).max(9999)).max(50).optional(),
        kinds: z.array(eventKind).max(8).optional(),
        from: z.date().optional(),
        to: z.date().optional(),
        cursor: id.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .output(eventsPage)
    .query(({ ctx, input }) => listConnectionEvents(ctx.db, input)),

  outcomes: staffProcedure("support.read")
    .input(z.object({ connectionId: id, from: z.date(), to: z.date() }))
    .output(z.array(z.object({ day: z.date(), success: z.number(), provider: z.number(), customer: z.number(), other: z.number() })))
    .query(({ ctx, input }) => connectionOutcomeSeries(ctx.db, input)),

  forceRefresh: staffProcedure("support.act")
    .input(z.object({ connectionId: id, reason: z.string().trim().min(5, "Give a reason for forcing a refresh.").max(500) }))
    .output(
      z.object({
        kind: z.enum(["connected", "aggregating", "mfa", "failed"]),
        statusCode: z.number().nullable(),
        title: z.string(),
        eventId: z.string().nullable(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const outcome = await forceRefresh(
        { db: ctx.db, aggregator: ctx.aggregator, log: ctx.log },
        { connectionId: input.connectionId, reason: input.reason, actor: actorOf(ctx) },
      );
      const { code, title } = outcome.kind === "failed" ? outcome.problem : describeStatus(statusCodeOf(outcome));
      return { kind: outcome.kind, statusCode: code, title, eventId: outcome.attemptId };
    }),

  knownIssues: staffProcedure("support.read")
    .input(z.void())
    .output(
      z.array(
        z.object({
          institutionId: z.string(),
          name: z.string(),
          variant,
          since: z.date(),
          code: z.number().nullable(),
          title: z.string().nullable(),
          affectedConnections: z.number(),
        }),
      ),
    )
    .query(({ ctx }) => listKnownIssues(ctx.db)),

  institutionHealth: staffProcedure("support.read")
    .input(z.object({ window: z.enum(Object.keys(HEALTH_WINDOWS) as [keyof typeof HEALTH_WINDOWS]) }))
    .output(
      z.object({
        window: z.string(),
        from: z.date(),
        to: z.date(),
        institutions: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            variant,
            knownIssueSince: z.date().nullable(),
            knownIssueCode: z.number().nullable(),
            attempts: z.number(),
            failures: z.number(),
            failureRate: z.number(),
            organizationsFailing: z.number(),
            byCategory: z.object({ success: z.number(), provider: z.number(), customer: z.number(), other: z.number() }),
            failuresByCode: z.array(z.object({ code: z.number(), title: z.string(), count: z.number() })),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => institutionHealth(ctx.db, { window: input.window })),

  audit: staffProcedure("support.read")
    .input(
      z.object({
        actor: z.string().trim().max(200).optional(),
        action: z.string().max(100).optional(),
        objectType: z.string().max(100).optional(),
        objectId: z.string().max(100).optional(),
        organization: z.string().max(64).optional(),
        actorKind: z.enum(["staff", "customer"]).optional(),
        from: z.date().optional(),
        to: z.date().optional(),
        cursor: id.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .output(
      z.object({
        total: z.number(),
        nextCursor: z.string().nullable(),
        entries: z.array(
          z.object({
            id: z.string(),
            createdAt: z.date(),
            actorEmail: z.string().nullable(),
            ipAddress: z.string().nullable(),
            action: z.string(),
            objectType: z.string(),
            objectId: z.string().nullable(),
            organization: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
            reason: z.string().nullable(),
            details: z.string().nullable(),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => listAuditEntries(ctx.db, input)),

  auditActions: staffProcedure("support.read")
    .input(z.void())
    .output(z.array(z.string()))
    .query(({ ctx }) => auditActions(ctx.db)),

  /** Long work under way or finished today: nightly cycles, imports, backfills (server/progress). */
  work: staffProcedure("support.read")
    .input(z.void())
    .output(
      z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          label: z.string(),
          organizationId: z.string().nullable(),
          total: z.number().nullable(),
          done: z.number(),
          failed: z.number(),
          startedAt: z.date(),
          updatedAt: z.date(),
          finishedAt: z.date().nullable(),
        }),
      ),
    )
    .query(({ ctx }) => listWork(ctx.db)),
});
