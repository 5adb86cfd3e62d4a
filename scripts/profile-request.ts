import { throwawayDatabase } from "./lib/bench-database";
import { encode, decode } from "next-auth/jwt";
import pg from "pg";
import superjson from "superjson";
import { readSessionToken } from "@/server/auth/session-token";
import { checkSession, startSession } from "@/server/auth/sessions";
import { PrismaPg } from "@prisma/adapter-pg";
import { hashToken } from "@/server/auth/tokens";
import { createDb, Prisma, readRows } from "@/server/db/client";
import { PrismaClient } from "@/server/db/generated/client";
import { migrate } from "@/server/db/migrate";
import { listFeed } from "@/server/feed/list";
import { listEntries } from "@/server/register/service";
import { createLogger } from "@/server/log";
import { createInnerContext } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/router";
import { benchOwner, seedPortalBench } from "./lib/bench-portal-seed";

// `npm run profile:request`: where the server time of one portal request (feed.list, the bank
// feed's first page) goes, part by part, in this process against the bench:portal database:
// each part run a few thousand times and its median taken, then every SQL statement of the
// request with EXPLAIN ANALYZE, and each of those statements through Prisma and through readRows.
// docs/performance.md reads from it; the whole request over HTTP is bench:portal's.

const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 2000);
const SECRET = "a-profile-secret-of-at-least-32-characters";

/** Prints the median time of a run and this process's CPU per run (PostgreSQL's own is not in it). */
async function median(what: string, run: () => Promise<unknown> | unknown) {
  for (let i = 0; i < Math.min(200, ROUNDS); i++) await run();
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  const cpuMs = (cpu.user + cpu.system) / 1000 / ROUNDS;
  console.log(`${what.padEnd(58)} ${ms.toFixed(3).padStart(7)} ms  (CPU here ${cpuMs.toFixed(3)} ms)`);
  return ms;
}

/** A logged statement and its parameters as a Prisma.Sql again (its placeholders are $1…$n, in order). */
function sqlOf(text: string, params: unknown[]): Prisma.Sql {
  const order = [...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]) - 1);
  return new Prisma.Sql(
    text.split(/\$\d+/),
    order.map((i) => params[i]),
  );
}

