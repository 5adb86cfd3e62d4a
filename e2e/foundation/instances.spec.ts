import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { signInOverHttp as signIn } from "../../scripts/lib/http-sign-in";
import { spawnTs, spawnWeb, stopChildren, waitForUrl, type Child } from "../../scripts/lib/processes";
import { dropDatabaseNamed } from "@/server/db/databases";
import { createDb } from "@/server/db/client";
import { migrate } from "@/server/db/migrate";
import { ensureDatabaseWithRoles } from "@/server/db/roles";
import { outsideAll } from "@/server/db/tenancy";
import { seedDemoData } from "@/server/demo/seed";
import { freePort } from "@/server/testing/free-port";
import { e2eStack } from "../support/stack";
import { DEMO_PASSWORD, demo } from "../support/users";

// Two web instances and two workers against one PostgreSQL, as production runs them: nothing
// one instance keeps in memory is needed by another. A database of its own on the suite's
// server, a sandbox of its own whose webhooks go to instance A, demo people.

const SLOW_MS = 3_000;

interface Instance {
  url: string;
  web: Child;
  worker: Child;
}

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

let children: Child[] = [];
let instances: [Instance, Instance];
let dropDatabase: () => Promise<void>;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // As production runs: the tables owned by the migrating role, the instances on the runtime role.
  const serverUrl = e2eStack().serverUrl;
  const name = `bankline_instances_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const { migrationUrl, databaseUrl } = await ensureDatabaseWithRoles(serverUrl, name);
  dropDatabase = () => dropDatabaseNamed(serverUrl, name);
  await migrate(migrationUrl);
  const db = createDb(databaseUrl, { outside: outsideAll("demo seed") });
  await seedDemoData(db);
  await db.$disconnect();

  const [portA, portB, sandboxPort] = [await freePort(), await freePort(), await freePort()];
  const urls = [`http://localhost:${portA}`, `http://localhost:${portB}`] as const;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    NEXTAUTH_URL: urls[0],
    APP_URL: urls[0],
    AGGREGATOR_URL: sandboxUrl,
    AGGREGATOR_WEBHOOK_SECRET: randomBytes(24).toString("hex"),
    LOG_LEVEL: "warn",
    JOBS_SUPERVISE_SECONDS: "2",
  };
  delete env.SMTP_URL;
  children.push(
    spawnTs("sandbox", "server/aggregator/sandbox/main.ts", {
      ...env,
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_STATE_FILE: "memory",
      SANDBOX_SLOW_MS: String(SLOW_MS),
    }),
  );
  const start = (url: string, port: number): Instance => {
    const web = spawnWeb(port, env);
    const worker = spawnTs("worker", "server/jobs/main.ts", { ...env, BANKLINE_SERVICE: "worker" });
    children.push(web, worker);
    return { url, web, worker };
  };
  instances = [start(urls[0], portA), start(urls[1], portB)];
  await Promise.all([
    waitForUrl(`${sandboxUrl}/health`, 60_000),
    ...urls.map((u) => waitForUrl(`${u}/api/health`, 90_000)),
  ]);
});

test.afterAll(async () => {
  await stopChildren(children, 15_000);
  children = [];
  await dropDatabase?.();
});

async function trpc<T>(
  baseUrl: string,
  cookie: string,
  procedure: string,
  input: object,
  kind: "query" | "mutation" = "query",
): Promise<T> {
  const encoded = encodeURIComponent(JSON.stringify({ 0: { json: input } }));
  const res =
    kind === "query"
      ? await fetch(`${baseUrl}/api/trpc/${procedure}?batch=1&input=${encoded}`, { headers: { cookie } })
      : await fetch(`${baseUrl}/api/trpc/${procedure}?batch=1`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json" },
          body: JSON.stringify({ 0: { json: input } }),
        });
  const [answer] = (await res.json()) as [{ result?: { data: { json: T } }; error?: { json: { message: string } } }];
  if (!answer?.result) throw new Error(`${procedure} on ${baseUrl}: ${answer?.error?.json.message ?? res.status}`);
  return answer.result.data.json;
}

test("a session made on one instance works on the other", async () => {
  const [a, b] = instances;
  const owner = await signIn(a.url, demo.owner, DEMO_PASSWORD);
  expect(owner.cookie).not.toBeNull();
  for (const instance of [a, b])
    expect(await trpc(instance.url, owner.cookie!, "connections.list", { orgSlug: "riverside" })).toEqual([]);
  const member = await signIn(b.url, demo.member, DEMO_PASSWORD);
  expect(await trpc(a.url, member.cookie!, "orgs.get", { orgSlug: "riverside" })).toMatchObject({ slug: "riverside" });
});

test("a retrieval started on instance A is finished by instance B's worker", async () => {
  const [a, b] = instances;
  const { cookie } = await signIn(a.url, demo.owner, DEMO_PASSWORD);
  const org = { orgSlug: "riverside" };
  const linked = await trpc<{ kind: string; connectionId: string }>(
    a.url,
    cookie!,
    "connections.link",
    { ...org, institutionId: "sandbox-bank-personal", credentials: { username: "demo_slow", password: "go" } },
    "mutation",
  );
  const connectionId = linked.connectionId;
  const status = () =>
    trpc<{ status: string; lastResult: { kind: string; statusCode: number } | null }>(
      b.url,
      cookie!,
      "connections.get",
      { ...org, connectionId },
    );
  await expect.poll(async () => (await status()).status, { timeout: 30_000 }).toBe("ACTIVE");

  // Only B's worker is left when the retrieval's completion arrives.
  await stopChildren([a.worker]);
  const started = await trpc<{ kind: string }>(
    a.url,
    cookie!,
    "connections.retrieve",
    { ...org, connectionId },
    "mutation",
  );
  expect(started.kind).toBe("aggregating");
  expect((await status()).status).toBe("AGGREGATING");
  await expect.poll(async () => (await status()).status, { timeout: 30_000 }).toBe("ACTIVE");
  expect((await status()).lastResult).toMatchObject({ kind: "RETRIEVE", statusCode: 0 });
  expect(b.worker.process.exitCode).toBeNull();
});

test("the sign-in throttle counts the failures made on both instances", async () => {
  const [a, b] = instances;
  // The free failures, spread over both instances.
  for (let i = 0; i < 3; i++)
    expect((await signIn(i % 2 ? b.url : a.url, demo.viewer, "not-the-password")).error).toBe("CredentialsSignin");
  // The next try, even with the right password and on either instance, waits.
  for (const instance of [a, b]) {
    const refused = await signIn(instance.url, demo.viewer, DEMO_PASSWORD);
    expect(refused.cookie).toBeNull();
    expect(refused.error).toMatch(/^locked-until:/);
  }
});
