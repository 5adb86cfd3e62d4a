import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client/http-client";
import { waitFor, webhookReceiver } from "@/server/aggregator/testing/sandbox-helpers";
import { processAggregatorWebhook } from "@/server/jobs/aggregator-webhook";
import { log } from "@/server/log";
import { changePasswordAtBank, resetBankUser } from "@/server/testing/bank-site";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { receiveAggregatorWebhook } from "@/server/webhooks/receive-aggregator-webhook";

// Credentials and security answers typed by a customer pass through the product (tRPC
// procedures, the connection engine, the provider client, the webhook receiver and its job)
// to the aggregator and nowhere else. Every logger the product creates writes into one
// capture here, at the most verbose level; after the flows, every table and every captured
// line is searched for the customer's secrets.

const captured = vi.hoisted(() => [] as string[]);
vi.mock("@/server/log", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/server/log")>();
  const { Writable: Sink } = await import("node:stream");
  const capture = new Sink({
    write(chunk, _enc, done) {
      captured.push(String(chunk));
      done();
    },
  });
  const createLogger: typeof actual.createLogger = (options = {}) =>
    actual.createLogger({ ...options, level: "trace", destination: options.destination ?? capture });
  return { ...actual, createLogger, log: createLogger() };
});

// An institution no other suite uses: the bank-site password change below is per institution.
const INSTITUTION = "coppercanyonbank-personal";

const tag = randomBytes(4).toString("hex");
const secrets = {
  wrongLinkPassword: `LinkPw-Marmot-${tag}-${randomBytes(6).toString("hex")}`,
  wrongAnswer: `Answer-Heron-${tag}-${randomBytes(6).toString("hex")}`,
  newBankPassword: `NewPw-Ibex-${tag}-${randomBytes(6).toString("hex")}`,
  wrongUpdatePassword: `UpdatePw-Lynx-${tag}-${randomBytes(6).toString("hex")}`,
  oversizedPassword: `Oversized-Civet-${tag}-${"y".repeat(210)}`,
};
// The sandbox's right password and answer are short words; only their JSON or form shape is
// telling (JSON inside a logged message has its quotes escaped).
const shortSecretPatterns = [
  /\\?"password\\?"\s*:\s*\\?"go\\?"/i,
  /\\?"answer\\?"\s*:\s*\\?"blue\\?"/i,
  /password=go\b/i,
  /answer=blue\b/i,
];

let fx: OrgFixture;
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let caller: ReturnType<typeof callerFor>;
const org = () => ({ orgSlug: fx.org.slug });

beforeAll(async () => {
  const db = testDb();
  fx = await createOrgWithMembers(db, "Secrets");
  const deps = () => ({ db, aggregator, log });
  hook = await webhookReceiver((req) =>
    receiveAggregatorWebhook(req, {
      db,
      secret: inject("aggregatorWebhookSecret"),
      log,
      enqueueEvent: async (eventId) => void (await processAggregatorWebhook(deps(), eventId)),
    }),
  );
  // The product's client as the app builds it (its default logger), with its completions sent here.
  const aggregator = new HttpAggregatorClient({
    baseUrl: inject("aggregatorUrl"),
    timeoutMs: 5000,
    customerWebhookUrl: hook.url,
    retry: { maxAttempts: 2, baseDelayMs: 5 },
  });
  caller = callerFor(db, fx.users.OWNER, { aggregator });
});
afterAll(async () => {
  await hook?.close();
  await resetBankUser(INSTITUTION, "demo_password");
});

