import { z } from "zod";
import { describeStatus } from "@/server/aggregator/status-codes";
import { actorOf } from "@/server/audit/service";
import { statusCodeOf } from "@/server/connections/engine";
import { connectionRef } from "@/server/connections/schemas";
import { createRouter, staffProcedure } from "@/server/trpc/init";
import { auditActions, listAuditEntries } from "./audit-log";
import { connectionOutcomeSeries, getConnectionDetail, listConnectionEvents } from "./connections";
import { resetTwoFactor } from "@/server/auth/two-factor";
import { listConnectionEmails } from "./emails";
import { forceRefresh } from "./force-refresh";
import { institutionHealth } from "./health";
import { listKnownIssues } from "./known-issues";
import { getOrganizationOverview, searchOrganizations } from "./organizations";
import { listWork } from "@/server/progress/work-progress";
import { done } from "@/server/trpc/schemas";
import {
  auditInput,
  auditPage,
  connectionDetail,
  connectionEmail,
  eventsInput,
  eventsPage,
  forceRefreshInput,
  forceRefreshResult,
  healthReport,
  institutionHealthInput,
  knownIssue,
  organizationInput,
  organizationOverview,
  outcomesInput,
  outcomesOfDay,
  resetTwoFactorInput,
  searchInput,
  searchResult,
  work,
} from "./schemas";

// The support console's procedures. Everything reads except forceRefresh, which only
// support admins may call; customers get FORBIDDEN from every one of them.

export const supportRouter = createRouter({
  connectionEmails: staffProcedure("support.read")
    .input(connectionRef)
    .output(z.array(connectionEmail))
    .query(({ ctx, input }) => listConnectionEmails(ctx.db, input.connectionId)),

  resetTwoFactor: staffProcedure("support.act")
    .input(resetTwoFactorInput)
    .output(done)
    .mutation(async ({ ctx, input }) => {
      await resetTwoFactor(ctx.db, { userId: input.userId, actor: actorOf(ctx), reason: input.reason, byStaff: true });
      return { ok: true as const };
    }),

  search: staffProcedure("support.read")
    .input(searchInput)
    .output(z.array(searchResult))
    .query(({ ctx, input }) => searchOrganizations(ctx.db, input.text)),

  organization: staffProcedure("support.read")
    .input(organizationInput)
    .output(organizationOverview)
    .query(({ ctx, input }) => getOrganizationOverview(ctx.db, input.slug)),

  connection: staffProcedure("support.read")
    .input(connectionRef)
    .output(connectionDetail)
    .query(({ ctx, input }) => getConnectionDetail(ctx.db, input.connectionId, { staffRole: ctx.staffRole })),

  events: staffProcedure("support.read")
    .input(eventsInput)
    .output(eventsPage)
    .query(({ ctx, input }) => listConnectionEvents(ctx.db, input)),

  outcomes: staffProcedure("support.read")
    .input(outcomesInput)
    .output(z.array(outcomesOfDay))
    .query(({ ctx, input }) => connectionOutcomeSeries(ctx.db, input)),

  forceRefresh: staffProcedure("support.act")
    .input(forceRefreshInput)
    .output(forceRefreshResult)
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
    .output(z.array(knownIssue))
    .query(({ ctx }) => listKnownIssues(ctx.db)),

  institutionHealth: staffProcedure("support.read")
    .input(institutionHealthInput)
    .output(healthReport)
    .query(({ ctx, input }) => institutionHealth(ctx.db, { window: input.window })),

  audit: staffProcedure("support.read")
    .input(auditInput)
    .output(auditPage)
    .query(({ ctx, input }) => listAuditEntries(ctx.db, input)),

  auditActions: staffProcedure("support.read")
    .input(z.void())
    .output(z.array(z.string()))
    .query(({ ctx }) => auditActions(ctx.db)),

  /** Long work under way or finished today: nightly cycles, imports, backfills (server/progress). */
  work: staffProcedure("support.read")
    .input(z.void())
    .output(z.array(work))
    .query(({ ctx }) => listWork(ctx.db)),
});
