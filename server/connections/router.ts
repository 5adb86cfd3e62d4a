import { z } from "zod";
import { customerProblem } from "@/server/aggregator/status-codes";
import { auditedAttempt } from "@/server/audit/in-attempt";
import { actorOf, recordAudit, type AuditRecord } from "@/server/audit/service";
import { DomainError } from "@/server/errors";
import { takeAttempt, type AttemptKind } from "@/server/limits/attempts";
import type { Context } from "@/server/trpc/context";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import {
  answerSecurityQuestion,
  linkConnection,
  removeConnection,
  resumeConnection,
  startAggregation,
  updateLogin,
  type AttemptOutcome,
  type EngineDeps,
} from "./engine";
import { getConnectSession, openConnectSession, requireWaitingQuestion, settleConnectSession } from "./hosted";
import {
  answerMfaInput,
  attemptOutcome,
  catalogInstitution,
  chooseAccountsInput,
  connectionRef,
  connectionView,
  connectLinkInput,
  connectReturnedInput,
  connectSessionView,
  linkInput,
  notice,
  openedSession,
  registerForMapping,
  removed,
  searchInstitutionsInput,
  sessionRef,
  updateLoginInput,
} from "./schemas";
import { chooseAccounts, getConnection, listConnections, listOpenNotices, listRegistersForMapping } from "./service";

function toOutput(outcome: AttemptOutcome): z.output<typeof attemptOutcome> {
  if (outcome.kind !== "failed") return outcome;
  return { ...outcome, problem: customerProblem(outcome.problem) };
}

const deps = (ctx: Context): EngineDeps => ({ db: ctx.db, aggregator: ctx.aggregator, log: ctx.log });

/** The app's public address, which the provider's page returns to and posts its events at. */
const appUrl = () => process.env.APP_URL || process.env.NEXTAUTH_URL || "http://localhost:3000";

/** Opens the provider's page for the person of the request; counts as a bank sign-in attempt. */
async function openHosted(
  ctx: Context & { org: { id: string; name: string; slug: string }; user: { id: string } },
  target: { purpose: "LINK"; institutionId: string | null } | { purpose: "FIX"; connectionId: string },
  /** The act, audited with the session it opens. */
  audit?: AuditRecord,
) {
  await limitAttempts(ctx, "credentials", target.purpose === "FIX" ? target.connectionId : null);
  return openConnectSession(deps(ctx), {
    ...target,
    organizationId: ctx.org.id,
    organizationName: ctx.org.name,
    orgSlug: ctx.org.slug,
    actorUserId: ctx.user.id,
    appUrl: appUrl(),
    audit,
  });
}

type Details = Record<string, string | number | boolean | null>;

const auditRecord = (
  ctx: Context & { org: { id: string } },
  action: string,
  connectionId: string | null,
  details?: Details,
): AuditRecord => ({
  actor: actorOf(ctx),
  organizationId: ctx.org.id,
  action,
  objectType: "Connection",
  objectId: connectionId,
  details,
});

/** A refusal changes nothing: its entry stands alone. */
async function audit(
  ctx: Context & { org: { id: string } },
  action: string,
  connectionId: string | null,
  details?: Details,
) {
  await recordAudit(ctx.db, auditRecord(ctx, action, connectionId, details));
}

/** The act and its audit entry, written in the transaction that changes the connection (server/audit/in-attempt.ts). */
function audited<T>(
  ctx: Context & { org: { id: string } },
  action: string,
  connectionId: string | null,
  details: Details | undefined,
  act: () => Promise<T>,
) {
  return auditedAttempt(auditRecord(ctx, action, connectionId, details), act);
}

const refusedBecause = {
  person: "by you",
  organization: "for your organization",
  address: "from your address",
} as const;

