import { z } from "zod";
import { RETRY_POLICIES } from "@/server/aggregator/status-codes";
import {
  connectionStatus,
  eventKind,
  eventTrigger,
  institutionVariant,
  notice,
  problem,
  statusActor,
} from "@/server/connections/schemas";
import { ATTEMPT_OUTCOME_KINDS } from "@/server/connections/engine";
import { MailStatus } from "@/server/db/generated/enums";
import { orgRole } from "@/server/orgs/schemas";
import { id } from "@/server/trpc/schemas";
import { AUDIT_ACTOR_KINDS } from "./audit-log";
import { OUTCOME_CATEGORIES, type OutcomeCategory } from "./connections";
import { HEALTH_WINDOWS, type HealthWindow } from "./health";

// What support.* procedures take and give. Connections, their history and their customers'
// notices read with the portal's own schemas (server/connections/schemas.ts).

const outcomeCategory = z.enum(OUTCOME_CATEGORIES);
/** Attempts by outcome category. */
const counts = z.object({
  success: z.number(),
  provider: z.number(),
  customer: z.number(),
  other: z.number(),
} satisfies Record<OutcomeCategory, z.ZodNumber>);
/** A history's filter by time and its pages, newest first: the last id shown and how many to read. */
const timeRangePage = {
  from: z.date().optional(),
  to: z.date().optional(),
  cursor: id.optional(),
  limit: z.number().int().min(1).max(200).optional(),
};

export const connectionEmail = z.object({
  id: z.string(),
  kind: z.string(),
  toEmail: z.string(),
  subject: z.string(),
  status: z.enum(MailStatus),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
});

export const resetTwoFactorInput = z.object({ userId: id, reason: z.string().trim().min(5).max(500) });

export const searchInput = z.object({ text: z.string().trim().max(200) });
export const searchResult = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  memberCount: z.number(),
  connectionCount: z.number(),
  connectionsNeedingAttention: z.number(),
  matchedOn: z.array(z.string()),
});

export const organizationInput = z.object({ slug: z.string().min(1).max(64) });
export const organizationOverview = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  createdAt: z.date(),
  members: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      email: z.string(),
      role: orgRole,
      since: z.date(),
      twoFactor: z.boolean(),
    }),
  ),
  connections: z.array(
    z.object({
      id: z.string(),
      status: connectionStatus,
      institution: z.object({ id: z.string(), name: z.string(), variant: institutionVariant, knownIssue: z.boolean() }),
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
  notices: z.array(notice),
});

/** Whether this staff member may force a refresh of the connection now, and why not. */
export const forceRefreshAllowance = z.object({
  allowed: z.boolean(),
  reason: z.string().nullable(),
  usedInWindow: z.number(),
  limit: z.number(),
  nextAllowedAt: z.date().nullable(),
});

export const connectionDetail = z.object({
  id: z.string(),
  status: connectionStatus,
  providerLoginId: z.string().nullable(),
  organization: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  institution: z.object({
    id: z.string(),
    name: z.string(),
    variant: institutionVariant,
    loginUrl: z.string(),
    knownIssueSince: z.date().nullable(),
    knownIssueCode: z.number().nullable(),
  }),
  lastStatusCode: z.number().nullable(),
  lastStatus: z.object({ title: z.string(), actor: statusActor, retry: z.enum(RETRY_POLICIES) }).nullable(),
  lastSuccessAt: z.date().nullable(),
  lastAttemptAt: z.date().nullable(),
  nextRetryAt: z.date().nullable(),
  retryCount: z.number(),
  aggregating: z.boolean(),
  createdAt: z.date(),
  removedAt: z.date().nullable(),
  accounts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      mask: z.string(),
      linked: z.boolean(),
      register: z.string().nullable(),
    }),
  ),
  /** Manage Institutions' own view of the connection, as the customer reads it (null once removed). */
  customerView: z
    .object({
      status: connectionStatus,
      problem: problem.pick({ code: true, title: true, nextStep: true, actor: true }).nullable(),
      awaitingAnswer: z.boolean(),
      knownIssue: z.boolean(),
      lastSuccessAt: z.date().nullable(),
      nextRetryAt: z.date().nullable(),
      notices: z.array(notice.omit({ connectionId: true, statusCode: true })),
    })
    .nullable(),
  forceRefresh: forceRefreshAllowance,
  codesSeen: z.array(z.number()),
});

export const eventsInput = z.object({
  connectionId: id,
  codes: z.array(z.number().int().min(0).max(9999)).max(50).optional(),
  kinds: z.array(eventKind).max(8).optional(),
  ...timeRangePage,
});
export const eventsPage = z.object({
  total: z.number(),
  nextCursor: z.string().nullable(),
  events: z.array(
    z.object({
      id: z.string(),
      kind: eventKind,
      trigger: eventTrigger,
      actor: z.object({ email: z.string(), name: z.string(), staff: z.boolean() }).nullable(),
      statusCode: z.number().nullable(),
      statusTitle: z.string().nullable(),
      category: outcomeCategory,
      message: z.string().nullable(),
      startedAt: z.date(),
      durationMs: z.number().nullable(),
      transactionCount: z.number().nullable(),
      inProgress: z.boolean(),
    }),
  ),
});

export const outcomesInput = z.object({ connectionId: id, from: z.date(), to: z.date() });
/** Attempts of one day by outcome. */
export const outcomesOfDay = z.object({ day: z.date(), ...counts.shape });

export const forceRefreshInput = z.object({
  connectionId: id,
  reason: z.string().trim().min(5, "Give a reason for forcing a refresh.").max(500),
});
export const forceRefreshResult = z.object({
  kind: z.enum(ATTEMPT_OUTCOME_KINDS),
  statusCode: z.number().nullable(),
  title: z.string(),
  eventId: z.string().nullable(),
});

export const knownIssue = z.object({
  institutionId: z.string(),
  name: z.string(),
  variant: institutionVariant,
  since: z.date(),
  code: z.number().nullable(),
  title: z.string().nullable(),
  affectedConnections: z.number(),
});

export const institutionHealthInput = z.object({
  window: z.enum(Object.keys(HEALTH_WINDOWS) as [HealthWindow, ...HealthWindow[]]),
});
export const healthReport = z.object({
  window: z.string(),
  from: z.date(),
  to: z.date(),
  institutions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      variant: institutionVariant,
      knownIssueSince: z.date().nullable(),
      knownIssueCode: z.number().nullable(),
      attempts: z.number(),
      failures: z.number(),
      failureRate: z.number(),
      organizationsFailing: z.number(),
      byCategory: counts,
      failuresByCode: z.array(z.object({ code: z.number(), title: z.string(), count: z.number() })),
    }),
  ),
});

export const auditInput = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().max(100).optional(),
  objectType: z.string().max(100).optional(),
  objectId: z.string().max(100).optional(),
  organization: z.string().max(64).optional(),
  actorKind: z.enum(AUDIT_ACTOR_KINDS).optional(),
  ...timeRangePage,
});
export const auditPage = z.object({
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
});

/** Long work under way or finished today (server/progress). */
export const work = z.object({
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
});

export type { OutcomeCategory };
export type ForceRefreshAllowance = z.output<typeof forceRefreshAllowance>;
export type AuditInput = z.input<typeof auditInput>;
export type AuditActorKind = NonNullable<AuditInput["actorKind"]>;
