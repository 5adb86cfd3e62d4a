import { isAggregatorError, type Account, type Credentials, type LoginOutcome } from "@/server/aggregator/client";
import { recordEvent, type AttemptSource } from "./events";
import { retrieveFeed } from "./aggregation";
import {
  connectionSelect,
  credentialLinking,
  institutionTexts,
  loadConnection,
  loginRef,
  type AttemptOutcome,
  type ConnectionRow,
  type EngineDeps,
} from "./attempt";
import { failAttempt } from "./completion";
import {
  continueAsAggregation,
  settleQuestion,
  settleSuccesses,
  storeAccounts,
  type SettledAttempt,
} from "./transitions";

// Linking a bank login and Update Login: the credentials pass straight through to the
// aggregator and are never stored or logged; what it answers (a working login, a security
// question, an aggregation under way, a failure) settles the connection.

export async function upsertInstitution(deps: EngineDeps, institutionId: string) {
  const institution = await deps.aggregator.getInstitution(institutionId);
  const data = {
    name: institution.name,
    variant: institution.variant,
    loginUrl: institution.loginUrl,
    sandboxSiteUrl: institution.sandboxSiteUrl,
    linkStyle: institution.linkStyle,
  };
  await deps.db.institution.upsert({
    where: { id: institution.id },
    create: { id: institution.id, ...data },
    update: data,
  });
  return institution;
}

export async function linkConnection(
  deps: EngineDeps,
  args: {
    organizationId: string;
    organizationName: string;
    institutionId: string;
    credentials: Credentials;
    actorUserId: string;
  },
): Promise<AttemptOutcome> {
  const { db } = deps;
  const institution = await upsertInstitution(deps, args.institutionId);
  const source: AttemptSource = { kind: "LINK", trigger: "CUSTOMER", actorUserId: args.actorUserId };
  const startedAt = new Date();
  let outcome: LoginOutcome;
  try {
    outcome = await credentialLinking(deps.aggregator, institution).link({
      organizationId: args.organizationId,
      organizationName: args.organizationName,
      institutionId: args.institutionId,
      credentials: args.credentials,
    });
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    // A first link that fails never becomes a connection; its attempt stays in the history.
    const problem = err.describe({ institutionName: institution.name, institutionUrl: institution.loginUrl });
    const event = await recordEvent(db, {
      organizationId: args.organizationId,
      connectionId: null,
      institutionId: args.institutionId,
      source,
      startedAt,
      result: { statusCode: problem.code, message: problem.title },
    });
    return { kind: "failed", connectionId: null, attemptId: event.id, problem, nextRetryAt: null };
  }

  const connection = await db.connection.create({
    data: {
      organizationId: args.organizationId,
      institutionId: args.institutionId,
      providerLoginId: outcome.login.loginId,
      status: "ACTION_REQUIRED",
      createdById: args.actorUserId,
      lastAttemptAt: new Date(),
    },
    select: connectionSelect,
  });
  return settleLoginOutcome(deps, connection, outcome, { source, startedAt });
}

export async function updateLogin(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; credentials: Credentials; actorUserId: string },
): Promise<AttemptOutcome> {
  const connection = await loadConnection(deps.db, args.organizationId, args.connectionId);
  const attempt = {
    source: { kind: "UPDATE_LOGIN", trigger: "CUSTOMER", actorUserId: args.actorUserId },
    startedAt: new Date(),
  } as const;
  try {
    const outcome = await credentialLinking(deps.aggregator, connection.institution).updateLogin(
      loginRef(connection),
      args.credentials,
    );
    return await settleLoginOutcome(deps, connection, outcome, attempt);
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    return failAttempt(deps, { connection, attempt, problem: err.describe(institutionTexts(connection)) });
  }
}

/**
 * Brings a connection in line with what the aggregator answered to link, answerMfa or
 * updateLogin: the next security question, an aggregation that goes on by itself, or a
 * working login whose accounts are synced (and, once some are linked, its new transactions).
 */
export async function settleLoginOutcome(
  deps: EngineDeps,
  connection: ConnectionRow,
  outcome: LoginOutcome,
  attempt: Extract<SettledAttempt, { source: AttemptSource }>,
): Promise<AttemptOutcome> {
  const { db } = deps;
  if (outcome.kind === "mfa") {
    return settleQuestion(db, {
      connection,
      attempt,
      challenge: outcome.challenge,
      reportedAttemptAt: outcome.login.lastAttemptAt,
    });
  }
  // Accounts answer 325 while an aggregation runs; completeAggregation syncs them then.
  if (outcome.login.aggregating) {
    const attemptId = await continueAsAggregation(db, { connection, ...attempt });
    return { kind: "aggregating", connectionId: connection.id, attemptId };
  }
  await syncAccounts(deps, connection);
  // A login that is already linked to accounts brings their new transactions at once.
  const linked = await db.bankAccount.count({ where: { connectionId: connection.id, linked: true } });
  const transactionCount = linked > 0 ? await retrieveFeed(deps, connection.id) : null;
  const settled = await db.$transaction((tx) =>
    settleSuccesses(
      tx,
      [
        {
          organizationId: connection.organizationId,
          connectionId: connection.id,
          institutionId: connection.institutionId,
          attempt,
          transactionCount,
          reportedAttemptAt: outcome.login.lastAttemptAt,
        },
      ],
      { holding: false },
    ),
  );
  return {
    kind: "connected",
    connectionId: connection.id,
    attemptId: settled.get(connection.id) ?? null,
    status: "ACTIVE",
    transactionCount,
  };
}

/** Stores the login's accounts: new ones unlinked (the customer chooses), known ones with fresh balances. */
export async function syncAccounts(
  deps: EngineDeps,
  connection: Pick<ConnectionRow, "id" | "organizationId" | "providerLoginId" | "institutionId">,
) {
  const accounts: Account[] = await deps.aggregator.listAccounts(loginRef(connection));
  await storeAccounts(deps.db, [{ organizationId: connection.organizationId, connectionId: connection.id, accounts }]);
  return accounts;
}