async function scan(extra: Record<string, string> = {}) {
  const db = testDb();
  const haystacks: Record<string, string> = { "product logs": captured.join(""), ...extra };
  const tables = await db.$queryRawUnsafe<{ schema: string; name: string }[]>(
    "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
  );
  for (const t of tables) {
    const columns = await db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2 AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`,
      t.schema,
      t.name,
    );
    if (columns.length === 0) continue;
    const rows = await db.$queryRawUnsafe<{ text: string | null }[]>(
      `SELECT concat_ws(' ', ${columns.map((c) => `"${c.name}"::text`).join(", ")}) AS text FROM "${t.schema}"."${t.name}"`,
    );
    haystacks[`${t.schema}.${t.name}`] = rows.map((r) => r.text ?? "").join("\n");
  }
  return { haystacks, tables: tables.map((t) => `${t.schema}.${t.name}`) };
}

describe("customer secrets through the product", () => {
  it("leave no trace in any table or log line after link, security questions and Update Login", async () => {
    const db = testDb();

    // A wrong password, and one the input check refuses.
    const wrong = await caller.connections.link({
      ...org(),
      institutionId: INSTITUTION,
      credentials: { username: "demo", password: secrets.wrongLinkPassword },
    });
    expect(wrong).toMatchObject({ kind: "failed", problem: { code: 103 } });
    await expect(
      caller.connections.link({
        ...org(),
        institutionId: INSTITUTION,
        credentials: { username: "demo", password: secrets.oversizedPassword },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });

    // Security questions: a wrong answer, then the right ones.
    let step = await caller.connections.link({
      ...org(),
      institutionId: INSTITUTION,
      credentials: { username: "demo_mfa", password: "go" },
    });
    expect(step.kind).toBe("mfa");
    const mfaConnection = step.connectionId!;
    step = await caller.connections.answerMfa({ ...org(), connectionId: mfaConnection, answer: secrets.wrongAnswer });
    expect(step).toMatchObject({ kind: "mfa", wrongAnswer: true });
    while (step.kind === "mfa")
      step = await caller.connections.answerMfa({ ...org(), connectionId: mfaConnection, answer: "blue" });
    expect(step.kind).toBe("connected");

    // The password changed at the bank's own site: 109, then 103, then Update Login (a wrong and the new password).
    const linked = await caller.connections.link({
      ...org(),
      institutionId: INSTITUTION,
      credentials: { username: "demo_password", password: "go" },
    });
    expect(linked.kind).toBe("connected");
    const connectionId = linked.connectionId!;
    expect(await caller.connections.retrieve({ ...org(), connectionId })).toMatchObject({
      kind: "failed",
      problem: { code: 109 },
    });
    await changePasswordAtBank(INSTITUTION, "demo_password", secrets.newBankPassword);
    expect(await caller.connections.retrieve({ ...org(), connectionId })).toMatchObject({
      kind: "failed",
      problem: { code: 103 },
    });
    const wrongUpdate = await caller.connections.updateLogin({
      ...org(),
      connectionId,
      credentials: { username: "demo_password", password: secrets.wrongUpdatePassword },
    });
    expect(wrongUpdate).toMatchObject({ kind: "failed", problem: { code: 103 } });
    const updated = await caller.connections.updateLogin({
      ...org(),
      connectionId,
      credentials: { username: "demo_password", password: secrets.newBankPassword },
    });
    expect(updated).toMatchObject({ kind: "connected", status: "ACTIVE" });

    // The aggregator's webhooks about these logins went through the receiver and its job.
    const updateLoginId = (await db.connection.findUniqueOrThrow({ where: { id: connectionId } })).providerLoginId;
    await waitFor("the Update Login webhook", async () =>
      hook.received.some((r) => r.body.data.loginId === updateLoginId && r.body.data.trigger === "update"),
    );
    const deliveredIds = hook.received.map((r) => r.body.id);
    await waitFor(
      "every webhook to be processed",
      async () =>
        (await db.webhookEvent.count({ where: { id: { in: deliveredIds }, processedAt: { not: null } } })) ===
        deliveredIds.length,
    );

    // A canary, logged and stored where a leak would land, proves the scan reaches there.
    const canary = `Canary-Gannet-${tag}`;
    log.child({ requestId: "canary" }).info({ note: canary }, "canary");
    await db.connectionEvent.updateMany({ where: { connectionId, statusCode: 109 }, data: { message: canary } });

    const logFile = inject("aggregatorLogFile");
    const { haystacks, tables } = await scan(logFile ? { "sandbox log": await readFile(logFile, "utf8") } : {});
    expect(tables).toEqual(
      expect.arrayContaining([
        "public.Connection",
        "public.ConnectionEvent",
        "public.AuditEntry",
        "public.WebhookEvent",
      ]),
    );
    expect(captured.some((l) => l.includes("procedure ok"))).toBe(true);
    expect(captured.some((l) => l.includes("aggregator-client"))).toBe(true);
    expect(
      Object.entries(haystacks)
        .filter(([, text]) => text.includes(canary))
        .map(([where]) => where)
        .sort(),
    ).toEqual(["product logs", "public.ConnectionEvent"]);

    const leaks: string[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [name, secret] of Object.entries(secrets))
        if (text.includes(secret.slice(0, 30))) leaks.push(`${name} in ${where}`);
      for (const pattern of shortSecretPatterns) if (pattern.test(text)) leaks.push(`${pattern} in ${where}`);
    }
    expect(leaks).toEqual([]);
  });
});
