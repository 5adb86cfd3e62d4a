import { z } from "zod";
import { INSTITUTION_STATUSES, MFA_QUESTION_KINDS } from "@/server/aggregator/client/types";
import { ACTORS, REMEDIES } from "@/server/aggregator/status-codes";
import {
  ConnectionEventKind,
  ConnectionStatus,
  ConnectPurpose,
  ConnectSessionStatus,
  EventTrigger,
  InstitutionVariant,
  LinkStyle,
} from "@/server/db/generated/enums";
import { id } from "@/server/trpc/schemas";
import { CONNECT_ENDINGS } from "./hosted";

// What connections.* procedures take and give: Manage Institutions' connections, the link
// and Update Login flows, the provider's hosted page. The enums are schema.prisma's; the
// support console reads connections and their history with these same ones.

export const connectionStatus = z.enum(ConnectionStatus);
export const institutionVariant = z.enum(InstitutionVariant);
export const linkStyle = z.enum(LinkStyle);
export const eventKind = z.enum(ConnectionEventKind);
export const eventTrigger = z.enum(EventTrigger);
export const statusActor = z.enum(ACTORS);

export const credentials = z.object({
  username: z.string().trim().min(1, "Enter the username you use at the bank.").max(200),
  password: z.string().min(1, "Enter the password you use at the bank.").max(200),
});

/** A status code as the customer reads it, with what fixes it (server/aggregator/status-codes.ts). */
export const problem = z.object({
  code: z.number(),
  title: z.string(),
  nextStep: z.string(),
  actor: statusActor,
  remedy: z.enum(REMEDIES),
  atBankSite: z.boolean(),
});

/** A bank of the aggregator's catalog, as Add institution lists it. */
export const catalogInstitution = z.object({
  id: z.string(),
  name: z.string(),
  variant: institutionVariant,
  loginUrl: z.string(),
  sandboxSiteUrl: z.string().nullable(),
  status: z.enum(INSTITUTION_STATUSES),
  linkStyle,
});

export const discoveredAccount = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  mask: z.string(),
  balanceCents: z.number().nullable(),
  currency: z.string(),
  linked: z.boolean(),
  register: z.object({ id: z.string(), name: z.string() }).nullable(),
});

export const connectionView = z.object({
  id: z.string(),
  status: connectionStatus,
  institution: z.object({
    id: z.string(),
    name: z.string(),
    variant: institutionVariant,
    loginUrl: z.string(),
    sandboxSiteUrl: z.string().nullable(),
    knownIssue: z.boolean(),
    linkStyle,
  }),
  lastStatusCode: z.number().nullable(),
  problem: problem.nullable(),
  awaitingAnswer: z.boolean(),
  lastSuccessAt: z.date().nullable(),
  lastAttemptAt: z.date().nullable(),
  nextRetryAt: z.date().nullable(),
  aggregationStartedAt: z.date().nullable(),
  createdAt: z.date(),
  lastResult: z
    .object({
      id: z.string(),
      kind: z.string(),
      statusCode: z.number().nullable(),
      transactionCount: z.number().nullable(),
      at: z.date(),
    })
    .nullable(),
  accounts: z.array(discoveredAccount),
});

/** An open notice: what the customer must do about a connection, until it works again. */
export const notice = z.object({
  id: z.string(),
  connectionId: z.string().nullable(),
  statusCode: z.number().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: z.date(),
});

export const mfaQuestion = z.object({
  id: z.string(),
  kind: z.enum(MFA_QUESTION_KINDS),
  text: z.string(),
  choices: z.array(z.string()),
  /** "Question 2 of 3" when the aggregator tells. */
  progress: z.object({ current: z.number(), total: z.number() }).nullable(),
});

/** The attempt's row in the connection's history (null when nothing new was attempted). */
const attemptId = z.string().nullable();

/** What the customer sees after an attempt: linked, still aggregating, a security question, or a problem. */
export const attemptOutcome = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("connected"),
    connectionId: z.string(),
    attemptId,
    status: connectionStatus,
    transactionCount: z.number().nullable(),
  }),
  z.object({ kind: z.literal("aggregating"), connectionId: z.string(), attemptId }),
  z.object({
    kind: z.literal("mfa"),
    connectionId: z.string(),
    attemptId,
    question: mfaQuestion,
    wrongAnswer: z.boolean(),
    expiresAt: z.date(),
  }),
  z.object({
    kind: z.literal("failed"),
    connectionId: z.string().nullable(),
    attemptId,
    problem,
    nextRetryAt: z.date().nullable(),
  }),
]);

/** The provider's hosted page, opened for the person of the request. */
export const openedSession = z.object({
  sessionId: z.string(),
  url: z.string(),
  /** Show it in a frame inside the dialog; otherwise in a window of its own. */
  inFrame: z.boolean(),
});

export const connectSessionView = z.object({
  id: z.string(),
  purpose: z.enum(ConnectPurpose),
  status: z.enum(ConnectSessionStatus),
  problem: problem.nullable(),
  /** The connections a link added, or the one a fix repaired. */
  connectionIds: z.array(z.string()),
});

export const registerForMapping = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  linkedAccounts: z.number(),
});

export const connectionRef = z.object({ connectionId: id });
export const sessionRef = z.object({ sessionId: id });

export const searchInstitutionsInput = z.object({ text: z.string().trim().max(100) });
export const linkInput = z.object({ institutionId: id, credentials });
export const answerMfaInput = z.object({
  connectionId: id,
  answer: z.string().trim().min(1, "Enter an answer.").max(500),
});
export const updateLoginInput = z.object({ connectionId: id, credentials });
/** institutionId when the customer picked the bank in Bankline's search. */
export const connectLinkInput = z.object({ institutionId: id.nullish() });
/** How the customer left the provider's page (a failure is the provider's to report, never the browser's). */
export const returnEnding = z.enum(CONNECT_ENDINGS).exclude(["failed"]);
export const connectReturnedInput = z.object({ sessionId: id, ending: returnEnding });

export const accountChoice = z.object({
  bankAccountId: id,
  link: z.boolean(),
  /** An existing register of the organization, or the name of one to create. */
  registerId: id.nullish(),
  newRegisterName: z.string().trim().max(100).nullish(),
});
export const chooseAccountsInput = z.object({ connectionId: id, choices: z.array(accountChoice).min(1).max(50) });

export const removed = z.object({ removed: z.literal(true) });

export type {
  ConnectionEventKind,
  ConnectionStatus,
  EventTrigger,
  InstitutionVariant,
  LinkStyle,
} from "@/server/db/generated/enums";
export type Credentials = z.input<typeof credentials>;
export type Problem = z.output<typeof problem>;
export type CatalogInstitution = z.output<typeof catalogInstitution>;
export type DiscoveredAccount = z.output<typeof discoveredAccount>;
export type ConnectionView = z.output<typeof connectionView>;
export type Notice = z.output<typeof notice>;
export type MfaQuestion = z.output<typeof mfaQuestion>;
export type AttemptOutcome = z.output<typeof attemptOutcome>;
export type OpenedSession = z.output<typeof openedSession>;
export type ConnectSessionView = z.output<typeof connectSessionView>;
export type ReturnEnding = z.output<typeof returnEnding>;
export type AccountChoice = z.input<typeof accountChoice>;
