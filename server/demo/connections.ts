import { randomBytes } from "node:crypto";
import type { Account } from "@/server/aggregator/client";
import { describeStatus } from "@/server/aggregator/status-codes";
import { linkConnection, startAggregation, type EngineDeps } from "@/server/connections/engine";
import { chooseAccounts } from "@/server/connections/service";
import type { ConnectionEventKind, EventTrigger } from "@/server/db/generated/client";
import { seedDemoRelink } from "./relink";

// Demo connections for support and QA: real logins at the sandbox aggregator, linked through
// the provider client like a customer would, then given a past (synthetic events over the
// previous weeks, since the sandbox can only act now). Runs once, right after the demo people
// are created in an empty database, with the sandbox up.
//
//   Riverside Food Pantry
//     Sandbox Bank (Business), demo_business — Active, checking and savings posting to the
//       books, transactions in the bank feed, a nightly history with one 102 that a retry fixed.
//     Commonwealth Nonprofit Bank, demo_password — Error 103: the treasurer changed the
//       password at the bank; the nightly refresh and the customer's own tries fail since.
//   Hillcrest Youth League
//     Summit Valley Bank (Business), demo_business — Active, one day of 910 during an outage.
//     Tidewater Bank (Personal), demo_down — Error 102, retried in the background until it works.
//   Riverside Food Pantry, again
//     Sandbox Credit Union, demo — removed and added again a week ago: possible duplicates of the
//       books in its feed (server/demo/relink.ts).

const DAY = 86_400_000;
const MINUTE = 60_000;

interface Person {
  id: string;
  email: string;
}

interface People {
  orgs: Map<string, { id: string; name: string }>;
  users: Map<string, Person>;
}

type Deps = EngineDeps & { sandboxUrl: string };