async function main() {
  const database = await throwawayDatabase({ name: "bankline-profile", serverUrl: process.env.BENCH_DATABASE_URL });
  const url = database.url;
  const queries: { query: string; params: string }[] = [];
  // PROFILE_PLAN_CACHE=force_custom_plan (or force_generic_plan) compares PostgreSQL's plan choices.
  const db = createDb(
    process.env.PROFILE_PLAN_CACHE
      ? `${url}?options=${encodeURIComponent(`-c plan_cache_mode=${process.env.PROFILE_PLAN_CACHE}`)}`
      : url,
  );
  try {
    await migrate(url);
    await seedPortalBench(url);
    const owner = benchOwner(1);
    const user = await db.user.findUniqueOrThrow({ where: { email: owner.email }, select: { id: true } });
    const org = await db.organization.findUniqueOrThrow({ where: { slug: owner.orgSlug }, select: { id: true } });
    const { token } = await startSession(db, { userId: user.id, ipAddress: "127.0.0.1", userAgent: "profile" });
    const cookie = await encode({ token: { sid: token, sub: user.id }, secret: SECRET });
    process.env.NEXTAUTH_SECRET = SECRET;
    process.env.DATABASE_URL = url;
    const input = {
      orgSlug: owner.orgSlug,
      bankAccountId: owner.bankAccountId,
      view: "review" as const,
      page: 1,
      pageSize: 50,
    };
    const query = { bankAccountId: owner.bankAccountId, view: "review" as const, page: 1, pageSize: 50 };
    const quiet = createLogger({ level: "warn" });

    console.log(`feed.list of ${owner.orgSlug}, median of ${ROUNDS} runs each:`);
    await median("session cookie: next-auth decode (HKDF + JWE) every time", () =>
      decode({ token: cookie, secret: SECRET }),
    );
    await median("session cookie: Bankline's read (key derived once, cached)", () => readSessionToken(cookie, SECRET));
    const state = await checkSession(db, token);
    if (state.kind !== "active") throw new Error("the profile's session is not active");
    await median("before: session + user (Prisma findUnique)", () =>
      db.session.findUnique({
        where: { tokenHash: hashToken(token) },
        select: {
          id: true,
          createdAt: true,
          lastSeenAt: true,
          expiresAt: true,
          endedAt: true,
          secondFactorAt: true,
          ipAddress: true,
          user: { select: { id: true, email: true, name: true, staffRole: true, totpEnabledAt: true } },
        },
      }),
    );
    await median("before: membership (Prisma findFirst)", () =>
      db.membership.findFirst({
        where: { userId: user.id, organization: { slug: owner.orgSlug } },
        select: { role: true, organization: { select: { id: true, slug: true, name: true, requireTwoFactor: true } } },
      }),
    );
    await median("session + user + memberships: the one query", () => checkSession(db, token));
    await median("a bare SELECT 1 through Prisma", () => db.$queryRaw`SELECT 1`);
    await median("logger for the request (pino child)", () => quiet.child({ requestId: "r", userId: user.id }));
    const service = await median("listFeed, the service's queries", () => listFeed(db, org.id, query));
    await median("listEntries (register.entries' first page)", () =>
      listEntries(db, org.id, { registerId: owner.registerId, page: 1, pageSize: 50 }),
    );
    const result = await listFeed(db, org.id, query);
    await median("serialization: superjson + JSON.stringify of the page", () =>
      JSON.stringify(superjson.serialize(result)),
    );
    const ctx = () =>
      createInnerContext({ db, user: state.user, memberships: state.memberships, ipAddress: "127.0.0.1" });
    const caller = await median("the procedure through tRPC (checks, zod in and out)", () =>
      createCaller(ctx()).feed.list(input),
    );
    console.log(`${"  tRPC and zod beyond the service".padEnd(58)} ${(caller - service).toFixed(3).padStart(7)} ms`);

    // Every statement of one request, with its plan.
    const traced = new pg.Client({ connectionString: url });
    await traced.connect();
    const logging = new PrismaClient({
      adapter: new PrismaPg({ connectionString: url }),
      log: [{ emit: "event", level: "query" }],
    });
    logging.$on("query", (e) => queries.push({ query: e.query, params: e.params }));
    await checkSession(logging, token);
    const traced_ = createCaller(
      createInnerContext({ db: logging, user: state.user, memberships: state.memberships, ipAddress: "127.0.0.1" }),
    );
    const procedure = process.env.PROFILE_PROCEDURE ?? "feed.list";
    const calls: Record<string, () => Promise<unknown>> = {
      "feed.list": () => traced_.feed.list(input),
      "feed.accounts": () => traced_.feed.accounts({ orgSlug: owner.orgSlug }),
      "connections.list": () => traced_.connections.list({ orgSlug: owner.orgSlug }),
      "register.list": () => traced_.register.list({ orgSlug: owner.orgSlug }),
      "register.entries": () =>
        traced_.register.entries({ orgSlug: owner.orgSlug, registerId: owner.registerId, page: 1, pageSize: 50 }),
    };
    await calls[procedure]!();
    await logging.$disconnect();
    console.log(`\n${procedure}: ${queries.length} statements, the session's and the procedure's:`);
    for (const q of queries) {
      const params = JSON.parse(q.params) as unknown[];
      const plan = await traced.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.query}`, params);
      const lines = plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"] ?? "");
      const telling = lines.filter((l) => /Scan|Execution Time|Planning Time|Sort|Aggregate|Limit/.test(l));
      console.log(`\n${q.query.replace(/\s+/g, " ").slice(0, 240)}\n  ${telling.join("\n  ")}`);
    }
    await traced.end();

    console.log(`\nThe same statements through Prisma's $queryRawUnsafe and through readRows (one pool, named):`);
    for (const [i, q] of queries.entries()) {
      const params = JSON.parse(q.params) as unknown[];
      const label = i === 0 ? "the session read" : `${procedure}, statement ${i}`;
      await median(`${label}: Prisma`, () => db.$queryRawUnsafe(q.query, ...params));
      await median(`${label}: readRows`, () => readRows(db, sqlOf(q.query, params)));
    }
  } finally {
    await db.$disconnect();
    await database.dispose();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