/** Counts an attempt that reaches a bank; refuses it (audited, with when to try again) past the limits. */
async function limitAttempts(
  ctx: Context & { org: { id: string }; user: { id: string } },
  kind: AttemptKind,
  connectionId: string | null = null,
) {
  const verdict = await takeAttempt(ctx.db, kind, {
    userId: ctx.user.id,
    organizationId: ctx.org.id,
    ipAddress: ctx.ipAddress,
  });
  if (verdict.allowed) return;
  const at = `${verdict.retryAt.toISOString().slice(11, 16)} UTC`;
  await audit(ctx, "connection.attemptRefused", connectionId, {
    kind,
    scope: verdict.scope,
    retryAt: verdict.retryAt.toISOString(),
  });
  const what = kind === "credentials" ? "bank sign-in attempts" : "retrievals";
  throw new DomainError(
    "TOO_MANY_REQUESTS",
    `Too many ${what} ${refusedBecause[verdict.scope]} in the last hour. Try again after ${at}.`,
    {
      retryAt: verdict.retryAt.toISOString(),
    },
  );
}

export const connectionsRouter = createRouter({
  list: orgProcedure("org.read")
    .output(z.array(connectionView))
    .query(({ ctx }) => listConnections(ctx.db, ctx.org.id)),

  get: orgProcedure("org.read")
    .input(connectionRef)
    .output(connectionView)
    .query(({ ctx, input }) => getConnection(ctx.db, ctx.org.id, input.connectionId)),

  notices: orgProcedure("org.read")
    .output(z.array(notice))
    .query(({ ctx }) => listOpenNotices(ctx.db, ctx.org.id)),

  searchInstitutions: orgProcedure("connections.manage")
    .input(searchInstitutionsInput)
    .output(z.array(catalogInstitution))
    .query(async ({ ctx, input }) => {
      const page = await ctx.aggregator.searchInstitutions({ text: input.text || undefined, limit: 20 });
      return page.institutions.map(({ id, name, variant, loginUrl, sandboxSiteUrl, status, linkStyle }) => ({
        id,
        name,
        variant,
        loginUrl,
        sandboxSiteUrl,
        status,
        linkStyle,
      }));
    }),

  link: orgProcedure("connections.manage")
    .input(linkInput)
    .output(attemptOutcome)
    .mutation(async ({ ctx, input }) => {
      await limitAttempts(ctx, "credentials");
      const outcome = await audited(ctx, "connection.link", null, { institutionId: input.institutionId }, () =>
        linkConnection(deps(ctx), {
          organizationId: ctx.org.id,
          organizationName: ctx.org.name,
          institutionId: input.institutionId,
          credentials: input.credentials,
          actorUserId: ctx.user.id,
        }),
      );
      return toOutput(outcome);
    }),

  answerMfa: orgProcedure("connections.retrieve")
    .input(answerMfaInput)
    .output(attemptOutcome)
    .mutation(async ({ ctx, input }) => {
      await limitAttempts(ctx, "credentials", input.connectionId);
      return toOutput(
        await answerSecurityQuestion(deps(ctx), {
          organizationId: ctx.org.id,
          connectionId: input.connectionId,
          answer: input.answer,
          actorUserId: ctx.user.id,
        }),
      );
    }),

  resume: orgProcedure("connections.retrieve")
    .input(connectionRef)
    .output(attemptOutcome)
    .mutation(async ({ ctx, input }) => {
      await limitAttempts(ctx, "retrieval", input.connectionId);
      return toOutput(
        await resumeConnection(deps(ctx), {
          organizationId: ctx.org.id,
          connectionId: input.connectionId,
          actorUserId: ctx.user.id,
        }),
      );
    }),

  retrieve: orgProcedure("connections.retrieve")
    .input(connectionRef)
    .output(attemptOutcome)
    .mutation(async ({ ctx, input }) => {
      await limitAttempts(ctx, "retrieval", input.connectionId);
      // A refresh call the provider counts: on the record like every change to a connection.
      const outcome = await audited(ctx, "connection.retrieve", input.connectionId, undefined, () =>
        startAggregation(deps(ctx), {
          organizationId: ctx.org.id,
          connectionId: input.connectionId,
          source: { kind: "RETRIEVE", trigger: "CUSTOMER", actorUserId: ctx.user.id },
        }),
      );
      return toOutput(outcome);
    }),

  updateLogin: orgProcedure("connections.manage")
    .input(updateLoginInput)
    .output(attemptOutcome)
    .mutation(async ({ ctx, input }) => {
      await limitAttempts(ctx, "credentials", input.connectionId);
      const outcome = await audited(ctx, "connection.updateLogin", input.connectionId, undefined, () =>
        updateLogin(deps(ctx), {
          organizationId: ctx.org.id,
          connectionId: input.connectionId,
          credentials: input.credentials,
          actorUserId: ctx.user.id,
        }),
      );
      return toOutput(outcome);
    }),

  remove: orgProcedure("connections.manage")
    .input(connectionRef)
    .output(removed)
    .mutation(async ({ ctx, input }) => {
      await audited(ctx, "connection.remove", input.connectionId, undefined, () =>
        removeConnection(deps(ctx), {
          organizationId: ctx.org.id,
          connectionId: input.connectionId,
          actorUserId: ctx.user.id,
        }),
      );
      return { removed: true as const };
    }),

  /** The provider's hosted page to add a bank (institutionId when the customer picked one here). */
  connectLink: orgProcedure("connections.manage")
    .input(connectLinkInput)
    .output(openedSession)
    .mutation(async ({ ctx, input }) => {
      return openHosted(
        ctx,
        { purpose: "LINK", institutionId: input.institutionId ?? null },
        auditRecord(ctx, "connection.connect", null, { institutionId: input.institutionId ?? null }),
      );
    }),

  /** Update Login with a hosted provider: its Connect Fix page for this connection. */
  connectFix: orgProcedure("connections.manage")
    .input(connectionRef)
    .output(openedSession)
    .mutation(async ({ ctx, input }) => {
      return openHosted(
        ctx,
        { purpose: "FIX", connectionId: input.connectionId },
        auditRecord(ctx, "connection.updateLogin", input.connectionId),
      );
    }),

  /** "Click here" on a security question with a hosted provider: the question is answered on its page. */
  connectAnswer: orgProcedure("connections.retrieve")
    .input(connectionRef)
    .output(openedSession)
    .mutation(async ({ ctx, input }) => {
      await requireWaitingQuestion(ctx.db, ctx.org.id, input.connectionId);
      return openHosted(ctx, { purpose: "FIX", connectionId: input.connectionId });
    }),

  connectSession: orgProcedure("org.read")
    .input(sessionRef)
    .output(connectSessionView)
    .query(({ ctx, input }) => getConnectSession(ctx.db, ctx.org.id, input.sessionId)),

  /** The customer came back from the provider's page: what it did is read now, whether or not its event arrived. */
  connectReturned: orgProcedure("connections.retrieve")
    .input(connectReturnedInput)
    .output(connectSessionView)
    .mutation(({ ctx, input }) =>
      settleConnectSession(deps(ctx), {
        organizationId: ctx.org.id,
        sessionId: input.sessionId,
        ending: input.ending,
        statusCode: null,
      }),
    ),

  registers: orgProcedure("org.read")
    .output(z.array(registerForMapping))
    .query(({ ctx }) => listRegistersForMapping(ctx.db, ctx.org.id)),

  chooseAccounts: orgProcedure("connections.manage")
    .input(chooseAccountsInput)
    .output(attemptOutcome)
    .mutation(async ({ ctx, input }) => {
      await chooseAccounts(ctx.db, {
        organizationId: ctx.org.id,
        connectionId: input.connectionId,
        choices: input.choices,
        audit: auditRecord(ctx, "connection.chooseAccounts", input.connectionId, {
          linked: input.choices.filter((c) => c.link).length,
        }),
      });
      // The first retrieval brings the chosen accounts' history into the bank feed.
      return toOutput(
        await startAggregation(deps(ctx), {
          organizationId: ctx.org.id,
          connectionId: input.connectionId,
          source: { kind: "RETRIEVE", trigger: "CUSTOMER", actorUserId: ctx.user.id },
        }),
      );
    }),
});