export async function seedDemoConnections(deps: Deps, people: People) {
  const riverside = people.orgs.get("riverside")!;
  const hillcrest = people.orgs.get("hillcrest")!;
  const rosa = people.users.get("owner@riverside.example")!;
  const marcus = people.users.get("member@riverside.example")!;
  const henry = people.users.get("owner@hillcrest.example")!;
  const nightly = (statusCode: number, transactions = 0, minutes = 0): PastAttempt => ({
    kind: "REFRESH",
    trigger: "SCHEDULE",
    statusCode,
    minutes,
    transactions,
  });

  // Riverside: the working business account.
  const operating = await linkAndChoose(
    deps,
    { org: riverside, actor: rosa, institutionId: "sandbox-bank-business", username: "demo_business", retrieve: true },
    (a) => (a.kind === "credit_card" ? null : a.kind === "savings" ? "Reserve Savings" : "Operating Checking"),
  );
  await giveHistory(deps, operating, { linkedDaysAgo: 45, actor: rosa }, (day) => {
    if (day === 12) return [nightly(102), nightly(0, 3, 5)];
    if (day === 7)
      return [
        nightly(0, 2),
        { kind: "RETRIEVE", trigger: "CUSTOMER", statusCode: 0, minutes: 9 * 60, transactions: 1, actor: marcus },
      ];
    return [nightly(0, day % 3)];
  });

  // Riverside: the payroll account whose password was changed at the bank four days ago.
  const payroll = await linkAndChoose(
    deps,
    { org: riverside, actor: rosa, institutionId: "commonwealthnonprofit", username: "demo_password", retrieve: false },
    (a) => (a.kind === "checking" ? "Payroll Checking" : null),
  );
  await giveHistory(deps, payroll, { linkedDaysAgo: 60, actor: rosa }, (day) => {
    if (day > 4) return [nightly(0, day % 2)];
    if (day === 4) return [nightly(103)];
    if (day === 3) return [{ kind: "RETRIEVE", trigger: "CUSTOMER", statusCode: 103, minutes: 10 * 60, actor: marcus }];
    if (day === 2)
      return [{ kind: "UPDATE_LOGIN", trigger: "CUSTOMER", statusCode: 103, minutes: 11 * 60, actor: rosa }];
    return [{ kind: "RETRIEVE", trigger: "CUSTOMER", statusCode: 103, minutes: 9 * 60, actor: marcus }];
  });
  await changePasswordAtSandboxBank(
    deps.sandboxUrl,
    "commonwealthnonprofit",
    "demo_password",
    "go",
    `river-${randomBytes(3).toString("hex")}`,
  );
  await startAggregation(deps, {
    organizationId: riverside.id,
    connectionId: payroll,
    source: { kind: "RETRIEVE", trigger: "CUSTOMER", actorUserId: marcus.id },
  });
  // The problem dates from the first refusal, the nightly refresh four days ago.
  const firstRefusal = await deps.db.connectionEvent.findFirstOrThrow({
    where: { connectionId: payroll, statusCode: 103 },
    orderBy: { startedAt: "asc" },
    select: { startedAt: true },
  });
  await deps.db.notice.updateMany({
    where: { connectionId: payroll, resolvedAt: null },
    data: { createdAt: firstRefusal.startedAt },
  });

  // Hillcrest: a working account that went through a provider outage, and one the bank keeps dropping.
  const team = await linkAndChoose(
    deps,
    {
      org: hillcrest,
      actor: henry,
      institutionId: "summitvalleybank-business",
      username: "demo_business",
      retrieve: true,
    },
    (a) => (a.kind === "checking" ? "Team Checking" : null),
  );
  await giveHistory(deps, team, { linkedDaysAgo: 30, actor: henry }, (day) =>
    day === 9 ? [nightly(910), nightly(910, 0, 5), nightly(0, 2, 15)] : [nightly(0, day % 4)],
  );

  const fundraising = await linkAndChoose(
    deps,
    { org: hillcrest, actor: henry, institutionId: "tidewaterbank-personal", username: "demo_down", retrieve: false },
    (a) => (a.kind === "checking" ? "Fundraising Checking" : null),
  );
  await giveHistory(deps, fundraising, { linkedDaysAgo: 10, actor: henry }, () => [nightly(0, 1)]);
  await startAggregation(deps, {
    organizationId: hillcrest.id,
    connectionId: fundraising,
    source: { kind: "REFRESH", trigger: "SCHEDULE", actorUserId: null },
  });

  // Riverside: a bank removed and added again a week ago, its feed full of what the books already have.
  await seedDemoRelink(deps, { org: riverside, owner: rosa, bookkeeper: marcus });
}

type AccountKind = Account["kind"];

/** Links a test login as the owner and maps accounts to registers (null: leave it unlinked). */
async function linkAndChoose(
  deps: Deps,
  args: {
    org: { id: string; name: string };
    actor: Person;
    institutionId: string;
    username: string;
    retrieve: boolean;
  },
  registerFor: (account: { kind: AccountKind; name: string }) => string | null,
): Promise<string> {
  const outcome = await linkConnection(deps, {
    organizationId: args.org.id,
    organizationName: args.org.name,
    institutionId: args.institutionId,
    credentials: { username: args.username, password: "go" },
    actorUserId: args.actor.id,
  });
  if (outcome.kind !== "connected")
    throw new Error(`demo link of ${args.username} at ${args.institutionId} gave ${outcome.kind}`);
  const accounts = await deps.db.bankAccount.findMany({
    where: { connectionId: outcome.connectionId },
    select: { id: true, kind: true, name: true },
  });
  await chooseAccounts(deps.db, {
    organizationId: args.org.id,
    connectionId: outcome.connectionId,
    choices: accounts.map((a) => {
      const register = registerFor({ kind: a.kind as AccountKind, name: a.name });
      return { bankAccountId: a.id, link: register !== null, newRegisterName: register };
    }),
  });
  if (args.retrieve) {
    await startAggregation(deps, {
      organizationId: args.org.id,
      connectionId: outcome.connectionId,
      source: { kind: "RETRIEVE", trigger: "CUSTOMER", actorUserId: args.actor.id },
    });
  }
  return outcome.connectionId;
}

interface PastAttempt {
  kind: ConnectionEventKind;
  trigger: EventTrigger;
  statusCode: number;
  /** Minutes after 02:00 UTC that day. */
  minutes: number;
  transactions?: number;
  actor?: Person;
}

/**
 * Moves the real link and first retrieval back to `linkedDaysAgo`, and fills every day since
 * with the attempts `day` returns (day 1 is yesterday), as the nightly refresh would have.
 */
async function giveHistory(
  deps: Deps,
  connectionId: string,
  args: { linkedDaysAgo: number; actor: Person },
  day: (daysAgo: number) => PastAttempt[],
) {
  const { db } = deps;
  const connection = await db.connection.findUniqueOrThrow({
    where: { id: connectionId },
    select: { organizationId: true, institutionId: true },
  });
  const midnight = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z").getTime();
  const linkedAt = new Date(midnight - args.linkedDaysAgo * DAY + 15 * 60 * MINUTE);
  const firstEvents = await db.connectionEvent.findMany({
    where: { connectionId },
    orderBy: { startedAt: "asc" },
    select: { id: true },
  });
  for (const [i, e] of firstEvents.entries()) {
    const at = new Date(linkedAt.getTime() + i * 3 * MINUTE);
    await db.connectionEvent.update({ where: { id: e.id }, data: { startedAt: at, createdAt: at } });
  }
  await db.connection.update({ where: { id: connectionId }, data: { createdAt: linkedAt } });
  await db.auditEntry.createMany({
    data: ["connection.link", "connection.chooseAccounts"].map((action, i) => ({
      actorUserId: args.actor.id,
      actorEmail: args.actor.email,
      organizationId: connection.organizationId,
      action,
      objectType: "Connection",
      objectId: connectionId,
      ipAddress: "198.51.100.23",
      createdAt: new Date(linkedAt.getTime() + i * 2 * MINUTE),
    })),
  });
  const events = [];
  for (let d = args.linkedDaysAgo - 1; d >= 1; d--) {
    for (const a of day(d)) {
      const at = new Date(midnight - d * DAY + 2 * 60 * MINUTE + a.minutes * MINUTE);
      const status = describeStatus(a.statusCode);
      events.push({
        organizationId: connection.organizationId,
        connectionId,
        institutionId: connection.institutionId,
        kind: a.kind,
        trigger: a.trigger,
        actorUserId: a.actor?.id ?? null,
        statusCode: a.statusCode,
        message: status.title,
        startedAt: at,
        createdAt: at,
        durationMs: a.statusCode === 0 ? 1800 + ((d * 7919) % 2400) : 600 + ((d * 104729) % 900),
        transactionCount: a.statusCode === 0 ? (a.transactions ?? 0) : null,
      });
    }
  }
  await db.connectionEvent.createMany({ data: events });
  const lastSuccess = events.filter((e) => e.statusCode === 0).at(-1)?.startedAt ?? linkedAt;
  await db.connection.update({ where: { id: connectionId }, data: { lastSuccessAt: lastSuccess } });
}

/** Changes a test login's password at the sandbox bank's own site, as the customer would. */
async function changePasswordAtSandboxBank(
  sandboxUrl: string,
  institutionId: string,
  username: string,
  current: string,
  next: string,
) {
  const base = `${sandboxUrl}/bank/${institutionId}`;
  const signIn = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password: current }),
    redirect: "manual",
  });
  const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`could not sign in at the sandbox bank as ${username}`);
  const changed = await fetch(`${base}/password`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ currentPassword: current, newPassword: next, confirmPassword: next }),
    redirect: "manual",
  });
  if (changed.status !== 302 && changed.status !== 303)
    throw new Error(`the sandbox bank refused the password change (${changed.status})`);
}
